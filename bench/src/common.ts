import { appNodeArgs, fleetDir, freePort, repoRoot, spawnManaged, startInfrastructure, type Infrastructure, type InfrastructureOptions, type ManagedProcess } from '@fleet/tools-infra';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The machine a result was measured on: results from different machines are not comparable. */
export function machine() {
  return { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version };
}

/** CPU seconds (user + system) a process has used, from /proc; NaN once it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/**
 * Waits until a process has used under `share` of a core over a whole second (at most `maxMs`):
 * Temporal goes on working after the calls that gave it work returned, and a latency measured
 * meanwhile measures that backlog. Resolves with the seconds waited.
 */
export async function waitForQuiet(pid: number, { share = 0.05, maxMs = 30_000 } = {}): Promise<number> {
  const started = Date.now();
  for (let before = cpuSeconds(pid); Date.now() - started < maxMs; ) {
    await new Promise((r) => setTimeout(r, 1000));
    const now = cpuSeconds(pid);
    if (!(now - before >= share)) break;
    before = now;
  }
  return Number(((Date.now() - started) / 1000).toFixed(1));
}

/** Writes a result under bench/results and returns its path relative to the repository. */
export function writeResult(file: string, result: object): string {
  const outDir = path.join(repoRoot, 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, file), `${JSON.stringify(result, null, 2)}\n`);
  return path.join('bench', 'results', file);
}

/** Prints a figure next to its target, in aligned columns. */
export function printRows(rows: [figure: string, measured: string, target: string][]): void {
  console.log(`\n${'figure'.padEnd(31)}${'measured'.padEnd(21)}target`);
  for (const [figure, measured, target] of rows) console.log(`${figure.padEnd(31)}${measured.padEnd(21)}${target}`);
}

/** A benchmark's own Temporal and PostgreSQL (and more, as asked) on free ports, in a fresh folder. */
export async function startBenchInfrastructure(
  name: string,
  extra: Pick<InfrastructureOptions, 'postgresSettings' | 'pulsar'> = {},
): Promise<Infrastructure> {
  const dir = path.join(fleetDir, 'bench', name);
  rmSync(dir, { recursive: true, force: true });
  return startInfrastructure({
    dir,
    temporalPort: await freePort(),
    persistent: false,
    postgresPort: await freePort(),
    databaseUrl: process.env.DATABASE_URL,
    ...extra,
  });
}

/** A worker app as its own process, as deployed (`apps/<app>/src/main.ts`), with its log in the bench's folder. */
export function spawnApp(name: string, app: string, env: Record<string, string>, logDir: string): ManagedProcess {
  return spawnManaged({
    name,
    command: process.execPath,
    args: [...appNodeArgs(), path.join(repoRoot, 'apps', app, 'src', 'main.ts')],
    cwd: repoRoot,
    env: { ...process.env, METRICS_PORT: '0', LOG_LEVEL: 'warn', ...env },
    logFile: path.join(logDir, `${name}.log`),
  });
}
