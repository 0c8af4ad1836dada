import type { DomainManifest, InputSchemas } from '@fleet/shared-domain';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { InvalidInputError } from './errors';

/** The body parsed by its schema; a refusal is a 400 naming each field (the pipeline writes it). */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) throw new InvalidInputError(parsed.error);
  return parsed.data;
}

/** The query string parsed by its schema; a refusal is a 400 naming each parameter. */
export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.output<S> {
  const parsed = schema.safeParse(query ?? {});
  if (!parsed.success) throw new InvalidInputError(parsed.error, 'Invalid query', '(query)');
  return parsed.data;
}

export interface StartedRun<I> {
  workflowId: string;
  runId: string;
  /** The input the workflow was started with (parsed by its schema: defaults applied). */
  input: I;
  /** True when `ifRunning: 'use-it'` found the workflow already running under that id. */
  alreadyStarted: boolean;
}

export interface StartOptions {
  /** The id builder's nonce, for workflows started more than once a day; random by default. */
  nonce?: string;
  /** What a start whose workflow id is already running does: fail (default) or answer with that run. */
  ifRunning?: 'fail' | 'use-it';
}

/**
 * Starts a domain's workflow as its manifest says: the input validated by the workflow's own
 * schema (a 400 naming each field when it is refused), the workflow id from the manifest's id
 * builder, the workflow's task queue. Call it inside the request's deadline.
 */
export async function startDomainWorkflow<W extends InputSchemas, K extends keyof W & string>(
  client: Client,
  manifest: DomainManifest<W>,
  key: K,
  input: z.input<W[K]>,
  { nonce = randomUUID().slice(0, 8), ifRunning = 'fail' }: StartOptions = {},
): Promise<StartedRun<z.output<W[K]>>> {
  const contract = manifest.workflows[key];
  const parsed = parseBody(contract.input, input) as z.output<W[K]>;
  const workflowId = contract.id(parsed, nonce);
  try {
    const handle = await client.workflow.start(contract.type, { taskQueue: contract.taskQueue ?? manifest.taskQueue, workflowId, args: [parsed] });
    return { workflowId, runId: handle.firstExecutionRunId, input: parsed, alreadyStarted: false };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError) || ifRunning !== 'use-it') throw err;
    const running = await client.workflow.getHandle(workflowId).describe();
    return { workflowId, runId: running.runId, input: parsed, alreadyStarted: true };
  }
}
