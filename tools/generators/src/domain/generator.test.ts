import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { repoRoot } from '@fleet/tools-infra/testing';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { domainGenerator } from './generator';

describe('the domain generator, on a tree', () => {
  it('writes the one layout, only under libs/<name>/ and apps/<app>/', async () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('libs/license/contracts/package.json', '{}');
    const before = new Set(tree.listChanges().map((c) => c.path));
    await domainGenerator(tree, { name: 'parcels', timeZone: 'Europe/Lisbon' });
    const written = tree.listChanges().map((c) => c.path).filter((p) => !before.has(p));
    expect(written.filter((p) => !p.startsWith('libs/parcels/') && !p.startsWith('apps/parcels-worker/'))).toEqual([]);
    for (const file of [
      'libs/parcels/contracts/src/domain.ts',
      'libs/parcels/contracts/src/schemas.ts',
      'libs/parcels/workflows/src/parcels-sample.workflow.ts',
      'libs/parcels/activities/src/sample.activities.ts',
      'libs/parcels/data-access/src/sample.repository.ts',
      'libs/parcels/api/src/router.ts',
      'libs/parcels/api/src/openapi.ts',
      'apps/parcels-worker/workflows.yaml',
      'apps/parcels-worker/deploy/README.md',
      'apps/parcels-worker/test/replay.test.ts',
    ]) {
      expect(written).toContain(file);
    }
    expect(tree.read('libs/parcels/contracts/src/domain.ts', 'utf8')).toContain("timeZone: 'Europe/Lisbon'");
    // One past the existing domains: license has 9464.
    expect(JSON.parse(tree.read('apps/parcels-worker/package.json', 'utf8') ?? '').fleet.local.ports.METRICS_PORT).toBe(9465);
  });

  it.each([
    [{ name: 'Parcels' }, 'name: "Parcels" must be lower-case letters and digits'],
    [{ name: 'parcel-post' }, 'name: "parcel-post" must be lower-case letters and digits'],
    [{ name: 'shared' }, 'name: shared is the folder of the shared libs'],
    [{ name: 'license' }, 'name: libs/license exists already'],
    [{ name: 'parcels', timeZone: 'Mars/Olympus' }, 'timeZone: "Mars/Olympus" is not an IANA time zone'],
  ])('refuses %j, saying why, and writes nothing', async (options, message) => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('libs/license/contracts/package.json', '{}');
    const before = tree.listChanges().length;
    await expect(domainGenerator(tree, options)).rejects.toThrow(message);
    expect(tree.listChanges()).toHaveLength(before);
  });
});

/**
 * A copy of this repository in a temporary folder, its node_modules linked to this one's, except
 * the workspace's own packages, which are linked to the copy (what `npm install` would do).
 */
function temporaryWorkspace(): { dir: string; relink(): void; run(command: string, args: string[], env?: NodeJS.ProcessEnv): string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'fleet-generator-'));
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 << 20 }).split('\0').filter(Boolean);
  for (const file of files) {
    if (!existsSync(path.join(repoRoot, file))) continue; // deleted, not yet committed
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    cpSync(path.join(repoRoot, file), path.join(dir, file));
  }
  const modules = path.join(dir, 'node_modules');
  mkdirSync(modules);
  for (const entry of readdirSync(path.join(repoRoot, 'node_modules'))) {
    if (entry !== '@fleet' && entry !== '.package-lock.json') symlinkSync(path.join(repoRoot, 'node_modules', entry), path.join(modules, entry));
  }
  const relink = () => {
    const scope = path.join(modules, '@fleet');
    rmSync(scope, { recursive: true, force: true });
    mkdirSync(scope);
    const folders = ['apps', 'tools', 'libs/shared', ...readdirSync(path.join(dir, 'libs')).filter((d) => d !== 'shared').map((d) => `libs/${d}`)];
    for (const folder of [...folders.flatMap((f) => readdirSync(path.join(dir, f)).map((p) => path.join(f, p))), 'bench']) {
      const manifest = path.join(dir, folder, 'package.json');
      if (!existsSync(manifest)) continue;
      const name = (JSON.parse(readFileSync(manifest, 'utf8')) as { name: string }).name;
      symlinkSync(path.join(dir, folder), path.join(modules, name));
      // A package's own node_modules (versions npm could not hoist) come along too.
      const own = path.join(repoRoot, folder, 'node_modules');
      if (existsSync(own) && !existsSync(path.join(dir, folder, 'node_modules'))) symlinkSync(own, path.join(dir, folder, 'node_modules'));
    }
  };
  relink();
  const run = (command: string, args: string[], env: NodeJS.ProcessEnv = {}) => {
    const result = spawnSync(process.execPath, [path.join(modules, command), ...args], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', CI: 'true', ...env },
      maxBuffer: 64 << 20,
    });
    const output = `${result.stdout}\n${result.stderr}`;
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}:\n${output.slice(-6000)}`);
    return output;
  };
  return { dir, relink, run };
}

/** Every file of a folder (node_modules and Nx's cache aside) with a hash of its content. */
function snapshot(dir: string, prefix = ''): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = path.join(prefix, entry.name);
    if (entry.name === 'node_modules' || entry.name === '.nx') continue;
    if (entry.isDirectory()) for (const [f, h] of snapshot(dir, rel)) files.set(f, h);
    else files.set(rel, createHash('sha256').update(readFileSync(path.join(dir, rel))).digest('hex'));
  }
  return files;
}

describe('a generated domain, in a copy of this workspace', () => {
  const name = 'kitcheck';
  const app = `${name}-worker`;
  let ws: ReturnType<typeof temporaryWorkspace>;
  let before: Map<string, string>;
  let after: Map<string, string>;
  beforeAll(() => {
    ws = temporaryWorkspace();
    before = snapshot(ws.dir);
    ws.run('nx/dist/bin/nx.js', ['g', '@fleet/tools:domain', name, '--no-interactive']);
    after = snapshot(ws.dir);
    ws.relink();
  }, 120_000);
  afterAll(() => rmSync(ws.dir, { recursive: true, force: true }));

  it('touches nothing outside its own folders', () => {
    const touched = [...after].filter(([file, hash]) => before.get(file) !== hash).map(([file]) => file);
    expect(touched.length).toBeGreaterThan(20);
    expect(touched.filter((f) => !f.startsWith(`libs/${name}/`) && !f.startsWith(`apps/${app}/`))).toEqual([]);
    expect([...before.keys()].filter((f) => !after.has(f))).toEqual([]);
  });

  it('lints with module boundaries', () => {
    ws.run('eslint/bin/eslint.js', ['--max-warnings', '0', `libs/${name}`, `apps/${app}`, 'apps/gateway/src']);
  }, 300_000);

  it('type-checks', () => {
    // Its projects' own files, and whatever of the workspace they import.
    writeFileSync(path.join(ws.dir, 'tsconfig.generated.json'), JSON.stringify({ extends: './tsconfig.base.json', compilerOptions: { noEmit: true }, include: [`libs/${name}/*/src/**/*.ts`, `apps/${app}/src/**/*.ts`, `apps/${app}/test/**/*.ts`] }));
    ws.run('typescript/bin/tsc', ['-p', 'tsconfig.generated.json']);
  }, 300_000);

  it("runs its tests: the sample workflow on the real worker, then the replay of the history it recorded", () => {
    ws.run('jest/bin/jest.js', [`apps/${app}/test/${name}-sample.test.ts`], { FLEET_RECORD_HISTORIES: '1' });
    expect(readdirSync(path.join(ws.dir, 'apps', app, 'test', 'histories'))).toContain(`${name}-sample.json`);
    const output = ws.run('jest/bin/jest.js', [`apps/${app}`]);
    expect(output).toMatch(/Tests:\s+4 passed, 4 total/);
  }, 600_000);

  it('has its API behind the gateway: found from its folder, in the OpenAPI document, authenticated', () => {
    const output = ws.run('jest/bin/jest.js', ['--verbose', 'apps/gateway/test/gateway-pipeline.test.ts']);
    expect(output).toContain(`POST /api/v0/${name}/samples answers 401 without a token`);
    expect(output).toContain(`GET /api/v0/${name}/samples/{workflowId} answers 401 without a token`);
    expect(output).toMatch(/Tests:\s+\d+ passed, \d+ total/);
  }, 600_000);
});
