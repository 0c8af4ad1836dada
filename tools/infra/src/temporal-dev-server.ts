import { Connection } from '@temporalio/client';
import path from 'node:path';
import { spawnManaged, type ManagedProcess } from './managed-process';
import { resolveTemporalCli } from './temporal-cli';

export interface TemporalDevServerOptions {
  port: number;
  /** Web UI port; omit for a headless server (tests). */
  uiPort?: number;
  /** SQLite file for a server that keeps its state across restarts; in memory otherwise. */
  dbFile?: string;
  logFile: string;
  namespace?: string;
}

export interface TemporalDevServer {
  address: string;
  uiUrl?: string;
  namespace: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

/**
 * Dynamic config the dev server is started with, over the CLI's own defaults.
 *
 * `system.forceSearchAttributesCacheRefreshOnRead`: the CLI turns it on (so a search attribute just
 * added is seen at once; "should not be turned on in production", says the server), which makes
 * every visibility row read cluster metadata from the database: a listing of 1,000 schedules made
 * about 2,000 such reads, cost the server 150-700 ms of CPU and, listed back to back, hit the
 * frontend's persistence rate limit ("System Persistence Max QPS Reached"). With SQLite visibility
 * the custom search attributes are columns allocated up front (adding one only names an alias in
 * the namespace), so the cache it bypasses never changes: turned off, as in production.
 */
const DYNAMIC_CONFIG: [string, unknown][] = [
  ['system.forceSearchAttributesCacheRefreshOnRead', false],
  // The CLI caps the history service's cache of open workflows' state at 8,096 (production: 128,000):
  // past that, a call to any other workflow reloads its state from SQLite. Fleet holds 10,000 tickets open.
  ['history.hostLevelCacheMaxSize', 32_768],
];

/** Starts `temporal server start-dev` and resolves when its frontend answers health checks. */
export async function startTemporalDevServer(options: TemporalDevServerOptions): Promise<TemporalDevServer> {
  const cli = resolveTemporalCli();
  const namespace = options.namespace ?? 'default';
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(options.port), '--log-level', 'warn', ...DYNAMIC_CONFIG.flatMap(([key, value]) => ['--dynamic-config-value', `${key}=${JSON.stringify(value)}`])];
  if (options.uiPort) args.push('--ui-port', String(options.uiPort));
  else args.push('--headless');
  // A file-backed server writes through SQLite's write-ahead log, synced at checkpoints: its
  // defaults (a rollback journal, every commit synced) queued each write behind the disk's fsyncs.
  // A killed server loses nothing committed; a power cut may lose the last commits, not the file.
  if (options.dbFile) args.push('--db-filename', options.dbFile, '--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal');
  if (namespace !== 'default') args.push('--namespace', namespace);
  const server = spawnManaged({
    name: 'temporal',
    command: cli,
    args,
    cwd: path.dirname(options.logFile),
    logFile: options.logFile,
  });
  const address = `127.0.0.1:${options.port}`;
  await waitForTemporal(address, 60_000, server);
  return {
    address,
    uiUrl: options.uiPort ? `http://127.0.0.1:${options.uiPort}` : undefined,
    namespace,
    process: server,
    stop: () => server.stop('SIGTERM'),
  };
}

async function waitForTemporal(address: string, timeoutMs: number, server: ManagedProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  let exited = false;
  void server.exited.then(() => (exited = true));
  while (Date.now() < deadline && !exited) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.healthService.check({});
        await connection.workflowService.describeNamespace({ namespace: 'default' });
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  await server.stop();
  throw new Error(
    `Temporal dev server at ${address} did not become ready${exited ? ' (it exited; see its log)' : ''}: ${String(lastError)}`,
  );
}
