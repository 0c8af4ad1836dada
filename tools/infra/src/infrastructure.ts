import path from 'node:path';
import { startEmbeddedPostgres, externalPostgres, type PostgresServer } from './postgres';
import { startTemporalDevServer, type TemporalDevServer } from './temporal-dev-server';

export interface InfrastructureOptions {
  /** Folder for this run's data and logs. */
  dir: string;
  temporalPort: number;
  /** Web UI port; headless when omitted. */
  temporalUiPort?: number;
  /** Keep state across restarts (start: Temporal in a file, PostgreSQL kept), or throw it away (tests, benchmarks). */
  persistent: boolean;
  postgresPort: number;
  /** An external PostgreSQL server; the embedded one is started when absent. */
  databaseUrl?: string;
  /** Extra PostgreSQL settings for the embedded server. */
  postgresSettings?: Record<string, string>;
}

export interface Infrastructure {
  temporal: TemporalDevServer;
  postgres: PostgresServer;
  stop(): Promise<void>;
}

/** Starts the Temporal dev server and PostgreSQL side by side: the one module start, tests and benchmarks share. */
export async function startInfrastructure(options: InfrastructureOptions): Promise<Infrastructure> {
  const [temporal, postgres] = await Promise.allSettled([
    startTemporalDevServer({
      port: options.temporalPort,
      uiPort: options.temporalUiPort,
      dbFile: options.persistent ? path.join(options.dir, 'temporal.db') : undefined,
      logFile: path.join(options.dir, 'logs', 'temporal.log'),
    }),
    options.databaseUrl
      ? Promise.resolve(externalPostgres(options.databaseUrl))
      : startEmbeddedPostgres({
          dataDir: path.join(options.dir, 'postgres', 'data'),
          port: options.postgresPort,
          logFile: path.join(options.dir, 'logs', 'postgres.log'),
          settings: options.postgresSettings,
          ephemeral: !options.persistent,
        }),
  ]);
  if (temporal.status === 'rejected' || postgres.status === 'rejected') {
    if (temporal.status === 'fulfilled') await temporal.value.stop();
    if (postgres.status === 'fulfilled') await postgres.value.stop();
    throw temporal.status === 'rejected' ? temporal.reason : (postgres as PromiseRejectedResult).reason;
  }
  return {
    temporal: temporal.value,
    postgres: postgres.value,
    async stop() {
      await Promise.all([temporal.value.stop(), postgres.value.stop()]);
    },
  };
}
