import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createNodes } from './index.cjs';

describe('inferred targets', () => {
  let root: string;
  const write = (file: string, content = '') => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  };
  const project = (dir: string, nx: object | null = { tags: ['scope:scratch'] }) =>
    write(`${dir}/package.json`, JSON.stringify({ name: `@fleet/${path.basename(dir)}`, ...(nx ? { nx } : {}) }));
  const infer = async (files: string[]) => {
    const [, createNodesFunction] = createNodes;
    const results = await createNodesFunction(files, undefined, { workspaceRoot: root, nxJsonConfiguration: {} });
    return Object.fromEntries(results.flatMap(([, result]) => Object.entries(result.projects ?? {})).map(([projectRoot, p]) => [projectRoot, p.targets ?? {}]));
  };

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'fleet-nx-plugin-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('gives a project lint, typecheck on its tsconfig.json and test on its folder', async () => {
    project('libs/scratch/contracts');
    write('libs/scratch/contracts/tsconfig.json', '{}');
    write('libs/scratch/contracts/src/ids.test.ts');

    const targets = (await infer(['libs/scratch/contracts/package.json']))['libs/scratch/contracts']!;

    expect(Object.keys(targets).sort()).toEqual(['lint', 'test', 'typecheck']);
    expect(targets['lint']).toMatchObject({ command: 'eslint --max-warnings 0 {projectRoot}', cache: true });
    expect(targets['typecheck']).toMatchObject({ command: 'tsc -p {projectRoot}/tsconfig.json --noEmit', cache: true });
    expect(targets['test']).toMatchObject({ command: 'jest --roots {projectRoot}', cache: true, parallelism: false });
    for (const target of Object.values(targets)) expect(target.inputs).toEqual(expect.arrayContaining(['default', '^production']));
  });

  it('finds tests under test/ too, and gives no test target to a project without tests', async () => {
    project('apps/scratch-worker');
    write('apps/scratch-worker/test/worker.test.ts');
    project('libs/scratch/workflows');
    write('libs/scratch/workflows/src/index.ts');
    write('libs/scratch/workflows/node_modules/dep/a.test.ts');
    write('libs/scratch/workflows/src/gen/a.test.ts');

    const targets = await infer(['apps/scratch-worker/package.json', 'libs/scratch/workflows/package.json']);

    expect(Object.keys(targets['apps/scratch-worker']!).sort()).toEqual(['lint', 'test']);
    expect(Object.keys(targets['libs/scratch/workflows']!)).toEqual(['lint']);
  });

  it('leaves alone a package.json without an nx key and the root package.json', async () => {
    write('package.json', JSON.stringify({ name: 'fleet', workspaces: ['libs/*/*'] }));
    project('libs/scratch/notes', null);

    expect(await infer(['package.json', 'libs/scratch/notes/package.json'])).toEqual({});
  });
});
