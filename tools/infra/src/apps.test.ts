import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { appSummary, localApps, resolveAppEnv, type LocalApp } from './apps';

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'fleet-apps-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function write(file: string, content: unknown): void {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  writeFileSync(path.join(root, file), typeof content === 'string' ? content : JSON.stringify(content));
}

function app(folder: string, scope: string, local?: unknown, options: { main?: boolean; demo?: boolean } = {}): void {
  write(`apps/${folder}/package.json`, { name: `@x/${folder}`, nx: { tags: [`scope:${scope}`, 'type:app'] }, ...(local === undefined ? {} : { fleet: { local } }) });
  if (options.main !== false) write(`apps/${folder}/src/main.ts`, '');
  if (options.demo) write(`apps/${folder}/src/demo.ts`, '');
}

function domain(name: string): void {
  write(`libs/${name}/contracts/package.json`, { name: `@x/${name}-contracts` });
}

const values = (a: LocalApp) => ({ dataDir: `/data/${a.app}`, localApiKeys: 'k=secret:s' });

it('derives every app, its ports and their variables, its database, its demo and its start order from the apps folder', () => {
  domain('alpha');
  app('alpha-worker', 'alpha', {
    ports: { METRICS_PORT: 9100 },
    env: { SIM_ADDRESS: '127.0.0.1:{thing-sim.THING_SIM_GRPC_PORT}', PARTICIPANT: '{thing-sim.THING_SIM_PARTICIPANT}' },
  }, { demo: true });
  app('thing-sim', 'thing-sim', { ports: { THING_SIM_GRPC_PORT: 7000 }, env: { THING_SIM_PARTICIPANT: '42', THING_SIM_DATA_DIR: '{dataDir}/store' } });
  app('web', 'web', { ports: { WEB_PORT: 8000 }, env: { WEB_KEYS: '{localApiKeys}' }, summary: 'web http://127.0.0.1:{WEB_PORT}/ {NOPE}', database: true, after: ['alpha-worker'] });
  app('plain', 'plain');
  app('off', 'off', false);
  app('no-main', 'no-main', {}, { main: false });
  write('apps/not-an-app/package.json', { name: '@x/lib', nx: { tags: ['scope:shared', 'type:util'] } });
  write('apps/not-an-app/src/main.ts', '');

  const apps = localApps({ root, env: { FLEET_WEB_PORT: '18000' }, database: 'fleet' });
  expect(apps.map((a) => a.app)).toEqual(['thing-sim', 'alpha-worker', 'plain', 'web']);
  const [sim, worker, plain, web] = apps as [LocalApp, LocalApp, LocalApp, LocalApp];
  expect(worker).toMatchObject({ name: 'alpha', database: 'fleet_alpha', after: ['thing-sim'], demoFile: path.join(root, 'apps/alpha-worker/src/demo.ts') });
  expect(worker.domain?.name).toBe('alpha');
  expect(worker.ports).toEqual([{ variable: 'METRICS_PORT', override: 'FLEET_ALPHA_METRICS_PORT', defaultPort: 9100, port: 9100 }]);
  expect(sim).toMatchObject({ name: 'thing-sim', database: undefined, demoFile: undefined, domain: undefined });
  expect(sim.ports).toEqual([{ variable: 'THING_SIM_GRPC_PORT', override: 'FLEET_THING_SIM_GRPC_PORT', defaultPort: 7000, port: 7000 }]);
  expect(web.ports).toEqual([{ variable: 'WEB_PORT', override: 'FLEET_WEB_PORT', defaultPort: 8000, port: 18000 }]);
  expect(web).toMatchObject({ database: 'fleet_web', after: ['alpha-worker'] });
  expect(plain).toMatchObject({ ports: [], env: {}, database: undefined, after: [] });

  expect(resolveAppEnv(web, apps, { env: {}, values })).toEqual({ WEB_PORT: '18000', WEB_KEYS: 'k=secret:s' });
  expect(appSummary(web, resolveAppEnv(web, apps, { env: {}, values }))).toBe('web http://127.0.0.1:18000/ {NOPE}');
  expect(appSummary(sim, resolveAppEnv(sim, apps, { env: {}, values }))).toBe('127.0.0.1:7000 (THING_SIM_GRPC_PORT)');
  expect(resolveAppEnv(worker, apps, { env: {}, values })).toEqual({ METRICS_PORT: '9100', SIM_ADDRESS: '127.0.0.1:7000', PARTICIPANT: '42' });
  expect(resolveAppEnv(sim, apps, { env: {}, values })).toEqual({ THING_SIM_GRPC_PORT: '7000', THING_SIM_PARTICIPANT: '42', THING_SIM_DATA_DIR: '/data/thing-sim/store' });
  // npm start's environment wins over a declared value, and what refers to it follows.
  expect(resolveAppEnv(worker, apps, { env: { THING_SIM_PARTICIPANT: '7' }, values })).toMatchObject({ PARTICIPANT: '7' });
  expect(resolveAppEnv(worker, apps, { env: { SIM_ADDRESS: 'real:443' }, values })).toMatchObject({ SIM_ADDRESS: 'real:443' });
  // A moved port moves what refers to it.
  const moved = localApps({ root, env: { FLEET_THING_SIM_GRPC_PORT: '17000' } });
  expect(resolveAppEnv(moved.find((a) => a.app === 'alpha-worker')!, moved, { env: {}, values })).toMatchObject({ SIM_ADDRESS: '127.0.0.1:17000' });
});

it('fails naming the file, the variable or the apps when a declaration cannot work', () => {
  domain('alpha');
  app('alpha-worker', 'alpha', { ports: { METRICS_PORT: 9100 } });
  app('b', 'b', { ports: { B_PORT: 9100 } });
  expect(() => localApps({ root })).toThrow('port 9100 is given to both alpha-worker (METRICS_PORT) and b (B_PORT); move one with FLEET_B_PORT or change its default in apps/b/package.json');
  expect(() => localApps({ root, env: { FLEET_B_PORT: 'eighty' } })).toThrow('FLEET_B_PORT must be a port (1-65535), got "eighty"');
  expect(localApps({ root, env: { FLEET_B_PORT: '9101' } })).toHaveLength(2);

  app('b', 'b', { ports: { B_PORT: 9101 }, env: { X: '{alpha-worker.NOPE}' } });
  expect(() => localApps({ root })).toThrow('apps/b/package.json: fleet.local.env.X: {alpha-worker.NOPE} is neither one of {dataDir}, {localApiKeys} nor a port or variable of another app');
  app('b', 'b', { ports: { B_PORT: 9101 }, env: { X: '{alpha-worker.METRICS_PORT}' } });
  app('alpha-worker', 'alpha', { ports: { METRICS_PORT: 9100 }, after: ['b'] });
  expect(() => localApps({ root })).toThrow('apps wait for each other in a cycle: alpha-worker -> b -> alpha-worker');
  app('alpha-worker', 'alpha', { ports: { metrics: 9100 } });
  expect(() => localApps({ root })).toThrow(/^apps\/alpha-worker\/package.json: fleet.local: ports.metrics: /);
  app('alpha-worker', 'alpha', { port: 9100 });
  expect(() => localApps({ root })).toThrow(/^apps\/alpha-worker\/package.json: fleet.local: \(block\): Unrecognized key/);
});

it("reads this repository's apps: a domain worker per domain, the simulator before the vsync worker, the documented variables", () => {
  const apps = localApps({ env: {} });
  const byApp = Object.fromEntries(apps.map((a) => [a.app, a]));
  expect(Object.keys(byApp).sort()).toEqual(expect.arrayContaining(['dict-bridge-sim', 'gateway', 'license-worker', 'vsync-worker']));
  expect(apps.findIndex((a) => a.app === 'dict-bridge-sim')).toBeLessThan(apps.findIndex((a) => a.app === 'vsync-worker'));
  expect(apps.flatMap((a) => a.ports.map((p) => `${p.override}=${p.defaultPort}`)).sort()).toEqual(
    expect.arrayContaining(['FLEET_DICT_SIM_GRPC_PORT=50051', 'FLEET_DICT_SIM_HTTP_PORT=50052', 'FLEET_GATEWAY_PORT=3000', 'FLEET_LICENSE_METRICS_PORT=9464', 'FLEET_VSYNC_METRICS_PORT=9465']),
  );
  for (const a of apps.filter((x) => x.domain)) expect(a.database).toBe(`fleet_${a.domain!.name}`);
  expect(resolveAppEnv(byApp['vsync-worker']!, apps, { env: {}, values })).toMatchObject({ DICT_BRIDGE_ADDRESS: '127.0.0.1:50051', DICT_PARTICIPANT: '12345678' });
});
