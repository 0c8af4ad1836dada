import { repoRoot } from '@fleet/tools-infra';
import { mkdirSync, writeFileSync } from 'node:fs';
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
