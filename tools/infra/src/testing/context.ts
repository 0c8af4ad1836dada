import { Client, Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { createDatabaseIfMissing, databaseUrl } from '@fleet/shared-db';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { testBundle, testEnv } from './env';

export interface TestContext {
  /** A namespace of this test file's own on the shared dev server. */
  temporal: { address: string; namespace: string };
  client: Client;
  /** A database of this test file's own on the shared PostgreSQL server. */
  databaseUrl: string;
  /** The pre-built workflow bundle of a worker app, e.g. `bundle('license-worker')`. */
  bundle(workerApp: string): string;
  /** The shared broker, and the name of a tenant of this test file's own (created by whoever needs it). */
  pulsar: { wsUrl: string; adminUrl: string; tenant: string };
  close(): Promise<void>;
}

/** Isolates a test file: its own Temporal namespace, database (dropped at close) and Pulsar tenant name. */
export async function createTestContext(name: string): Promise<TestContext> {
  const suffix = randomBytes(4).toString('hex');
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '_').slice(0, 30);
  const address = testEnv('temporalAddress');
  const namespace = `test-${slug.replace(/_/g, '-')}-${suffix}`;
  const connection = await Connection.connect({ address });
  await connection.workflowService.registerNamespace({
    namespace,
    workflowExecutionRetentionPeriod: msToTs('1 day'),
  });
  const server = testEnv('databaseUrl');
  const database = `t_${slug}_${suffix}`;
  await createDatabaseIfMissing(server, database);
  const tenant = `t-${suffix}`;
  return {
    pulsar: { wsUrl: testEnv('pulsarWsUrl'), adminUrl: testEnv('pulsarAdminUrl'), tenant },
    temporal: { address, namespace },
    client: new Client({ connection, namespace }),
    databaseUrl: databaseUrl(server, database),
    bundle: testBundle,
    async close() {
      await connection.close();
      const admin = new pg.Client({ connectionString: databaseUrl(server, 'postgres') });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** The environment every worker app needs in a test: this test's namespace, database and Pulsar tenant. */
export function workerTestEnv(ctx: TestContext): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: ctx.temporal.address,
    TEMPORAL_NAMESPACE: ctx.temporal.namespace,
    DATABASE_URL: ctx.databaseUrl,
    PULSAR_WS_URL: ctx.pulsar.wsUrl,
    PULSAR_ADMIN_URL: ctx.pulsar.adminUrl,
    EVENTS_TENANT: ctx.pulsar.tenant,
    METRICS_PORT: '0',
    LOG_LEVEL: 'warn',
    // No real schedules in a test's namespace unless the test asks for them: a daily run firing
    // during a test would race what the test asserts. Tests of schedules set the file themselves.
    SCHEDULE_FILE: 'none',
  };
}
