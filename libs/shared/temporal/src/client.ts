import { Client, Connection } from '@temporalio/client';

export interface TemporalTarget {
  address: string;
  namespace: string;
}

/** A client over a connection made now: fails at once when Temporal is unreachable. */
export async function connectClient(target: TemporalTarget): Promise<Client> {
  const connection = await Connection.connect({ address: target.address });
  return new Client({ connection, namespace: target.namespace });
}

/**
 * A client whose connection is made on first use, so a service can start (and report itself not
 * ready) while Temporal is away, and every call after it returns works.
 */
export function lazyClient(target: TemporalTarget): Client {
  const connection = Connection.lazy({ address: target.address });
  return new Client({ connection, namespace: target.namespace });
}
