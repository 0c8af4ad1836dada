import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { depConstraints, domainsIn, moduleBoundaries, testDepConstraints } from './module-boundaries.cjs';

const workspaceRoot = path.resolve(__dirname, '../../..');

describe('module boundaries', () => {
  let scratch: string;
  beforeEach(() => {
    scratch = mkdtempSync(path.join(tmpdir(), 'fleet-boundaries-'));
  });
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  it('gives a new domain folder under libs/ its scope constraint, and only folders are domains', () => {
    for (const dir of ['libs/shared/config', 'libs/license/contracts', 'libs/scratch-domain', 'libs/.cache']) mkdirSync(path.join(scratch, dir), { recursive: true });
    writeFileSync(path.join(scratch, 'libs/README.md'), '');

    const { domains, depConstraints: constraints, testDepConstraints: testConstraints } = moduleBoundaries(scratch);

    expect(domains).toEqual(['license', 'scratch-domain']);
    expect(constraints).toContainEqual({ sourceTag: 'scope:scratch-domain', onlyDependOnLibsWithTags: ['scope:scratch-domain', 'scope:shared'] });
    expect(constraints).toContainEqual({ sourceTag: 'scope:license', onlyDependOnLibsWithTags: ['scope:license', 'scope:shared'] });
    expect(constraints.filter((c) => c.sourceTag === 'scope:shared')).toEqual([{ sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] }]);
    expect(testConstraints).toContainEqual({
      sourceTag: 'scope:scratch-domain',
      onlyDependOnLibsWithTags: ['scope:scratch-domain', 'scope:shared', 'type:tooling', 'scope:tools', 'scope:dict-sim', 'role:external-system'],
    });
  });

  it('gives every folder of this workspace under libs/ but shared a scope constraint', () => {
    const domains = domainsIn(workspaceRoot);
    expect(domains).toEqual(expect.arrayContaining(['license', 'vsync']));
    expect(domains).not.toContain('shared');
    const sourceTags = depConstraints(domains).map((c) => c.sourceTag);
    for (const domain of domains) expect(sourceTags).toContain(`scope:${domain}`);
  });

  it('lets the gateway and apps use api libs, api libs only contracts, util and api, and the simulator only the bridge contract', () => {
    const byTag = new Map(depConstraints(['vsync']).map((c) => [c.sourceTag, c]));
    expect(byTag.get('scope:gateway')?.onlyDependOnLibsWithTags).toEqual(['scope:shared', 'type:contracts', 'type:api']);
    expect(byTag.get('type:app')?.onlyDependOnLibsWithTags).toContain('type:api');
    expect(byTag.get('type:api')?.onlyDependOnLibsWithTags).toEqual(['type:contracts', 'type:util', 'type:api']);
    expect(byTag.get('scope:dict-sim')?.onlyDependOnLibsWithTags).toEqual(['scope:shared', 'contract:dict-bridge']);
    // Workflow and contracts libs stay free of IO, in tests too.
    for (const constraints of [depConstraints(['vsync']), testDepConstraints(['vsync'])]) {
      for (const tag of ['type:workflows', 'type:contracts']) expect(constraints.find((c) => c.sourceTag === tag)?.bannedExternalImports).toContain('pg');
    }
  });

  it('is what eslint.config.mjs enforces, and generated bridge code is ignored wherever the bridge lib lives', () => {
    // ESLint loads its config with import(), which Jest's module system does not run: ask a plain node.
    const script = `
      import { ESLint } from 'eslint';
      const eslint = new ESLint();
      const constraints = async (file) => (await eslint.calculateConfigForFile(file)).rules['@nx/enforce-module-boundaries'][1].depConstraints;
      const files = ['libs/shared/dict-bridge/src/gen/a_pb.ts', 'libs/vsync/dict-bridge/src/gen/a_pb.ts', 'libs/vsync/dict-bridge/src/client.ts'];
      console.log(JSON.stringify({
        main: await constraints('libs/license/contracts/src/index.ts'),
        test: await constraints('libs/license/contracts/src/index.test.ts'),
        ignored: await Promise.all(files.map((file) => eslint.isPathIgnored(file))),
      }));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: workspaceRoot, encoding: 'utf8' });
    const { main, test, ignored } = JSON.parse(out) as { main: unknown; test: unknown; ignored: boolean[] };
    const domains = domainsIn(workspaceRoot);
    expect(main).toEqual(depConstraints(domains));
    expect(test).toEqual(testDepConstraints(domains));
    expect(ignored).toEqual([true, true, false]);
  });
});
