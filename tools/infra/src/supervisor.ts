import type { ExitStatus, ManagedProcess } from './managed-process';

/**
 * Keeps processes running, as a platform does: a process that crashes (a non-zero exit code or a
 * signal, outside a stop) is started again after a backoff that doubles from `initialBackoffMs` to
 * `maxBackoffMs`, and goes back to `initialBackoffMs` once a run has lasted `stableAfterMs`. Each
 * restart is logged with its reason, its delay, its number and where the process logs. A process
 * that exits with code 0 by itself has finished: it is not started again. Only `stop()` stops
 * everything (the start command calls it on Ctrl-C and SIGTERM).
 */
export interface SupervisorOptions {
  /** First delay before a restart (default 1 s). */
  initialBackoffMs?: number;
  /** The delay doubles up to this (default 30 s). */
  maxBackoffMs?: number;
  /** A run this long resets the delay to its initial value (default 60 s). */
  stableAfterMs?: number;
  /** Where restarts are reported (default: `[fleet] ...` on stdout). */
  log?: (line: string) => void;
  /** Grace period of a stop before SIGKILL (default 25 s). */
  stopGraceMs?: number;
}

export interface SupervisedSpec {
  name: string;
  /** Starts one run of the process (called again for every restart). */
  start: () => ManagedProcess;
  /** Named in the restart message. */
  logFile?: string;
}

export interface SupervisedProcess {
  readonly name: string;
  /** The current run; undefined while it waits to be restarted or once stopped. */
  readonly current: ManagedProcess | undefined;
  /** Restarts so far. */
  readonly restarts: number;
}

export interface RestartEvent {
  name: string;
  status: ExitStatus;
  delayMs: number;
  restart: number;
}

export class Supervisor {
  private readonly entries: Entry[] = [];
  private stopping = false;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly stableAfterMs: number;
  private readonly stopGraceMs: number;
  private readonly log: (line: string) => void;
  private readonly listeners: ((event: RestartEvent) => void)[] = [];

  constructor(options: SupervisorOptions = {}) {
    this.initialBackoffMs = options.initialBackoffMs ?? 1000;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.stableAfterMs = options.stableAfterMs ?? 60_000;
    this.stopGraceMs = options.stopGraceMs ?? 25_000;
    this.log = options.log ?? ((line) => console.log(`[fleet] ${line}`));
  }

  /** Starts the process and keeps it running until `stop()`. Throws when it cannot be spawned at all. */
  add(spec: SupervisedSpec): SupervisedProcess {
    if (this.stopping) throw new Error(`the supervisor is stopping: ${spec.name} not started`);
    const entry = new Entry(spec, this.initialBackoffMs);
    this.run(entry);
    this.entries.push(entry);
    return entry;
  }

  /** Called on every restart decision (tests, and whoever wants to count them). */
  onRestart(listener: (event: RestartEvent) => void): void {
    this.listeners.push(listener);
  }

  get processes(): readonly SupervisedProcess[] {
    return this.entries;
  }

  /** Stops every process (in parallel) and restarts none of them again. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    this.stopping = true;
    for (const e of this.entries) {
      clearTimeout(e.timer);
      e.timer = undefined;
    }
    await Promise.all(this.entries.map((e) => e.current?.stop(signal, this.stopGraceMs)));
  }

  private run(entry: Entry): void {
    const proc = entry.spec.start();
    const startedAt = Date.now();
    entry.current = proc;
    void proc.exit.then((status) => {
      if (entry.current === proc) entry.current = undefined;
      if (this.stopping) return;
      const what = status.signal ? `exited with signal ${status.signal}` : `exited with code ${status.code}`;
      if (status.code === 0 && !status.signal) {
        this.log(`${entry.spec.name} ${what}: it finished by itself, so it is not restarted${this.see(entry)}`);
        return;
      }
      if (Date.now() - startedAt >= this.stableAfterMs) entry.backoffMs = this.initialBackoffMs;
      this.restartLater(entry, status, what);
    });
  }

  private restartLater(entry: Entry, status: ExitStatus, what: string): void {
    const delayMs = entry.backoffMs;
    entry.backoffMs = Math.min(entry.backoffMs * 2, this.maxBackoffMs);
    entry.restarts++;
    this.log(`${entry.spec.name} ${what}; restarting in ${formatSeconds(delayMs)} (restart #${entry.restarts})${this.see(entry)}`);
    for (const listener of this.listeners) listener({ name: entry.spec.name, status, delayMs, restart: entry.restarts });
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      if (this.stopping) return;
      try {
        this.run(entry);
      } catch (err) {
        // Not even spawned (a missing binary, no more pids): tried again later, as for a crash.
        this.restartLater(entry, { code: null, signal: null }, `could not be started (${err instanceof Error ? err.message : String(err)})`);
      }
    }, delayMs);
  }

  private see(entry: Entry): string {
    return entry.spec.logFile ? `; see ${entry.spec.logFile}` : '';
  }
}

class Entry implements SupervisedProcess {
  current: ManagedProcess | undefined;
  restarts = 0;
  timer: NodeJS.Timeout | undefined;

  constructor(
    readonly spec: SupervisedSpec,
    public backoffMs: number,
  ) {}

  get name(): string {
    return this.spec.name;
  }
}

function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}
