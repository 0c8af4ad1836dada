import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@fleet/shared-observability';
import { createMetricsRegistry } from '@fleet/shared-observability';
import { lazyClient } from '@fleet/shared-temporal';
import { createGatewayApp } from './app';
import type { GatewayConfig } from './config';

export interface RunningGateway {
  port: number;
  close(): Promise<void>;
}

/** Serves the API. Temporal is connected lazily: the gateway starts, and says so, while it is away. */
export async function startGateway(config: GatewayConfig, logger: Logger): Promise<RunningGateway> {
  const client = lazyClient({ address: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE });
  const app = createGatewayApp({
    client,
    logger,
    registry: createMetricsRegistry('gateway'),
    rpcTimeoutMs: config.TEMPORAL_RPC_TIMEOUT_MS,
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.GATEWAY_PORT, (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await client.connection.close();
    },
  };
}
