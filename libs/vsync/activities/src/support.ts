import { Context } from '@temporalio/activity';
import { toActivityFailure } from '@fleet/vsync-dict-bridge';

/** Calls the bridge; its errors become activity failures that say whether a retry can help. */
export async function dictCall<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw toActivityFailure(err, operation);
  }
}

/** Heartbeats at most once a second (progress on long work is visible, history is not flooded). */
export function heartbeater(): (details: unknown) => void {
  let last = 0;
  return (details: unknown) => {
    if (Date.now() - last < 1000) return;
    last = Date.now();
    Context.current().heartbeat(details);
  };
}
