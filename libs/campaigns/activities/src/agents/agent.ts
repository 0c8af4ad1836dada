import { AGENT_SCHEMAS, type AgentActivities, type AgentInputs, type AgentName, type AgentOutput, type AgentRun } from '@fleet/campaigns-contracts';
import { recordAgentRun, type CampaignsDatabase } from '@fleet/campaigns-data-access';
import type { Outbox } from '@fleet/shared-events';
import type { Logger } from '@fleet/shared-observability';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Kysely } from 'kysely';
import type { z } from 'zod';

/** One finished LLM call as the adapter reports it (`@fleet/shared-llm`'s LlmCallRecord). */
export interface AgentCallRecord {
  agent: string;
  model: string;
  outcome: 'ok' | 'repaired' | 'invalid_output' | 'error';
  promptTokens: number;
  completionTokens: number;
  latencyMs: number;
  costUsd: number;
}

/** What an agent needs of the LLM adapter (`@fleet/shared-llm`'s ChatClient has this shape). */
export interface AgentLlmClient {
  complete<T>(request: {
    messages: { role: 'system' | 'user' | 'assistant'; content: string }[];
    schema: z.ZodType<T>;
    schemaName?: string;
    maxTokens?: number;
    temperature?: number;
    signal?: AbortSignal;
  }): Promise<{ value: T; usage: { promptTokens: number; completionTokens: number }; latencyMs: number; costUsd: number; attempts: number; model: string }>;
}

export interface AgentDeps {
  db: Kysely<CampaignsDatabase>;
  /** Where the domain's events are written (an audit's "completed", with its report). */
  outbox: Outbox;
  logger: Logger;
  /** A client of the adapter for one call, reporting the call to `metrics` (its repair retry included). */
  llm: (options: { agent: string; metrics: { record(call: AgentCallRecord): void } }) => AgentLlmClient;
  /** The worker's exported LLM metrics (tokens, cost, latency per agent and model), if any. */
  metrics?: { record(call: AgentCallRecord): void };
  /** max_tokens of every agent call. */
  maxTokens: number;
}

/** How an agent is asked: its role and its prompt built from its input. */
export interface AgentDefinition<A extends AgentName> {
  system: string;
  prompt: (input: AgentInputs[A]) => string;
}

const HEARTBEAT_MS = 2_000;
const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * `runAgent`: the activity of one agent. Asks the LLM through the adapter for an answer valid
 * against the agent's schema (one repair retry in the adapter), heartbeating while it waits (a
 * cancel aborts the request); records the call (tokens, latency, cost, outcome) in PostgreSQL and
 * the metrics, whatever its outcome. An answer still invalid after the repair, or a refused request
 * (4xx), fails non-retryably; a timeout, a 429/5xx or a lost connection is retried by Temporal.
 */
export function runAgent<A extends AgentName>(name: A, definition: AgentDefinition<A>, deps: AgentDeps): AgentActivities[A] {
  const schema = AGENT_SCHEMAS[name] as unknown as z.ZodType<AgentOutput<A>>;
  const activity = async (input: AgentInputs[A]): Promise<AgentRun<AgentOutput<A>>> => {
    const context = Context.current();
    const { info } = context;
    const execution = info.workflowExecution ?? { workflowId: 'none', runId: 'none' };
    const startedAt = new Date();
    let call: AgentCallRecord | undefined;
    const client = deps.llm({
      agent: kebab(name),
      metrics: {
        record(c) {
          call = c;
          deps.metrics?.record(c);
        },
      },
    });
    const notes = input.notes ? `\n\nNotes: ${input.notes}` : '';
    const beat = setInterval(() => context.heartbeat(), HEARTBEAT_MS);
    let llmAttempts = 0;
    let error: unknown;
    try {
      const result = await client.complete({
        messages: [
          { role: 'system', content: `${definition.system} Answer with JSON only.` },
          { role: 'user', content: `${definition.prompt(input)}${notes}` },
        ],
        schema,
        schemaName: `campaign_${name}`,
        maxTokens: deps.maxTokens,
        temperature: 0,
        signal: context.cancellationSignal,
      });
      llmAttempts = result.attempts;
      const run: AgentRun<AgentOutput<A>> = {
        value: result.value,
        agent: name,
        model: result.model,
        promptTokens: result.usage.promptTokens,
        completionTokens: result.usage.completionTokens,
        latencyMs: result.latencyMs,
        costUsd: result.costUsd,
        attempts: result.attempts,
      };
      deps.logger.info({ agent: name, workflowId: execution.workflowId, tokens: run.promptTokens + run.completionTokens, latencyMs: run.latencyMs }, 'agent answered');
      return run;
    } catch (err) {
      error = err;
      llmAttempts = (err as { name?: string }).name === 'LlmOutputError' ? 2 : 1;
      const retryable = (err as { retryable?: unknown }).retryable;
      if (retryable === false && err instanceof Error) throw ApplicationFailure.nonRetryable(`agent ${name}: ${err.message}`, err.name);
      throw err;
    } finally {
      clearInterval(beat);
      await recordAgentRun(deps.db, {
        workflow_id: execution.workflowId,
        run_id: execution.runId,
        workflow_type: info.workflowType ?? 'none',
        activity_id: info.activityId,
        attempt: info.attempt,
        agent: name,
        model: call?.model ?? 'unknown',
        outcome: call?.outcome ?? 'error',
        prompt_tokens: call?.promptTokens ?? 0,
        completion_tokens: call?.completionTokens ?? 0,
        latency_ms: call?.latencyMs ?? Date.now() - startedAt.getTime(),
        cost_usd: call?.costUsd ?? 0,
        llm_attempts: llmAttempts,
        error: error instanceof Error ? error.message.slice(0, 2000) : null,
        started_at: startedAt,
      }).catch((err: unknown) => deps.logger.warn({ agent: name, err: err instanceof Error ? err.message : String(err) }, 'agent run not recorded'));
    }
  };
  return activity as AgentActivities[A];
}
