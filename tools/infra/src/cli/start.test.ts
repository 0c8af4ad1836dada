/**
 * Issue 9, end to end: the real `npm start` entry (this folder's start.ts, run by node through
 * tsx as the apps are) on a fresh FLEET_HOME, every port it uses moved to a free one, comes up; a
 * license worker killed with SIGKILL comes back by itself, said so in npm start's output, and works
 * (a dry-run deactivation started through the API completes); Ctrl-C stops everything, with exit
 * code 0, and nothing it started is left running or listening.
 *
 * Nothing here touches what else runs on the machine (another `npm start`, the Jest global
 * setup's servers): its own data folder, its own ports, no inherited DATABASE_URL or variable an
 * app would read instead of the local one.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { localApps, type LocalApp } from '../apps';
import type { ExitStatus } from '../managed-process';
import { tsxLoaderArgs } from '../managed-process';
import { repoRoot } from '../paths';
import { freePort } from '../ports';
import { waitFor } from '../testing/wait';

// Bundling, Temporal, PostgreSQL, Pulsar and five apps on two busy cores, then a kill, a restart,
// a workflow and a stop.
jest.setTimeout(10 * 60_000);

const START_FILE = path.join(__dirname, 'start.ts');
const UP_TIMEOUT_MS = 4 * 60_000;
const RESTART_TIMEOUT_MS = 60_000;
const WORKFLOW_TIMEOUT_MS = 2 * 60_000;
const STOP_TIMEOUT_MS = 60_000;
const API_KEY = `e2e-${process.pid}-${Date.now()}`;
/** Inherited variables kept although their prefix is dropped: where the tools (Temporal CLI, Pulsar) are cached. */
const KEPT = new Set(['FLEET_TOOLS_DIR']);

/** The infrastructure's port variables, as start.ts reads them (`FLEET_..._PORT: envSchemas.port(...)`). */
function infrastructurePortVariables(): string[] {
  const source = readFileSync(START_FILE, 'utf8');
  return [...source.matchAll(/\b(FLEET_[A-Z0-9_]+):\s*envSchemas\.port\(/g)].map((m) => m[1] as string);
}

/** A free port for each variable, no two alike. */
async function freePorts(variables: string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const taken = new Set<number>();
  for (const variable of variables) {
    let port = await freePort();
    while (taken.has(port)) port = await freePort();
    taken.add(port);
    out[variable] = port;
  }
  return out;
}

interface Listener {
  port: number;
  pids: number[];
}

/** Every TCP socket listening on this machine, with the processes holding it (ss -ltnp). */
function listeners(): Listener[] {
  return execFileSync('ss', ['-Hltnp'], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const local = line.trim().split(/\s+/)[3] ?? '';
      return { port: Number(local.slice(local.lastIndexOf(':') + 1)), pids: [...line.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1])) };
    });
}

const listenersOn = (port: number) => listeners().filter((l) => l.port === port);

interface Proc {
  pid: number;
  ppid: number;
  /** Start time in clock ticks since boot: a pid reused later is another process. */
  started: string;
}

/** Live processes (zombies left out: they hold no port and run nothing). */
function processes(): Map<number, Proc> {
  const out = new Map<number, Proc>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // pid (comm) state ppid ... starttime (field 22); comm may hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') continue;
    out.set(Number(entry), { pid: Number(entry), ppid: Number(fields[1]), started: fields[19] ?? '' });
  }
  return out;
}

/** The process and everything it started, still parented to it (apps run in process groups of their own). */
function tree(root: number): Proc[] {
  const all = processes();
  const found: Proc[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    const proc = all.get(pid);
    if (proc) found.push(proc);
    for (const p of all.values()) if (p.ppid === pid) queue.push(p.pid);
  }
  return found;
}

const stillRunning = (procs: Proc[]) => {
  const all = processes();
  return procs.filter((p) => all.get(p.pid)?.started === p.started);
};

const cmdline = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
};

let home: string;
let apps: LocalApp[];
let ports: Record<string, number>;
let child: ChildProcess | undefined;
let exit: Promise<ExitStatus>;
let output = '';
let passed = false;
/** Processes seen in npm start's tree, to make sure none is left behind whatever happens. */
const seen = new Map<string, Proc>();

const remember = () => {
  if (child?.pid) for (const p of tree(child.pid)) seen.set(`${p.pid}/${p.started}`, p);
};
const tail = (lines = 80) => output.split('\n').slice(-lines).join('\n');
const running = () => child !== undefined && child.exitCode === null && child.signalCode === null;

/** Runs a step; a failure carries the end of npm start's output, and npm start exiting fails it at once. */
async function step<T>(what: string, fn: () => Promise<T>): Promise<T> {
  const exited = exit.then((s) => {
    throw new Error(`npm start exited (code ${s.code}, signal ${s.signal}) while waiting for ${what}`);
  });
  try {
    return await Promise.race([fn(), exited]);
  } catch (err) {
    throw new Error(`${what}: ${err instanceof Error ? err.message : String(err)}\n--- npm start output (end) ---\n${tail()}`);
  } finally {
    exited.catch(() => undefined);
  }
}

/** The promise's value, or a rejection after `ms` (its timer cleared either way, so Jest exits at once). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_r, reject) => (timer = setTimeout(() => reject(new Error(`not within ${ms / 1000} s`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

const portOf = (app: string, variable: string): number => {
  const p = apps.find((a) => a.app === app)?.ports.find((x) => x.variable === variable);
  if (!p) throw new Error(`${app} declares no port ${variable} in its package.json (fleet.local.ports)`);
  return ports[p.override] as number;
};

const api = async (pathname: string, init: RequestInit = {}) => {
  const res = await fetch(`http://127.0.0.1:${portOf('gateway', 'GATEWAY_PORT')}/api/v0${pathname}`, {
    ...init,
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json', ...init.headers },
    signal: AbortSignal.timeout(15_000),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

beforeAll(async () => {
  home = mkdtempSync(path.join(tmpdir(), 'fleet-start-e2e-'));
  // Embedded PostgreSQL runs as `postgres` when we are root: let it reach its cluster in here.
  chmodSync(home, 0o755);
  apps = localApps({ env: {} });
  const infra = infrastructurePortVariables();
  expect(infra).toEqual(expect.arrayContaining(['FLEET_TEMPORAL_PORT', 'FLEET_TEMPORAL_UI_PORT', 'FLEET_POSTGRES_PORT', 'FLEET_PULSAR_WEB_PORT', 'FLEET_PULSAR_BROKER_PORT']));
  ports = await freePorts([...infra, ...apps.flatMap((a) => a.ports.map((p) => p.override))]);

  // What an app would read instead of its local value (a variable set in npm start's
  // environment wins over its package.json), and anything pointing at another Fleet.
  const appVariables = new Set(apps.flatMap((a) => [...a.ports.map((p) => p.variable), ...Object.keys(a.env)]));
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    const foreign = /^(FLEET_|TEMPORAL_|PULSAR_|DATABASE_|GATEWAY_|DICT_)/.test(key) || appVariables.has(key) || key === 'NODE_ENV' || key === 'JEST_WORKER_ID';
    if (!foreign || KEPT.has(key)) env[key] = value;
  }
  Object.assign(env, Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])), {
    FLEET_HOME: home,
    FLEET_DEMO: '0',
    GATEWAY_API_KEYS: `e2e=${API_KEY}:license:read license:write`,
  });
  expect(env.DATABASE_URL).toBeUndefined();

  child = spawn(process.execPath, [...tsxLoaderArgs(), START_FILE], { cwd: repoRoot, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const spawned = child;
  exit = new Promise((resolve) => spawned.once('exit', (code, signal) => resolve({ code, signal })));
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  spawned.stdout?.on('data', collect);
  spawned.stderr?.on('data', collect);
});

afterAll(async () => {
  try {
    if (child?.pid !== undefined && running()) {
      remember();
      // As Ctrl-C would, then by force: its reapers stop what it started when it is gone.
      child.kill('SIGINT');
      const stopped = await within(exit, STOP_TIMEOUT_MS).then(() => true, () => false);
      if (!stopped) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // gone
        }
        await exit;
      }
    }
    // Whatever is left of it (the reapers need a few seconds), then by force.
    const left = [...seen.values()];
    await waitFor('what npm start started to be gone', () => stillRunning(left).length === 0, 20_000, 250).catch(() => undefined);
    for (const p of stillRunning(left)) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  } finally {
    if (home) {
      // A cluster the postgres user could not keep in here lives in the temp folder, linked from here.
      const pg = path.join(home, 'postgres');
      if (existsSync(pg) && lstatSync(pg).isSymbolicLink()) rmSync(readlinkSync(pg), { recursive: true, force: true });
      if (passed) rmSync(home, { recursive: true, force: true });
      else {
        // After a failure, the logs stay (npm start's output, each app's and server's), the data goes.
        for (const entry of readdirSync(home)) if (entry !== 'logs') rmSync(path.join(home, entry), { recursive: true, force: true });
        mkdirSync(path.join(home, 'logs'), { recursive: true });
        writeFileSync(path.join(home, 'logs', 'npm-start.log'), output);
        console.warn(`npm start end to end failed: its logs are kept in ${path.join(home, 'logs')}`);
      }
    }
  }
});

it('npm start comes up on its own ports, brings a SIGKILLed license worker back by itself, and stops everything on Ctrl-C', async () => {
  const t0 = Date.now();
  const timings: string[] = [];
  const mark = (what: string) => timings.push(`${what} ${Math.round((Date.now() - t0) / 1000)} s`);
  const startedPid = child?.pid as number;
  expect(startedPid).toBeGreaterThan(0);

  await step('"Fleet is up."', () => waitFor('"[fleet] Fleet is up."', () => output.includes('[fleet] Fleet is up.'), UP_TIMEOUT_MS, 250));
  mark('up');
  remember();
  // Every app's summary line names its own ports, not the defaults.
  for (const app of apps) for (const p of app.ports) expect(output).toContain(String(ports[p.override]));

  const health = await step('the gateway /healthz', () =>
    waitFor('/healthz', async () => {
      const res = await fetch(`http://127.0.0.1:${portOf('gateway', 'GATEWAY_PORT')}/healthz`, { signal: AbortSignal.timeout(10_000) });
      return res.status === 200 && ((await res.json()) as unknown);
    }, 30_000, 500),
  );
  expect(health).toEqual({ status: 'ok' });

  // The license worker: the process listening on its metrics port, started by npm start.
  const metricsPort = portOf('license-worker', 'METRICS_PORT');
  const licenseApp = apps.find((a) => a.app === 'license-worker') as LocalApp;
  const workerPid = (port: number): number | undefined => {
    const pids = listenersOn(port).flatMap((l) => l.pids);
    return pids.length === 1 ? pids[0] : undefined;
  };
  const first = await step('the license worker on its metrics port', () => waitFor('a process listening on the license worker\'s metrics port', () => workerPid(metricsPort), 30_000, 250));
  expect(cmdline(first)).toContain(licenseApp.mainFile);
  expect(processes().get(first)?.ppid).toBe(startedPid);
  const restartsBefore = output.match(/license-worker exited/g)?.length ?? 0;
  const outputAtKill = output.length;

  process.kill(first, 'SIGKILL');
  const line = await step('the restart to be announced', () =>
    waitFor('the restart line', () => /\[fleet\] license-worker exited with signal SIGKILL; restarting in [\d.]+ s \(restart #\d+\); see .*\n/.exec(output.slice(outputAtKill))?.[0], RESTART_TIMEOUT_MS, 100),
  );
  if (restartsBefore === 0) expect(line).toBe(`[fleet] license-worker exited with signal SIGKILL; restarting in 1 s (restart #1); see ${path.join(home, 'logs', 'license-worker.log')}\n`);
  const second = await step('the license worker to listen again', () =>
    waitFor('the license worker back on its metrics port', () => {
      const pid = workerPid(metricsPort);
      return pid !== undefined && pid !== first && pid;
    }, RESTART_TIMEOUT_MS, 250),
  );
  mark('worker back');
  expect(running()).toBe(true);
  expect(cmdline(second)).toContain(licenseApp.mainFile);
  expect(processes().get(second)?.ppid).toBe(startedPid);
  const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { signal: AbortSignal.timeout(10_000) });
  expect(metrics.status).toBe(200);
  remember();

  // It works after the restart: a dry-run deactivation, through the API, run by the new worker.
  const started = await step('a deactivation to start', () => api('/license-deactivations', { method: 'POST', body: JSON.stringify({ dryRun: true }) }));
  expect(started).toMatchObject({ status: 202, body: { dryRun: true } });
  const workflowId = started.body.workflowId as string;
  expect(typeof workflowId).toBe('string');
  const done = await step('the deactivation to complete', () =>
    waitFor(`deactivation ${workflowId} COMPLETED`, async () => {
      const { status, body } = await api(`/license-deactivations/${encodeURIComponent(workflowId)}`);
      if (status !== 200) throw new Error(`GET answered ${status}: ${JSON.stringify(body)}`);
      if (body.status !== 'RUNNING' && body.status !== 'COMPLETED') throw new Error(`the run ended ${String(body.status)}: ${JSON.stringify(body)}`);
      return body.status === 'COMPLETED' && body;
    }, WORKFLOW_TIMEOUT_MS, 1000),
  );
  expect(done).toMatchObject({ workflowId, status: 'COMPLETED' });
  expect(done.result).toBeDefined();
  mark('deactivation completed');
  expect(running()).toBe(true);

  // Ctrl-C: everything stops, exit code 0, no port of its own listens any more.
  remember();
  const ownListeners = listeners().filter((l) => l.pids.some((pid) => [...seen.values()].some((p) => p.pid === pid)));
  const ownProcesses = [...seen.values()];
  child?.kill('SIGINT');
  const status = await within(exit, STOP_TIMEOUT_MS).catch((err: unknown) => {
    throw new Error(`npm start did not stop on SIGINT: ${String(err)}\n${tail()}`);
  });
  mark('stopped');
  expect(status).toEqual({ code: 0, signal: null });
  expect(output).toContain('[fleet] stopped');
  for (const [variable, port] of Object.entries(ports)) {
    expect({ variable, port, listeners: listenersOn(port) }).toEqual({ variable, port, listeners: [] });
  }
  // Temporal's and Pulsar's own ports too (chosen at random at their start): nothing of it holds
  // one. The processes were tracked well: they held every port given (Pulsar's when it ran).
  const pulsarRan = !output.includes('Pulsar is not running');
  const given = Object.entries(ports).filter(([variable]) => pulsarRan || !variable.startsWith('FLEET_PULSAR_'));
  expect(given.filter(([, port]) => !ownListeners.some((l) => l.port === port))).toEqual([]);
  await waitFor('every process npm start started to be gone', () => stillRunning(ownProcesses).length === 0, 15_000, 250).catch(() => undefined);
  expect(stillRunning(ownProcesses).map((p) => `${p.pid} ${cmdline(p.pid)}`)).toEqual([]);
  const ownPids = new Set(ownProcesses.map((p) => p.pid));
  expect(listeners().filter((l) => ownListeners.some((o) => o.port === l.port) && l.pids.some((pid) => ownPids.has(pid)))).toEqual([]);
  console.log(`npm start end to end: ${timings.join(', ')}`);
  passed = true;
});
