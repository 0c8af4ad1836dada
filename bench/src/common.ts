import { appNodeArgs, fleetDir, freePort, repoRoot, spawnManaged, startInfrastructure, type Infrastructure, type InfrastructureOptions, type ManagedProcess } from '@fleet/tools-infra';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The machine a result was measured on: results from different machines are not comparable. */
export function machine() {
  return { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version };
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
