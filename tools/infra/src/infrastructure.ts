import path from 'node:path';
import { startEmbeddedPostgres, externalPostgres, type PostgresServer } from './postgres';
import { startTemporalDevServer, type TemporalDevServer } from './temporal-dev-server';
import { PulsarUnavailableError, startPulsarStandalone, type PulsarServer } from './pulsar';

export interface InfrastructureOptions {
  /** Folder for this run's data and logs. */
  dir: string;
  temporalPort: number;
  /** Web UI port; headless when omitted. */
  temporalUiPort?: number;
  /**
   * Keep state across restarts (start: Temporal in a file, PostgreSQL's cluster, Pulsar's topics,
   * messages and subscriptions), or throw it away (tests, benchmarks: fresh every time).
   */
  persistent: boolean;
  postgresPort: number;
  /** An external PostgreSQL server; the embedded one is started when absent. */
  databaseUrl?: string;
  /** Extra PostgreSQL settings for the embedded server. */
  postgresSettings?: Record<string, string>;
  /** Start a Pulsar standalone broker on these ports (when Java is present). */
  pulsar?: { webPort: number; brokerPort: number };
  /** Progress worth a line (a download); console.log by default. */
  log?: (line: string) => void;
}

export interface Infrastructure {
  temporal: TemporalDevServer;
  postgres: PostgresServer;
  /** Absent when it was not asked for or could not start (see `pulsarUnavailable`). */
  pulsar?: PulsarServer;
  pulsarUnavailable?: string;
  stop(): Promise<void>;
}

/** Starts the Temporal dev server, PostgreSQL and Pulsar side by side: the one module start, tests and benchmarks share. */
export async function startInfrastructure(options: InfrastructureOptions): Promise<Infrastructure> {
  const [temporal, postgres, pulsar] = await Promise.allSettled([
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
    options.pulsar
      ? startPulsarStandalone({
          dir: path.join(options.dir, 'pulsar'),
          webPort: options.pulsar.webPort,
          brokerPort: options.pulsar.brokerPort,
          logFile: path.join(options.dir, 'logs', 'pulsar.log'),
          keepData: options.persistent,
          log: options.log,
        })
      : Promise.resolve(undefined),
  ]);
  const started = [temporal, postgres, pulsar].flatMap((r) => (r.status === 'fulfilled' && r.value ? [r.value] : []));
  // Without Java the system still runs, its events waiting in the outbox; any other failure stops the start.
  const fatal = [temporal, postgres, pulsar].find(
    (r): r is PromiseRejectedResult => r.status === 'rejected' && !(r.reason instanceof PulsarUnavailableError),
  );
  if (fatal) {
    await Promise.all(started.map((s) => s.stop()));
    throw fatal.reason;
  }
  const value = <T,>(r: PromiseSettledResult<T>) => (r as PromiseFulfilledResult<T>).value;
  return {
    temporal: value(temporal),
    postgres: value(postgres),
    pulsar: pulsar.status === 'fulfilled' ? pulsar.value : undefined,
    pulsarUnavailable: pulsar.status === 'rejected' ? (pulsar.reason as Error).message : undefined,
    async stop() {
      await Promise.all(started.map((s) => s.stop()));
    },
  };
}
