import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './paths';

/** How a process ended: its exit code, or the signal that ended it. */
export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Resolves when the process has exited, with its code (null when a signal ended it). */
  readonly exited: Promise<number | null>;
  /** The same, with the signal. */
  readonly exit: Promise<ExitStatus>;
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

export interface SpawnOptions {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Output goes to this file (appended); otherwise it is inherited. */
  logFile?: string;
  /** Signal that stops the process gracefully. */
  stopSignal?: NodeJS.Signals;
  /** Run as this user (a root owner starting PostgreSQL). */
  uid?: number;
  gid?: number;
}

/**
 * Starts a child in its own process group, so stopping it stops everything it started, and
 * registers it with a reaper that stops it if this process dies without cleaning up.
 */
export function spawnManaged(options: SpawnOptions): ManagedProcess {
  if (options.logFile) mkdirSync(path.dirname(options.logFile), { recursive: true });
  if (options.cwd) mkdirSync(options.cwd, { recursive: true });
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true,
    stdio: ['ignore', options.logFile ? 'pipe' : 'inherit', options.logFile ? 'pipe' : 'inherit'],
    uid: options.uid,
    gid: options.gid,
  });
  if (options.logFile) {
    // Both streams share the file: neither may end it, the exit does.
    const out = createWriteStream(options.logFile, { flags: 'a' });
    child.stdout?.pipe(out, { end: false });
    child.stderr?.pipe(out, { end: false });
    child.once('close', () => out.end());
  }
  if (child.pid === undefined) {
    throw new Error(`could not start ${options.name}: ${options.command} ${options.args.join(' ')}`);
  }
  const pid = child.pid;
  const exit = new Promise<ExitStatus>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', () => resolve({ code: null, signal: null }));
  });
  const exited = exit.then((s) => s.code);
  const stopSignal = options.stopSignal ?? 'SIGTERM';
  const reaper = watchWithReaper(pid, stopSignal);
  void exit.then(() => {
    // What the process started goes with it (a PostgreSQL killed leaves its backends, which
    // would keep a new server from starting on the same data).
    killGroup(pid, 'SIGKILL');
    // The reaper's job ends with the process: one left behind would signal a pid that may be
    // reused, and a supervisor restarting a process would pile them up.
    reaper.kill('SIGKILL');
  });
  return {
    name: options.name,
    pid,
    child,
    exited,
    exit,
    async stop(signal = stopSignal, graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      killGroup(pid, signal);
      const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone
  }
}

/** Asks a detached reaper to stop `pid` (with `signal`) once this process is gone. */
export function watchWithReaper(pid: number, signal: NodeJS.Signals = 'SIGTERM'): ChildProcess {
  const reaper = spawn(
    process.execPath,
    [...tsxLoaderArgs(), path.join(__dirname, 'reaper.ts'), String(process.pid), `${pid}:${signal}`],
    { cwd: repoRoot, detached: true, stdio: 'ignore' },
  );
  reaper.unref();
  return reaper;
}

/**
 * Node arguments for an app process: a bounded old space, so V8 collects instead of growing
 * toward its default (a quarter of the machine), and tsx to run TypeScript (cwd: the repo root).
 * Deployments set the same heap size.
 */
export function appNodeArgs(heapMb = Number(process.env.FLEET_APP_HEAP_MB ?? 256)): string[] {
  // FLEET_APP_NODE_FLAGS: more node or V8 flags (space-separated), e.g. --trace-gc, which NODE_OPTIONS refuses.
  const extra = (process.env.FLEET_APP_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  return [`--max-old-space-size=${heapMb}`, ...extra, ...tsxLoaderArgs()];
}

/** Node arguments that let a plain `node` run a TypeScript file through tsx (cwd: the repo root). */
export function tsxLoaderArgs(): string[] {
  return ['--import', 'tsx'];
}
