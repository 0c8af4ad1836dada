import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@fleet/shared-observability';
import { createMetricsRegistry } from '@fleet/shared-observability';
import { lazyClient } from '@fleet/shared-temporal';
import { loadDomainApis, parseApiKeys } from '@fleet/shared-http';
import { createGatewayApp } from './app';
import type { GatewayConfig } from './config';

export interface RunningGateway {
  port: number;
  /** The address the API listens on (GATEWAY_HOST, 127.0.0.1 by default). */
  host: string;
  close(): Promise<void>;
}

/**
 * Serves the API. Temporal is connected lazily: the gateway starts, and says it is not ready, while
 * Temporal is away. Schedules are kept by each worker from its own workflows.yaml; the gateway reads
 * them from Temporal alone (no file, no domain schema, no database).
 */
export async function startGateway(config: GatewayConfig, logger: Logger): Promise<RunningGateway> {
  const client = lazyClient({ address: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE });
  const registry = createMetricsRegistry('gateway');
  // Every domain's API lib (libs/<domain>/api), found from the folders: a new domain needs no edit here.
  const domainApis = loadDomainApis();
  const app = createGatewayApp({
    client,
    logger,
    registry,
    rpcTimeoutMs: config.TEMPORAL_RPC_TIMEOUT_MS,
    auth: {
      apiKeys: parseApiKeys(config.GATEWAY_API_KEYS),
      jwtSecret: config.GATEWAY_JWT_SECRET,
      jwtIssuer: config.GATEWAY_JWT_ISSUER,
      jwtAudience: config.GATEWAY_JWT_AUDIENCE,
    },
    rateLimitPerMinute: config.GATEWAY_RATE_LIMIT_PER_MINUTE,
    domainApis,
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.GATEWAY_PORT, config.GATEWAY_HOST, (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  const address = server.address() as AddressInfo;
  return {
    port: address.port,
    host: address.address,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await client.connection.close();
    },
  };
}
