import type { ExitStatus } from './managed-process';

/**
 * Keeps processes running, as a platform does: a process that crashes (a non-zero exit code or a
 * signal, outside a stop) is started again after a backoff that doubles from `initialBackoffMs` to
 * `maxBackoffMs`, and goes back to `initialBackoffMs` once a run has lasted `stableAfterMs`. Each
 * restart is logged with its reason, its delay, its number and where the process logs. A process
 * that exits with code 0 by itself has finished: it is not started again. Only `stop()` stops
 * everything (the start command calls it on Ctrl-C and SIGTERM).
 *
 * A run is anything with an exit and a stop: a spawned app (ManagedProcess), or a server whose
 * start waits until it answers (the Temporal dev server, PostgreSQL, Pulsar), started
 * asynchronously; a start that fails is retried on the same backoff, as a crash.
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

/** One run of a supervised process. */
export interface Run {
  readonly pid?: number;
  readonly exit: Promise<ExitStatus>;
  /** Stops it the way it stops gracefully, killing it after `graceMs`. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

export interface SupervisedSpec {
  name: string;
  /** Starts one run of the process (called again for every restart). */
  start: () => Run | Promise<Run>;
  /** Named in the restart message. */
  logFile?: string;
}

export interface SupervisedProcess {
  readonly name: string;
  /** The current run; undefined while it starts, waits to be restarted, or once stopped. */
  readonly current: Run | undefined;
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

  /**
   * Keeps the process running until `stop()`: starts it, or adopts `running`, a run started
   * already. Throws when a synchronous start fails the first time.
   */
  add(spec: SupervisedSpec, running?: Run): SupervisedProcess {
    if (this.stopping) throw new Error(`the supervisor is stopping: ${spec.name} not started`);
    const entry = new Entry(spec, this.initialBackoffMs);
    this.run(entry, running ?? spec.start());
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

  /** Stops every process (in parallel, each the way it stops gracefully) and restarts none of them again. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const e of this.entries) {
      clearTimeout(e.timer);
      e.timer = undefined;
    }
    await Promise.all(this.entries.map(async (e) => Promise.all([e.current?.stop(undefined, this.stopGraceMs), e.starting?.then((r) => r?.stop(undefined, this.stopGraceMs))])));
  }

  private run(entry: Entry, started: Run | Promise<Run>): void {
    if (!(started instanceof Promise)) return this.watch(entry, started);
    const starting = started.then(
      (run) => {
        entry.starting = undefined;
        if (this.stopping) return run; // stop() stops it
        this.watch(entry, run);
        return undefined;
      },
      (err: unknown) => {
        entry.starting = undefined;
        if (!this.stopping) this.restartLater(entry, { code: null, signal: null }, `could not be started (${err instanceof Error ? err.message : String(err)})`);
        return undefined;
      },
    );
    entry.starting = starting;
  }

  private watch(entry: Entry, run: Run): void {
    const startedAt = Date.now();
    entry.current = run;
    void run.exit.then((status) => {
      if (entry.current === run) entry.current = undefined;
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
        this.run(entry, entry.spec.start());
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
  current: Run | undefined;
  /** A start in progress: resolves to the run when stop() came first (to be stopped), else undefined. */
  starting: Promise<Run | undefined> | undefined;
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
