/**
 * Mailpit: a real SMTP server with a REST API, for e-mail in dev and tests.
 *
 * The binary is `MAILPIT_PATH`, else `mailpit` on PATH, else the pinned Go module built once with
 * `go install` into the tools cache (`<toolsCacheDir>/mailpit-<version>/mailpit`; a module build
 * has no web UI, the API and SMTP are whole). Two runs building at once each build into a folder
 * of their own and rename it into place; the first rename wins.
 *
 * `startMailpit` binds SMTP and the API to 127.0.0.1 only (checked with ss), keeps its SQLite file
 * in the folder given (fresh at each start), never prunes messages (`--max 0`: tests count them),
 * accepts any SMTP credentials or none (`--smtp-auth-accept-any --smtp-auth-allow-insecure`, so a
 * client configured with a user and password for a real provider talks to it unchanged), makes no
 * reverse DNS lookups and no update checks, and enables the chaos switch: `PUT /api/v1/chaos`
 * makes SMTP refuse MAIL FROM, RCPT TO or AUTH with a given code and probability (see
 * `MailpitClient.setChaos` in `./testing/mailpit`). Mailpit 1.33 has no trigger at DATA.
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { resolveGoTool } from './go-tool';
import { spawnManaged, type ManagedProcess } from './managed-process';
import { waitForPort } from './ports';

/** The one place the Mailpit version is pinned (a Go module version the module proxy serves). */
export const MAILPIT_VERSION = 'v1.33.1';
const MAILPIT_MODULE = 'github.com/axllent/mailpit';

/**
 * Finds Mailpit: `MAILPIT_PATH` first, then `mailpit` on PATH, then the cached build of the pinned
 * version, building it with `go install` when absent (once; a few minutes).
 */
export function resolveMailpit(log: (line: string) => void = console.log): string {
  return resolveGoTool({ label: 'Mailpit', command: 'mailpit', envVar: 'MAILPIT_PATH', module: MAILPIT_MODULE, version: MAILPIT_VERSION, cacheName: `mailpit-${MAILPIT_VERSION}` }, log);
}

export interface MailpitOptions {
  /** This run's folder: the database (fresh at each start). */
  dir: string;
  smtpPort: number;
  /** The REST API (and the web UI where the binary has one). */
  httpPort: number;
  logFile: string;
  /** The binary; resolveMailpit() by default. */
  executable?: string;
  /** Where the one-time build says what it does; console.log by default. */
  log?: (line: string) => void;
  /** How long to wait for the API and SMTP to answer; 30 s by default. */
  startTimeoutMs?: number;
}

export interface MailpitServer {
  smtpHost: string;
  smtpPort: number;
  /** e.g. http://127.0.0.1:8025 (its REST API is under /api/v1). */
  apiUrl: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

/** Starts Mailpit bound to 127.0.0.1 and waits until its API is ready and SMTP accepts connections. */
export async function startMailpit(options: MailpitOptions): Promise<MailpitServer> {
  const executable = options.executable ?? resolveMailpit(options.log);
  mkdirSync(options.dir, { recursive: true });
  const database = path.join(options.dir, 'mailpit.db');
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${database}${suffix}`, { force: true });
  // Mailpit reads MP_* variables as settings: none of the caller's may change what is asked here.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('MP_')));
  const host = '127.0.0.1';
  const server = spawnManaged({
    name: 'mailpit',
    command: executable,
    args: [
      '--smtp', `${host}:${options.smtpPort}`,
      '--listen', `${host}:${options.httpPort}`,
      '--database', database,
      '--max', '0',
      '--enable-chaos',
      '--smtp-auth-accept-any',
      '--smtp-auth-allow-insecure',
      '--smtp-disable-rdns',
      '--disable-version-check',
    ],
    cwd: options.dir,
    env,
    logFile: options.logFile,
  });
  const apiUrl = `http://${host}:${options.httpPort}`;
  let exited = false;
  void server.exited.then(() => (exited = true));
  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  for (;;) {
    const ready = await fetch(`${apiUrl}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (exited || Date.now() > deadline) {
      await server.stop();
      throw new Error(`Mailpit did not start${exited ? ' (it exited)' : ''}; see ${options.logFile}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  try {
    await waitForPort(options.smtpPort, Math.max(1_000, deadline - Date.now()), host);
  } catch (err) {
    await server.stop();
    throw new Error(`Mailpit's SMTP server did not listen on ${host}:${options.smtpPort}; see ${options.logFile}`, { cause: err });
  }
  return {
    smtpHost: host,
    smtpPort: options.smtpPort,
    apiUrl,
    process: server,
    stop: () => server.stop('SIGTERM', 5_000),
  };
}

