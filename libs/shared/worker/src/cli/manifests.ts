import type { DomainManifest } from '@fleet/shared-domain';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The repository root: the nearest folder above `from` holding nx.json. */
export function repositoryRoot(from = __dirname): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'nx.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`nx.json not found above ${from}`);
  }
}

/** Whether a module export is a manifest made by defineDomain. */
function isManifest(value: unknown): value is DomainManifest {
  const m = value as Partial<DomainManifest> | null;
  return typeof m === 'object' && m !== null && typeof m.project === 'string' && typeof m.name === 'string' && typeof m.workflowOf === 'function' && typeof m.inputSchemas === 'object' && Array.isArray(m.taskQueues);
}

/**
 * Every domain's manifest, found as the repository lays domains out (tools/infra's discoverDomains
 * reads the same folders; a shared lib may not import tools): each `libs/<domain>/contracts`
 * package is required and its export made by defineDomain taken.
 */
export function domainManifests(root = repositoryRoot()): DomainManifest[] {
  const libs = path.join(root, 'libs');
  const manifests: DomainManifest[] = [];
  for (const domain of readdirSync(libs, { withFileTypes: true })) {
    const pkgFile = path.join(libs, domain.name, 'contracts', 'package.json');
    if (!domain.isDirectory() || domain.name === 'shared' || !existsSync(pkgFile)) continue;
    const { name } = JSON.parse(readFileSync(pkgFile, 'utf8')) as { name: string };
    // The contracts package is found at run time.
    const exported = Object.values(require(name) as Record<string, unknown>).find(isManifest);
    if (!exported) throw new Error(`${name} exports no domain manifest (defineDomain)`);
    manifests.push(exported);
  }
  return manifests;
}
