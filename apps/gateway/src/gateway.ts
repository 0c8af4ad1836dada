import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@fleet/shared-observability';
import { createMetricsRegistry } from '@fleet/shared-observability';
import { lazyClient } from '@fleet/shared-temporal';
import { createDb, withTryAdvisoryLock } from '@fleet/shared-db';
import { defaultDeclarationFiles, loadDeclared } from './schedules/declared';
import { ScheduleReconciler } from './schedules/reconciler';
import { loadDomainApis, parseApiKeys } from '@fleet/shared-http';
import { createGatewayApp } from './app';
import type { GatewayConfig } from './config';

export interface RunningGateway {
  port: number;
  /** The address the API listens on (GATEWAY_HOST, 127.0.0.1 by default). */
  host: string;
  reconciler: ScheduleReconciler;
  close(): Promise<void>;
}

// The advisory lock key of schedule reconciles: one gateway at a time writes schedules.
const RECONCILE_LOCK = 0x5c4ed;

/**
 * Validates every schedule declaration (throws a DeclarationError, before anything else, when one
 * is wrong), serves the API, and reconciles the schedules in the background. Temporal is
 * connected lazily: the gateway starts, and says it is not ready, while Temporal is away.
 */
export async function startGateway(config: GatewayConfig, logger: Logger): Promise<RunningGateway> {
  const declared = loadDeclared(config.SCHEDULE_FILES ? config.SCHEDULE_FILES.split(',').map((f) => f.trim()) : defaultDeclarationFiles());
  const client = lazyClient({ address: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE });
  const db = config.DATABASE_URL ? createDb(config.DATABASE_URL, { maxConnections: 2, applicationName: 'gateway' }) : undefined;
  const registry = createMetricsRegistry('gateway');
  const reconciler = new ScheduleReconciler({
    registry,
    client,
    declared,
    logger,
    intervalMs: config.SCHEDULE_RECONCILE_INTERVAL_MS,
    orphans: config.SCHEDULE_ORPHANS,
    withLock: db ? (fn) => withTryAdvisoryLock(db, RECONCILE_LOCK, fn) : undefined,
  });
  // Every domain's API lib (libs/<domain>/api), found from the folders: a new domain needs no edit here.
  const domainApis = loadDomainApis();
  const app = createGatewayApp({
    client,
    logger,
    registry,
    rpcTimeoutMs: config.TEMPORAL_RPC_TIMEOUT_MS,
    reconciler,
    declared,
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
  reconciler.start();
  const address = server.address() as AddressInfo;
  return {
    port: address.port,
    host: address.address,
    reconciler,
    async close() {
      await reconciler.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await client.connection.close();
      await db?.destroy();
    },
  };
}
