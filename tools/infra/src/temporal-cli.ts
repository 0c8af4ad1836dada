import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import path from 'node:path';
import { toolsCacheDir } from './paths';

/**
 * The one place the Temporal CLI version is pinned.
 * v1.5.1 is the newest release the Go module proxy can build: from v1.6.0 on, the CLI's go.mod
 * replaces `cliext` with a local folder that is a separate, unpublished module, so
 * `go install` refuses those versions.
 */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(command: string): string | undefined {
  const result = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  const found = result.stdout.trim();
  return result.status === 0 && found ? found : undefined;
}

/**
 * Finds the Temporal CLI: `TEMPORAL_CLI_PATH` first, then `temporal` on PATH, then the cached
 * build of the pinned version, building it with `go install` when absent.
 */
export function resolveTemporalCli(log: (line: string) => void = console.log): string {
  const fromEnv = process.env.TEMPORAL_CLI_PATH;
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new Error(`TEMPORAL_CLI_PATH=${fromEnv} is not an executable file`);
    return fromEnv;
  }
  const fromPath = onPath('temporal');
  if (fromPath) return fromPath;

  const binDir = path.join(toolsCacheDir, `temporal-cli-${TEMPORAL_CLI_VERSION}`);
  const binary = path.join(binDir, 'temporal');
  if (isExecutable(binary)) return binary;

  if (!onPath('go')) {
    throw new Error(
      `The Temporal CLI is not installed and Go is not on PATH to build it. ` +
        `Install Go, put 'temporal' on PATH, or set TEMPORAL_CLI_PATH.`,
    );
  }
  mkdirSync(binDir, { recursive: true });
  log(`Building the Temporal CLI ${TEMPORAL_CLI_VERSION} into ${binDir} (once; takes a few minutes)...`);
  execFileSync('go', ['install', `${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}`], {
    env: { ...process.env, GOBIN: binDir },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return binary;
}
