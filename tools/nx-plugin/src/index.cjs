// @ts-check
'use strict';
/**
 * Fleet's Nx plugin: infers `lint`, `typecheck` and `test` for every project (a package.json with an
 * `nx` key, i.e. every npm workspace under apps/, libs/, tools/ and bench), so that
 * `nx affected -t lint typecheck test` runs only what a change touches, while `npm test` still runs
 * everything in one go. The targets use the root configurations, restricted to the project:
 *
 * - lint: ESLint with the root flat config (module boundaries included) on the project's folder.
 * - typecheck: `tsc --noEmit` on the project's tsconfig.json (extends tsconfig.base.json, includes
 *   src/ and test/). A project without a tsconfig.json gets no typecheck target.
 * - test: Jest with the root config (one infrastructure start per run, see tools/infra/src/jest),
 *   its roots restricted to the project's folder. Only projects with a `*.test.ts` file get one; a test
 *   target never runs alone with nothing to run. Test runs do not run in parallel with other tasks:
 *   each starts Temporal, PostgreSQL and Pulsar.
 *
 * Plain CommonJS with JSDoc types (checked by tsc): Nx loads it without a TypeScript transpiler.
 */
const { existsSync, readFileSync, readdirSync } = require('node:fs');
const path = require('node:path');

/** @typedef {import('@nx/devkit').TargetConfiguration} TargetConfiguration */
/** @typedef {import('@nx/devkit').CreateNodesResult} CreateNodesResult */

/** Folders never searched for test files. */
const notSearched = new Set(['node_modules', 'dist', 'gen', 'coverage']);

/**
 * Whether a folder holds a Jest test file (`*.test.ts`, as jest.config.js's testMatch).
 * @param {string} dir
 * @returns {boolean}
 */
function hasTestFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!notSearched.has(entry.name) && !entry.name.startsWith('.') && hasTestFiles(path.join(dir, entry.name))) return true;
    } else if (entry.name.endsWith('.test.ts')) {
      return true;
    }
  }
  return false;
}

/**
 * The inferred targets of the project at `projectRoot` (relative to `workspaceRoot`).
 * @param {string} workspaceRoot
 * @param {string} projectRoot
 * @returns {Record<string, TargetConfiguration>}
 */
function inferTargets(workspaceRoot, projectRoot) {
  const dir = path.join(workspaceRoot, projectRoot);
  /** @type {Record<string, TargetConfiguration>} */
  const targets = {
    lint: {
      command: 'eslint --max-warnings 0 {projectRoot}',
      cache: true,
      // Type-aware rules and module boundaries read the dependencies' sources and tags.
      inputs: ['default', '^production', 'lintConfig', { externalDependencies: ['eslint', 'typescript-eslint', '@nx/eslint-plugin', 'typescript'] }],
      outputs: [],
      metadata: { technologies: ['eslint'], description: 'ESLint (root eslint.config.mjs, module boundaries included) on this project' },
    },
  };
  if (existsSync(path.join(dir, 'tsconfig.json'))) {
    targets['typecheck'] = {
      command: 'tsc -p {projectRoot}/tsconfig.json --noEmit',
      cache: true,
      // tsc follows imports into the dependencies' sources (package exports point at src/).
      inputs: ['default', '^production', 'typescriptConfig', { externalDependencies: ['typescript'] }],
      outputs: [],
      metadata: { technologies: ['typescript'], description: 'tsc --noEmit on the project tsconfig.json (src/ and test/)' },
    };
  }
  if (hasTestFiles(dir)) {
    targets['test'] = {
      command: 'jest --roots {projectRoot}',
      cache: true,
      inputs: ['default', '^production', 'jestConfig', { externalDependencies: ['jest', '@swc/jest', '@swc/core'] }],
      outputs: [],
      // Every run starts its own Temporal, PostgreSQL and Pulsar: one at a time on small machines.
      parallelism: false,
      metadata: { technologies: ['jest'], description: "Jest (root jest.config.js, real infrastructure) on this project's tests" },
    };
  }
  return targets;
}

/**
 * @param {string} workspaceRoot
 * @param {string} packageJsonFile relative to the workspace root
 * @returns {CreateNodesResult}
 */
function createNodesFor(workspaceRoot, packageJsonFile) {
  const projectRoot = path.posix.dirname(packageJsonFile);
  if (projectRoot === '.') return {};
  /** @type {{ nx?: unknown }} */
  const packageJson = JSON.parse(readFileSync(path.join(workspaceRoot, packageJsonFile), 'utf8'));
  if (packageJson.nx === undefined) return {};
  return { projects: { [projectRoot]: { targets: inferTargets(workspaceRoot, projectRoot) } } };
}

/** @type {import('@nx/devkit').CreateNodes} */
const createNodes = [
  '**/package.json',
  (packageJsonFiles, _options, context) => packageJsonFiles.map((file) => /** @type {const} */ ([file, createNodesFor(context.workspaceRoot, file)])),
];

module.exports = { name: '@fleet/tools-nx-plugin', createNodes, inferTargets, hasTestFiles };
