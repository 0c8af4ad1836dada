import { Counter, Histogram, type Registry } from 'prom-client';

/** One finished call of {@link ChatClient.complete}, as the client reports it. */
export interface LlmCallRecord {
  /** Who asked, e.g. `website-audit`: the label that tells agents apart. */
  agent: string;
  model: string;
  /** `ok`, `repaired` (valid on the repair retry), `invalid_output`, or `error` (HTTP, timeout, network). */
  outcome: 'ok' | 'repaired' | 'invalid_output' | 'error';
  promptTokens: number;
  completionTokens: number;
  latencyMs: number;
  costUsd: number;
}

export interface LlmMetrics {
  record(call: LlmCallRecord): void;
}

/**
 * Prometheus metrics of LLM calls, per agent and model: tokens (`kind` prompt or completion), cost
 * in USD, calls by outcome, and latency. Registered on `registry` (the app's /metrics).
 */
export function createLlmMetrics(registry: Registry): LlmMetrics {
  const tokens = new Counter({ name: 'fleet_llm_tokens_total', help: 'Tokens used by LLM calls', labelNames: ['agent', 'model', 'kind'], registers: [registry] });
  const cost = new Counter({ name: 'fleet_llm_cost_usd_total', help: 'Cost of LLM calls in USD', labelNames: ['agent', 'model'], registers: [registry] });
  const calls = new Counter({ name: 'fleet_llm_calls_total', help: 'LLM calls by outcome', labelNames: ['agent', 'model', 'outcome'], registers: [registry] });
  const latency = new Histogram({
    name: 'fleet_llm_call_duration_seconds',
    help: 'Latency of LLM calls (the repair retry included)',
    labelNames: ['agent', 'model', 'outcome'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: [registry],
  });
  return {
    record(call) {
      const { agent, model, outcome } = call;
      tokens.inc({ agent, model, kind: 'prompt' }, call.promptTokens);
      tokens.inc({ agent, model, kind: 'completion' }, call.completionTokens);
      cost.inc({ agent, model }, call.costUsd);
      calls.inc({ agent, model, outcome });
      latency.observe({ agent, model, outcome }, call.latencyMs / 1000);
    },
  };
}
