import { bundleWorkflowCode, type WorkerOptions } from '@temporalio/worker';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Bundles a workflows entry point once, at build time, into a file a worker loads in milliseconds. */
export async function buildWorkflowBundle(workflowsPath: string, outFile: string): Promise<void> {
  const quiet = { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: console.warn, error: console.error };
  const { code } = await bundleWorkflowCode({ workflowsPath, logger: quiet });
  mkdirSync(path.dirname(outFile), { recursive: true });
  // Written aside and renamed into place: a worker (re)starting meanwhile reads the old bundle or the new, never half of one.
  const partial = `${outFile}.${process.pid}.partial`;
  writeFileSync(partial, code);
  renameSync(partial, outFile);
}

/**
 * Where a worker's workflows come from: the pre-built bundle when there is one (production, start,
 * tests), else the source, bundled at worker start (about 10 s: development only).
 */
export function workflowSource(
  bundleFile: string | undefined,
  workflowsPath: string,
): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  if (bundleFile && existsSync(bundleFile)) return { workflowBundle: { codePath: bundleFile } };
  return { workflowsPath };
}
