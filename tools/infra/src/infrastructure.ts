import path from 'node:path';
import { startEmbeddedPostgres, externalPostgres, type PostgresServer } from './postgres';
import { startTemporalDevServer, type TemporalDevServer } from './temporal-dev-server';
import type { ManagedProcess } from './managed-process';
import { PulsarUnavailableError, startPulsarStandalone, type PulsarServer } from './pulsar';
import type { Run } from './supervisor';

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

/** A server this module started, and how to start it again on the same ports and data. */
export interface InfrastructureProcess {
  name: string;
  logFile: string;
  current: Run;
  /** Starts it again, resolving once it answers (what a supervisor calls after a crash). */
  restart(): Promise<Run>;
}

export interface Infrastructure {
  temporal: TemporalDevServer;
  postgres: PostgresServer;
  /** Absent when it was not asked for or could not start (see `pulsarUnavailable`). */
  pulsar?: PulsarServer;
  pulsarUnavailable?: string;
  /** The servers started here (an external PostgreSQL is not one), for a supervisor to keep running. */
  processes: InfrastructureProcess[];
  /** Stops the servers as first started (a supervisor that restarted some stops those). */
  stop(): Promise<void>;
}

const runOf = (server: { process?: ManagedProcess; stop(): Promise<void> }): Run => {
  const process = server.process as ManagedProcess;
  return { pid: process.pid, exit: process.exit, stop: () => server.stop() };
};

/** Starts the Temporal dev server, PostgreSQL and Pulsar side by side: the one module start, tests and benchmarks share. */
export async function startInfrastructure(options: InfrastructureOptions): Promise<Infrastructure> {
  const logFile = (name: string) => path.join(options.dir, 'logs', `${name}.log`);
  const startTemporal = () =>
    startTemporalDevServer({
      port: options.temporalPort,
      uiPort: options.temporalUiPort,
      dbFile: options.persistent ? path.join(options.dir, 'temporal.db') : undefined,
      logFile: logFile('temporal'),
    });
  const startPostgres = () =>
    startEmbeddedPostgres({
      dataDir: path.join(options.dir, 'postgres', 'data'),
      port: options.postgresPort,
      logFile: logFile('postgres'),
      settings: options.postgresSettings,
      ephemeral: !options.persistent,
    });
  const pulsarPorts = options.pulsar;
  const startPulsar = (ports: { webPort: number; brokerPort: number }, keepData: boolean) =>
    startPulsarStandalone({
      dir: path.join(options.dir, 'pulsar'),
      webPort: ports.webPort,
      brokerPort: ports.brokerPort,
      logFile: logFile('pulsar'),
      keepData,
      log: options.log,
    });
  const [temporal, postgres, pulsar] = await Promise.allSettled([
    startTemporal(),
    options.databaseUrl ? Promise.resolve(externalPostgres(options.databaseUrl)) : startPostgres(),
    pulsarPorts ? startPulsar(pulsarPorts, options.persistent) : Promise.resolve(undefined),
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
  const processes: InfrastructureProcess[] = [
    { name: 'temporal', logFile: logFile('temporal'), current: runOf(value(temporal)), restart: async () => runOf(await startTemporal()) },
  ];
  const pg = value(postgres);
  if (pg.process) processes.push({ name: 'postgres', logFile: logFile('postgres'), current: runOf(pg), restart: async () => runOf(await startPostgres()) });
  if (pulsar.status === 'fulfilled' && pulsar.value && pulsarPorts) {
    // Started again after a crash, a broker keeps what it had (fresh data would lose what the relay had sent).
    processes.push({ name: 'pulsar', logFile: logFile('pulsar'), current: runOf(pulsar.value), restart: async () => runOf(await startPulsar(pulsarPorts, true)) });
  }
  return {
    temporal: value(temporal),
    postgres: pg,
    pulsar: pulsar.status === 'fulfilled' ? pulsar.value : undefined,
    pulsarUnavailable: pulsar.status === 'rejected' ? (pulsar.reason as Error).message : undefined,
    processes,
    async stop() {
      await Promise.all(started.map((s) => s.stop()));
    },
  };
}
