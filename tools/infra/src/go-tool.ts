import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { toolsCacheDir } from './paths';

export function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function onPath(command: string): string | undefined {
  const result = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  const found = result.stdout.trim();
  return result.status === 0 && found ? found : undefined;
}

export interface GoTool {
  /** What the tool is called in messages, e.g. `the Temporal CLI`. */
  label: string;
  /** The command on PATH and the binary `go install` writes, e.g. `temporal`. */
  command: string;
  /** The variable naming a binary to use instead, e.g. `TEMPORAL_CLI_PATH`. */
  envVar: string;
  /** The Go module path of the command and its pinned version. */
  module: string;
  version: string;
  /** The folder under the tools cache, e.g. `temporal-cli-v1.5.1`. */
  cacheName: string;
}

/**
 * A tool Fleet builds from the Go module proxy: the binary named by its variable first, then the
 * command on PATH, then the cached build of the pinned version, built once with `go install` when
 * absent. A build goes into a folder of this process's own, renamed into place, so two runs building
 * at once never write into each other's (the first rename wins; the other's build is as good).
 */
export function resolveGoTool(tool: GoTool, log: (line: string) => void = console.log): string {
  const fromEnv = process.env[tool.envVar];
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new Error(`${tool.envVar}=${fromEnv} is not an executable file`);
    return fromEnv;
  }
  const fromPath = onPath(tool.command);
  if (fromPath) return fromPath;

  const binDir = path.join(toolsCacheDir, tool.cacheName);
  const binary = path.join(binDir, tool.command);
  if (isExecutable(binary)) return binary;
  if (!onPath('go')) {
    throw new Error(`${tool.label} is not installed and Go is not on PATH to build it. Install Go, put '${tool.command}' on PATH, or set ${tool.envVar}.`);
  }
  const staging = `${binDir}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  log(`Building ${tool.label} ${tool.version} into ${binDir} (once; takes a few minutes)...`);
  try {
    execFileSync('go', ['install', `${tool.module}@${tool.version}`], { env: { ...process.env, GOBIN: staging }, stdio: ['ignore', 'inherit', 'inherit'] });
    renameSync(staging, binDir);
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    if (!isExecutable(binary)) throw err;
  }
  return binary;
}
