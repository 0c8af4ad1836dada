import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { discoverDomains, type DomainLayout } from './domains';
import { repoRoot } from './paths';

/**
 * The apps `npm start` runs, derived from the repository rather than listed: every `apps/<app>`
 * whose package.json is tagged `type:app` and that has a `src/main.ts`. A domain's worker app (see
 * domains.ts) gets, with no declaration, its pre-built workflow bundle (`WORKFLOW_BUNDLE`) and a
 * database of its own. What else differs from one app to the next is declared in the app's own
 * package.json, under `fleet.local`; every key is optional:
 *
 * ```jsonc
 * "fleet": {
 *   "local": {
 *     // The variables the app reads its ports from, with their local defaults (stable from one
 *     // start to the next). Each is moved by FLEET_<NAME>_<VARIABLE>: NAME is the app's scope tag
 *     // (scope:license -> LICENSE, scope:dict-sim -> DICT_SIM) and a leading NAME_ is dropped from
 *     // the variable (GATEWAY_PORT -> FLEET_GATEWAY_PORT, METRICS_PORT -> FLEET_LICENSE_METRICS_PORT).
 *     // The app counts as up once something listens on each of them.
 *     "ports": { "METRICS_PORT": 9464 },
 *     // More variables. "{<app>.<VARIABLE>}" is a port or variable of another app (and makes this
 *     // one start once that app is up); "{dataDir}" is a folder of the app's own under FLEET_HOME;
 *     // "{localApiKeys}" is the API key npm start makes for the run (GATEWAY_API_KEYS syntax).
 *     // A variable already set in npm start's environment wins over the value here.
 *     "env": { "DICT_BRIDGE_ADDRESS": "127.0.0.1:{dict-bridge-sim.DICT_SIM_GRPC_PORT}" },
 *     // What npm start prints for the app once it is up; "{VARIABLE}" is one of its own.
 *     // By default, its ports.
 *     "summary": "http://127.0.0.1:{METRICS_PORT}/metrics",
 *     // A database of its own, <FLEET_DATABASE>_<name>, as DATABASE_URL (a domain worker always has one).
 *     "database": true,
 *     // Apps to wait for without referring to them in "env".
 *     "after": ["dict-bridge-sim"]
 *   }
 * }
 * ```
 *
 * `"fleet": { "local": false }` leaves an app out of `npm start`.
 */
const localBlock = z.strictObject({
  ports: z.record(z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'a variable name in capitals'), z.number().int().min(1).max(65535)).default({}),
  env: z.record(z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'a variable name in capitals'), z.string()).default({}),
  summary: z.string().optional(),
  database: z.boolean().default(false),
  after: z.array(z.string()).default([]),
});

/** The placeholders npm start provides, besides other apps' variables. */
export const START_VALUES = ['dataDir', 'localApiKeys'] as const;
export type StartValues = Record<(typeof START_VALUES)[number], string>;
type LocalBlock = z.infer<typeof localBlock>;

export interface LocalPort {
  /** The variable the app reads, e.g. METRICS_PORT. */
  variable: string;
  /** The variable of npm start's environment that moves it, e.g. FLEET_LICENSE_METRICS_PORT. */
  override: string;
  /** Its local default. */
  defaultPort: number;
  /** The default, or the override when set. */
  port: number;
}

export interface LocalApp {
  /** The app's folder under apps/, e.g. `vsync-worker`. */
  app: string;
  /** Its scope tag without `scope:` (the folder name without one), e.g. `vsync`. */
  name: string;
  appDir: string;
  mainFile: string;
  packageFile: string;
  /** Present for a domain's worker app. */
  domain?: DomainLayout;
  ports: LocalPort[];
  /** Declared variables, placeholders unresolved. */
  env: Record<string, string>;
  /** The line npm start prints for it, placeholders unresolved. */
  summary?: string;
  /** The name of its own database, when it has one. */
  database?: string;
  /** Apps (folder names) that must be up before this one starts. */
  after: string[];
  /** `src/demo.ts` when the app has one: it exports `loadDemo(env)`, run on a fresh data folder. */
  demoFile?: string;
}

interface PackageJson {
  name: string;
  nx?: { tags?: string[] };
  fleet?: { local?: unknown };
}

const PLACEHOLDER = /\{([^{}]+)\}/g;

/** `dict-sim` -> `DICT_SIM`. */
export const envName = (name: string) => name.toUpperCase().replace(/[^A-Z0-9]+/g, '_');

/**
 * Every app npm start runs, in an order where each comes after the apps it waits for. Ports are
 * those of `env` (npm start's environment) where it moves them. Throws, naming the package.json,
 * on a block that does not parse, an unknown app or variable in a placeholder, a cycle, a port
 * override that is not a port, or two apps on one port.
 */
export function localApps(options: { root?: string; env?: NodeJS.ProcessEnv; database?: string } = {}): LocalApp[] {
  const root = options.root ?? repoRoot;
  const env = options.env ?? process.env;
  const database = options.database ?? 'fleet';
  const domains = discoverDomains(root);
  const appsDir = path.join(root, 'apps');
  const folders = existsSync(appsDir) ? subfolders(appsDir) : [];
  const apps: LocalApp[] = [];
  for (const app of folders) {
    const appDir = path.join(appsDir, app);
    const packageFile = path.join(appDir, 'package.json');
    const mainFile = path.join(appDir, 'src', 'main.ts');
    if (!existsSync(packageFile) || !existsSync(mainFile)) continue;
    const pkg = JSON.parse(readFileSync(packageFile, 'utf8')) as PackageJson;
    const tags = pkg.nx?.tags ?? [];
    if (!tags.includes('type:app') || pkg.fleet?.local === false) continue;
    const parsed = localBlock.safeParse(pkg.fleet?.local ?? {});
    if (!parsed.success) {
      throw new Error(`${path.relative(root, packageFile)}: fleet.local: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(block)'}: ${i.message}`).join('; ')}`);
    }
    const block: LocalBlock = parsed.data;
    const scope = tags.find((t) => t.startsWith('scope:'))?.slice('scope:'.length);
    const domain = domains.find((d) => d.workerApp === app);
    const name = domain?.name ?? scope ?? app;
    const NAME = envName(name);
    const ports = Object.entries(block.ports).map(([variable, defaultPort]) => {
      const override = `FLEET_${NAME}_${variable.startsWith(`${NAME}_`) ? variable.slice(NAME.length + 1) : variable}`;
      const raw = env[override];
      const port = raw === undefined || raw === '' ? defaultPort : Number(raw);
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${override} must be a port (1-65535), got ${JSON.stringify(raw)}`);
      return { variable, override, defaultPort, port };
    });
    const demoFile = path.join(appDir, 'src', 'demo.ts');
    apps.push({
      app,
      name,
      appDir,
      mainFile,
      packageFile,
      domain,
      ports,
      env: block.env,
      summary: block.summary,
      database: domain || block.database ? `${database}_${name.replace(/-/g, '_')}` : undefined,
      after: [...new Set([...block.after, ...referencedApps(block.env)])],
      demoFile: existsSync(demoFile) ? demoFile : undefined,
    });
  }
  validate(apps, root);
  return startOrder(apps);
}

/** Sorted, so the order among independent apps is the same on every machine. */
function subfolders(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/** The placeholders of a value: `{dataDir}` or `{<app>.<VARIABLE>}` (app undefined for the first). */
function placeholders(value: string): { ref: string; app?: string; variable: string }[] {
  return [...value.matchAll(PLACEHOLDER)].map(([, ref = '']) => {
    const dot = ref.indexOf('.');
    return dot > 0 ? { ref, app: ref.slice(0, dot), variable: ref.slice(dot + 1) } : { ref, variable: ref };
  });
}

function referencedApps(env: Record<string, string>): string[] {
  return Object.values(env).flatMap((value) => placeholders(value).flatMap((p) => (p.app ? [p.app] : [])));
}

function validate(apps: LocalApp[], root: string): void {
  const byApp = new Map(apps.map((a) => [a.app, a]));
  for (const a of apps) {
    const where = `${path.relative(root, a.packageFile)}: fleet.local`;
    for (const dep of a.after) if (!byApp.has(dep)) throw new Error(`${where}: it waits for ${dep}, which is not an app npm start runs`);
    for (const [variable, value] of Object.entries(a.env)) {
      for (const { ref, app: otherApp, variable: otherVariable } of placeholders(value)) {
        if ((START_VALUES as readonly string[]).includes(ref)) continue;
        const other = otherApp === undefined ? undefined : byApp.get(otherApp);
        if (!other || !(other.ports.some((p) => p.variable === otherVariable) || otherVariable in other.env)) {
          throw new Error(`${where}.env.${variable}: {${ref}} is neither one of {${START_VALUES.join('}, {')}} nor a port or variable of another app ({<app>.<VARIABLE>})`);
        }
      }
    }
  }
  const seen = new Map<number, string>();
  for (const a of apps) {
    for (const p of a.ports) {
      const holder = seen.get(p.port);
      if (holder) throw new Error(`port ${p.port} is given to both ${holder} and ${a.app} (${p.variable}); move one with ${p.override} or change its default in ${path.relative(root, a.packageFile)}`);
      seen.set(p.port, `${a.app} (${p.variable})`);
    }
  }
}

/** Dependencies first; otherwise in folder order. */
function startOrder(apps: LocalApp[]): LocalApp[] {
  const byApp = new Map(apps.map((a) => [a.app, a]));
  const ordered: LocalApp[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (a: LocalApp, chain: string[]) => {
    if (state.get(a.app) === 'done') return;
    if (state.get(a.app) === 'visiting') throw new Error(`apps wait for each other in a cycle: ${[...chain, a.app].join(' -> ')}`);
    state.set(a.app, 'visiting');
    for (const dep of a.after) {
      const other = byApp.get(dep);
      if (other) visit(other, [...chain, a.app]);
    }
    state.set(a.app, 'done');
    ordered.push(a);
  };
  for (const a of apps) visit(a, []);
  return ordered;
}

/**
 * The variables an app is started with on top of the shared ones: its ports, and its declared
 * variables with placeholders resolved (`env` wins over a declared value).
 */
export function resolveAppEnv(app: LocalApp, apps: LocalApp[], options: { env?: NodeJS.ProcessEnv; values: (app: LocalApp) => StartValues }): Record<string, string> {
  const env = options.env ?? process.env;
  const byApp = new Map(apps.map((a) => [a.app, a]));
  const declared = (a: LocalApp, variable: string, seen: string[]): string => {
    const port = a.ports.find((p) => p.variable === variable);
    if (port) return String(port.port);
    const fromEnv = env[variable];
    if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
    const key = `${a.app}.${variable}`;
    if (seen.includes(key)) throw new Error(`variables refer to each other in a cycle: ${[...seen, key].join(' -> ')}`);
    return (a.env[variable] ?? '').replace(PLACEHOLDER, (_m, ref: string) => {
      const [{ app: otherApp, variable: otherVariable } = { variable: '' }] = placeholders(`{${ref}}`);
      if (otherApp === undefined) return options.values(a)[ref as keyof StartValues];
      const other = byApp.get(otherApp);
      if (!other) throw new Error(`${a.app}: {${ref}} names no app`);
      return declared(other, otherVariable, [...seen, key]);
    });
  };
  const out: Record<string, string> = {};
  for (const p of app.ports) out[p.variable] = String(p.port);
  for (const variable of Object.keys(app.env)) out[variable] = declared(app, variable, []);
  return out;
}

/** The app's summary line with its own variables filled in; its ports when it declares none. */
export function appSummary(app: LocalApp, resolved: Record<string, string>): string {
  if (app.summary) return app.summary.replace(PLACEHOLDER, (m, ref: string) => resolved[ref] ?? m);
  return app.ports.map((p) => `127.0.0.1:${p.port} (${p.variable})`).join(', ');
}
