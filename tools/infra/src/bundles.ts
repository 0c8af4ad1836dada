import path from 'node:path';
import { buildWorkflowBundle } from '@fleet/shared-temporal';
import { repoRoot } from './paths';

/** Each worker app's workflows entry point and the bundle its worker loads. */
export const workerBundles = [
  {
    app: 'license-worker',
    workflowsPath: path.join(repoRoot, 'libs/license/workflows/src/index.ts'),
    bundleFile: path.join(repoRoot, 'apps/license-worker/dist/workflow-bundle.js'),
  },
  {
    app: 'vsync-worker',
    workflowsPath: path.join(repoRoot, 'libs/vsync/workflows/src/index.ts'),
    bundleFile: path.join(repoRoot, 'apps/vsync-worker/dist/workflow-bundle.js'),
  },
];

/** Bundles every worker's workflows (at build time: a worker then starts in well under a second). */
export async function buildAllBundles(outDir?: string): Promise<Record<string, string>> {
  const built: Record<string, string> = {};
  for (const bundle of workerBundles) {
    const file = outDir ? path.join(outDir, `${bundle.app}.js`) : bundle.bundleFile;
    await buildWorkflowBundle(bundle.workflowsPath, file);
    built[bundle.app] = file;
  }
  return built;
}
