import type { QueryDefinition, UpdateDefinition } from '@temporalio/common';
import type { EventDefinition } from '@fleet/shared-event-contracts';
import type { z } from 'zod';

/* eslint-disable @typescript-eslint/no-explicit-any -- a manifest holds definitions of any argument and result types */
/** One workflow of a domain: everything a caller needs to start, query and update it, and nothing of how it runs. */
export interface WorkflowContract<S extends z.ZodType = z.ZodType> {
  /** The workflow type; starts with the domain's name (`licenseRenewalWorkflow`). */
  type: string;
  /** Validated at the API, at schedule declaration and at workflow start. */
  input: S;
  /** The workflow id of a start from its (parsed) input: the idempotency of a start lives here. */
  id: (input: z.output<S>, nonce: string) => string;
  /** A task queue other than the domain's default. */
  taskQueue?: string;
  queries?: Record<string, QueryDefinition<any, any, string>>;
  updates?: Record<string, UpdateDefinition<any, any, string>>;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/** Input schema by workflow key: what a domain's manifest is generic over. */
export type InputSchemas = Record<string, z.ZodType>;

export interface DomainDefinition<W extends InputSchemas> {
  /** The folder under libs/ and, unless `namePrefix` says otherwise, the prefix of every workflow, query and update name. */
  name: string;
  /** A shorter prefix for workflow, query and update names where the name reads badly as one (ticketing's are `ticket…`); it must begin the name. */
  namePrefix?: string;
  /** The default task queue: only the domain's worker polls it. */
  taskQueue: string;
  /** Every task queue the domain's worker polls (the default included). */
  taskQueues?: string[];
  /** The app that owns the domain's workflows and schedules (`apps/<project>/workflows.yaml`). */
  project: string;
  /** The IANA time zone the domain's calendar days are in. */
  timeZone: string;
  workflows: { [K in keyof W]: WorkflowContract<W[K]> };
  events: Record<string, EventDefinition<string, unknown>>;
  /** Bearer token scopes of the domain's API; `<name>:read` and `<name>:write` by default. */
  scopes?: { read: string; write: string };
  /** Custom search attributes the domain's workflows set (each name with the domain's prefix); its worker registers them in its namespace. */
  searchAttributes?: Record<string, SearchAttributeKind>;
}

/** Temporal's search attribute types. */
export type SearchAttributeKind = 'Keyword' | 'Text' | 'Int' | 'Double' | 'Bool' | 'Datetime' | 'KeywordList';

export interface DomainManifest<W extends InputSchemas = InputSchemas> extends Required<DomainDefinition<W>> {
  /** Input schema by workflow type: what schedules as code validate each `input` against. */
  inputSchemas: Record<string, z.ZodType>;
  /** The contract of a workflow type, or undefined when the type is not this domain's. */
  workflowOf(type: string): WorkflowContract | undefined;
}

/** Names of a domain: lower case, a letter first, letters and digits (no dashes: it prefixes camelCase names). */
const DOMAIN_NAME = /^[a-z][a-z0-9]*$/;

/**
 * A domain's manifest, declared once in its contracts lib and read by everything that lists
 * domains: the worker bootstrap, bundles, `npm start`, the Jest setup, the gateway's typed starts
 * and OpenAPI, schedules as code. Throws at load when a name breaks the house rules, so a slip is
 * found by the first test that imports the manifest.
 */
export function defineDomain<W extends InputSchemas>(definition: DomainDefinition<W>): DomainManifest<W> {
  const { name } = definition;
  const prefix = definition.namePrefix ?? name;
  const problems: string[] = [];
  if (!DOMAIN_NAME.test(name)) problems.push(`name ${name} must be lower-case letters and digits`);
  if (!name.startsWith(prefix) || !prefix) problems.push(`namePrefix ${prefix} must begin the name ${name}`);
  const taskQueues = [...new Set([definition.taskQueue, ...(definition.taskQueues ?? [])])];
  const seen = new Set<string>();
  for (const [key, wf] of Object.entries(definition.workflows) as [string, WorkflowContract][]) {
    if (!wf.type.startsWith(prefix)) problems.push(`workflow ${key}: type ${wf.type} must start with ${prefix}`);
    if (seen.has(wf.type)) problems.push(`workflow ${key}: type ${wf.type} is declared twice`);
    seen.add(wf.type);
    if (wf.taskQueue && !taskQueues.includes(wf.taskQueue)) problems.push(`workflow ${key}: task queue ${wf.taskQueue} is not in taskQueues`);
    for (const [kind, handlers] of [['query', wf.queries], ['update', wf.updates]] as const) {
      for (const def of Object.values(handlers ?? {})) {
        if (!def.name.startsWith(prefix)) problems.push(`workflow ${key}: ${kind} ${def.name} must start with ${prefix}`);
      }
    }
  }
  for (const attribute of Object.keys(definition.searchAttributes ?? {})) {
    if (!attribute.toLowerCase().startsWith(prefix)) problems.push(`search attribute ${attribute} must start with ${prefix} (any case)`);
  }
  for (const [key, event] of Object.entries(definition.events)) {
    if (event.domain !== name) problems.push(`event ${key}: domain ${event.domain} is not ${name}`);
  }
  if (problems.length) throw new Error(`domain ${name}: ${problems.join('; ')}`);
  const byType = new Map((Object.values(definition.workflows) as WorkflowContract[]).map((wf) => [wf.type, wf]));
  return {
    ...definition,
    namePrefix: prefix,
    searchAttributes: definition.searchAttributes ?? {},
    taskQueues,
    scopes: definition.scopes ?? { read: `${name}:read`, write: `${name}:write` },
    inputSchemas: Object.fromEntries([...byType].map(([type, wf]) => [type, wf.input])),
    workflowOf: (type) => byType.get(type),
  };
}
