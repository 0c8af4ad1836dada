import { resolveGoTool } from './go-tool';

/**
 * The one place the Temporal CLI version is pinned.
 * v1.5.1 is the newest release the Go module proxy can build: from v1.6.0 on, the CLI's go.mod
 * replaces `cliext` with a local folder that is a separate, unpublished module, so
 * `go install` refuses those versions.
 */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';

/**
 * Finds the Temporal CLI: `TEMPORAL_CLI_PATH` first, then `temporal` on PATH, then the cached
 * build of the pinned version, building it with `go install` when absent.
 */
export function resolveTemporalCli(log: (line: string) => void = console.log): string {
  return resolveGoTool(
    { label: 'the Temporal CLI', command: 'temporal', envVar: 'TEMPORAL_CLI_PATH', module: TEMPORAL_CLI_MODULE, version: TEMPORAL_CLI_VERSION, cacheName: `temporal-cli-${TEMPORAL_CLI_VERSION}` },
    log,
  );
}
