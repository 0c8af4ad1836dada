import { bundleWorkflowCode, type WorkerOptions } from '@temporalio/worker';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The modules a workflows lib asks to preload (`"fleet": { "preloadModules": [...] }` in its
 * package.json). The worker's reusable V8 context evaluates every other module once per workflow
 * run; a preloaded one is evaluated once per worker, shared and deep-frozen. For large, pure data
 * (time-zone and holiday rules) that is the difference between megabytes per ticket and none.
 */
export function preloadModulesOf(workflowsPath: string): string[] {
  for (let dir = path.dirname(workflowsPath); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { fleet?: { preloadModules?: string[] } };
    return pkg.fleet?.preloadModules ?? [];
  }
  return [];
}

/** Bundles a workflows entry point once, at build time, into a file a worker loads in milliseconds. */
export async function buildWorkflowBundle(workflowsPath: string, outFile: string): Promise<void> {
  const quiet = { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: console.warn, error: console.error };
  const { code } = await bundleWorkflowCode({ workflowsPath, logger: quiet, preloadModules: preloadModulesOf(workflowsPath) });
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
): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath' | 'bundlerOptions'> {
  if (bundleFile && existsSync(bundleFile)) return { workflowBundle: { codePath: bundleFile } };
  return { workflowsPath, bundlerOptions: { preloadModules: preloadModulesOf(workflowsPath) } };
}
