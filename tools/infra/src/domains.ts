import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './paths';

/**
 * A domain as the repository lays it out: `libs/<name>/{contracts,workflows,activities,data-access,api}`
 * and the worker app tagged `scope:<name>`. Everything that lists domains (bundles, `npm start`,
 * the Jest setup, lint scopes, the gateway's routes) reads this, so a new domain is a folder, not
 * an edit to a list.
 */
export interface DomainLayout {
  /** The folder under libs/ and the `scope:` tag, e.g. `license`. */
  name: string;
  libsDir: string;
  /** The worker app's folder name, e.g. `license-worker`. */
  workerApp: string;
  appDir: string;
  /** The workflows lib's entry point: what the bundle is built from. */
  workflowsPath: string;
  /** Where the worker loads its pre-built workflow bundle from. */
  bundleFile: string;
  contractsPackage: string;
  apiPackage: string | undefined;
}

interface PackageJson {
  name: string;
  nx?: { tags?: string[] };
}

function readPackage(dir: string): PackageJson | undefined {
  const file = path.join(dir, 'package.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as PackageJson) : undefined;
}

const subfolders = (dir: string) =>
  existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
        .sort()
    : [];

/** The folders under libs/ other than shared: one per domain. */
export function domainNames(root = repoRoot): string[] {
  return subfolders(path.join(root, 'libs')).filter((name) => name !== 'shared' && existsSync(path.join(root, 'libs', name, 'contracts', 'package.json')));
}

/** Every domain of the repository, found from its folders; throws when a domain has no worker app. */
export function discoverDomains(root = repoRoot): DomainLayout[] {
  const apps = subfolders(path.join(root, 'apps')).map((app) => ({ app, pkg: readPackage(path.join(root, 'apps', app)) }));
  return domainNames(root).map((name) => {
    const libsDir = path.join(root, 'libs', name);
    const worker = apps.find(({ pkg }) => pkg?.nx?.tags?.includes(`scope:${name}`) && pkg.nx.tags.includes('type:app'));
    if (!worker) throw new Error(`libs/${name} has no worker app: no apps/*/package.json is tagged scope:${name} and type:app`);
    const appDir = path.join(root, 'apps', worker.app);
    return {
      name,
      libsDir,
      workerApp: worker.app,
      appDir,
      workflowsPath: path.join(libsDir, 'workflows', 'src', 'index.ts'),
      bundleFile: path.join(appDir, 'dist', 'workflow-bundle.js'),
      contractsPackage: (readPackage(path.join(libsDir, 'contracts')) as PackageJson).name,
      apiPackage: readPackage(path.join(libsDir, 'api'))?.name,
    };
  });
}
