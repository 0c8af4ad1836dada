import path from 'node:path';
import { buildWorkflowBundle } from '@fleet/shared-temporal';
import { discoverDomains } from './domains';

/** Bundles every domain's workflows (at build time: a worker then starts in well under a second). Keyed by worker app. */
export async function buildAllBundles(outDir?: string): Promise<Record<string, string>> {
  const built: Record<string, string> = {};
  for (const domain of discoverDomains()) {
    const file = outDir ? path.join(outDir, `${domain.workerApp}.js`) : domain.bundleFile;
    await buildWorkflowBundle(domain.workflowsPath, file);
    built[domain.workerApp] = file;
  }
  return built;
}
