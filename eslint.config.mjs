import nx from '@nx/eslint-plugin';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

import { moduleBoundaries } from './tools/nx-plugin/src/module-boundaries.cjs';

// Scopes come from the folders under libs/ (see tools/nx-plugin/src/module-boundaries.cjs): every domain
// may depend only on itself and shared. Workflow code must stay deterministic: no Node built-ins and
// no IO libraries, in the workflow libs and in the contracts libs they import.
const { depConstraints, testDepConstraints, ioLibraries, generatedCode } = moduleBoundaries(import.meta.dirname);

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', ...generatedCode, '.fleet/**', '.nx/**', '**/*.js', '**/*.mjs'] },
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
  {
    // Every module a ticket workflow imports at run time is evaluated again for each cached run
    // unless preloaded: values come from the preloaded, zod-free entry point (88 KB a run, not 2.3 MB).
    files: ['libs/ticketing/workflows/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: '@fleet/ticketing-contracts', allowTypeImports: true, message: 'Take values from @fleet/ticketing-contracts/workflow (preloaded, no zod schema); types may come from the root.' },
            { name: 'zod', allowTypeImports: true, message: 'No zod in ticket workflow code: validators come from @fleet/ticketing-contracts/workflow.' },
          ],
        },
      ],
    },
  },
);
