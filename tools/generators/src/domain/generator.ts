import { generateFiles, names, type Tree } from '@nx/devkit';
import path from 'node:path';

export interface DomainGeneratorSchema {
  name: string;
  app?: string;
  timeZone?: string;
}

const NAME = /^[a-z][a-z0-9]*$/;

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The names a domain's files are written with, checked first: a bad option changes nothing. */
export function domainNames(tree: Tree, options: DomainGeneratorSchema) {
  const problems: string[] = [];
  const name = options.name;
  const app = options.app ?? `${name}-worker`;
  const timeZone = options.timeZone ?? 'UTC';
  if (!NAME.test(name)) problems.push(`name: ${JSON.stringify(name)} must be lower-case letters and digits, a letter first (it prefixes camelCase workflow names)`);
  if (name === 'shared') problems.push('name: shared is the folder of the shared libs, not a domain');
  if (tree.exists(`libs/${name}`)) problems.push(`name: libs/${name} exists already`);
  if (!/^[a-z][a-z0-9-]*$/.test(app)) problems.push(`app: ${JSON.stringify(app)} must be lower-case letters, digits and dashes`);
  else if (tree.exists(`apps/${app}`)) problems.push(`app: apps/${app} exists already`);
  if (!isTimeZone(timeZone)) problems.push(`timeZone: ${JSON.stringify(timeZone)} is not an IANA time zone`);
  if (problems.length) throw new Error(`cannot generate the domain:\n  ${problems.join('\n  ')}`);
  // Each worker's /metrics gets its own default port: one past the domains there are.
  const domains = tree.children('libs').filter((d) => d !== 'shared' && tree.exists(`libs/${d}/contracts/package.json`));
  const { className, constantName } = names(name);
  return {
    name,
    Name: className,
    NAME: constantName,
    app,
    timeZone,
    metricsPort: 9464 + domains.length,
    migration: `${new Date().toISOString().slice(0, 10).replace(/-/g, '')}000000_${name}_base`,
    tmpl: '',
  };
}

/**
 * `npx nx g @fleet/tools:domain <name>`: a domain in the one layout, touching nothing outside
 * libs/<name>/ and apps/<app>/: contracts (the manifest), workflows, activities, data-access and
 * api libs, and the worker app with a sample workflow, its test, replay wiring, workflows.yaml
 * and deploy entry. Everything that lists domains finds it by its folders.
 */
export async function domainGenerator(tree: Tree, options: DomainGeneratorSchema): Promise<() => void> {
  const substitutions = domainNames(tree, options);
  generateFiles(tree, path.join(__dirname, 'files'), '.', substitutions);
  return () => {
    console.log(
      [
        `Domain ${substitutions.name} written to libs/${substitutions.name}/ and apps/${substitutions.app}/.`,
        'Next: npm install (links the new packages), then record the sample workflow\'s history for its replay test:',
        `  FLEET_RECORD_HISTORIES=1 npx jest apps/${substitutions.app}/test/${substitutions.name}-sample.test.ts`,
      ].join('\n'),
    );
  };
}

export default domainGenerator;
