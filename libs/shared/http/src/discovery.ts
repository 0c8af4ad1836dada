import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isDomainApi, type DomainApi } from './domain-api';

/** The npm workspace's root: the nearest folder above `from` whose package.json lists workspaces. */
export function workspaceRoot(from: string = __dirname): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file) && (JSON.parse(readFileSync(file, 'utf8')) as { workspaces?: unknown }).workspaces) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no npm workspace root (a package.json with "workspaces") above ${from}`);
  }
}

export interface DomainApiPackage {
  /** The domain: its folder under libs/. */
  domain: string;
  /** The package's name, e.g. `@fleet/license-api`. */
  name: string;
  dir: string;
}

/**
 * The domains' API libs, from the folders: `libs/<domain>/api/package.json` of every domain, a
 * domain being a folder under libs/ (not shared) with a contracts lib, the rule tools/infra's
 * `discoverDomains` and the lint scopes follow. A new domain's API is found without an edit here
 * or in the gateway.
 *
 * Why folders rather than the packages npm links into node_modules/@fleet: that folder holds every
 * workspace (apps, tools, a half-made lib without a contracts lib), so "which of them is a domain's
 * API" would rest on a naming convention; the folder layout is what defines a domain here, and the
 * gateway runs from the checkout (deploy/README.md). Each is loaded from its folder, which Node
 * resolves to the same module (and the same node_modules) as its package name would.
 */
export function findDomainApiPackages(root: string = workspaceRoot()): DomainApiPackage[] {
  const libs = path.join(root, 'libs');
  if (!existsSync(libs)) return [];
  return readdirSync(libs, { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name !== 'shared' && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort()
    .filter((domain) => existsSync(path.join(libs, domain, 'contracts', 'package.json')) && existsSync(path.join(libs, domain, 'api', 'package.json')))
    .map((domain) => {
      const dir = path.join(libs, domain, 'api');
      return { domain, dir, name: (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name: string }).name };
    });
}

/**
 * Loads every domain API {@link findDomainApiPackages} finds: each package's `domainApi` export.
 * Throws, naming the package, when one does not load or exports no DomainApi: a domain's API never
 * goes missing from the gateway without a word.
 */
export function loadDomainApis(root?: string): DomainApi[] {
  return findDomainApiPackages(root).map(({ domain, name, dir }) => {
    let loaded: { domainApi?: unknown };
    try {
      // require (not import()): the gateway and its tests run as CommonJS (tsx, Jest), whose loaders
      // compile the lib's TypeScript on the way.
      loaded = require(dir) as { domainApi?: unknown };
    } catch (err) {
      throw new Error(`${name} (libs/${domain}/api) does not load: ${(err as Error).message}`, { cause: err });
    }
    if (!isDomainApi(loaded.domainApi)) throw new Error(`${name} (libs/${domain}/api) exports no domainApi (a DomainApi from @fleet/shared-http)`);
    if (loaded.domainApi.domain !== domain) throw new Error(`${name} (libs/${domain}/api) says it is the API of ${loaded.domainApi.domain}`);
    return loaded.domainApi;
  });
}
