import { startTestLlmSim, type TestLlmSim } from '@fleet/tools-infra/testing';
import { Registry } from 'prom-client';
import { z } from 'zod';
import { createChatClient, createLlmMetrics, LlmHttpError, LlmNetworkError, LlmOutputError, LlmTimeoutError, type ChatMessage } from './index';

/** What the agents ask for: nested, with enums, bounds, arrays and a nullable field. */
const audit = z.strictObject({
  score: z.number().int().min(0).max(100),
  summary: z.string().min(1).max(200),
  grade: z.enum(['A', 'B', 'C', 'D', 'F']),
  findings: z
    .array(z.strictObject({ title: z.string().min(1), severity: z.enum(['low', 'medium', 'high']), url: z.url().nullable() }))
    .min(1)
    .max(5),
});

let sim: TestLlmSim;
let keyed: TestLlmSim;
beforeAll(async () => {
  [sim, keyed] = await Promise.all([startTestLlmSim('adapter'), startTestLlmSim('adapter-key', { apiKey: 'sk-test' })]);
});
afterAll(async () => {
  await Promise.all([sim?.stop(), keyed?.stop()]);
});
beforeEach(async () => {
  await sim.reset();
});

const ask = (text: string): ChatMessage[] => [
  { role: 'system', content: 'You audit websites. Answer in JSON.' },
  { role: 'user', content: text },
];

describe('createChatClient against the LLM simulator', () => {
  it('returns a schema-valid object, with usage, latency and cost, sending the schema as strict json_schema', async () => {
    const client = createChatClient({ baseUrl: sim.baseUrl, model: sim.model, price: { promptPer1k: 0.5, completionPer1k: 1.5 } });
    const result = await client.complete({ messages: ask('Audit example.com'), schema: audit, schemaName: 'website_audit', maxTokens: 300, temperature: 0 });
    expect(audit.parse(result.value)).toEqual(result.value);
    expect(result.attempts).toBe(1);
    expect(result.usage.promptTokens).toBeGreaterThan(0);
    expect(result.usage.completionTokens).toBeGreaterThan(0);
    expect(result.costUsd).toBeCloseTo((result.usage.promptTokens * 0.5 + result.usage.completionTokens * 1.5) / 1000, 10);
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);

    const [sent] = await sim.requests();
    expect(sent).toMatchObject({
      model: 'fleet-sim',
      max_tokens: 300,
      temperature: 0,
      response_format: { type: 'json_schema', json_schema: { name: 'website_audit', strict: true, schema: { type: 'object', required: ['score', 'summary', 'grade', 'findings'], additionalProperties: false } } },
    });
    // The same request, the same answer: the simulator is deterministic.
    const again = await client.complete({ messages: ask('Audit example.com'), schema: audit, schemaName: 'website_audit', maxTokens: 300, temperature: 0 });
    expect(again.value).toEqual(result.value);
  });

  it('marks a schema with optional properties as not strict (a hosted provider would refuse it)', async () => {
    const client = createChatClient({ baseUrl: sim.baseUrl, model: sim.model });
    await client.complete({ messages: ask('Audit example.org'), schema: z.object({ title: z.string(), note: z.string().optional() }) });
    const [sent] = await sim.requests();
    expect(sent).toMatchObject({ response_format: { json_schema: { name: 'result', strict: false } } });
  });

  it('repairs broken JSON with one retry that names the error', async () => {
    const client = createChatClient({ baseUrl: sim.baseUrl, model: sim.model });
    const result = await client.complete({ messages: ask('Audit broken.example [[invalid-json]]'), schema: audit, schemaName: 'website_audit' });
    expect(audit.safeParse(result.value).success).toBe(true);
    expect(result.attempts).toBe(2);
    expect(await sim.stats()).toMatchObject({ calls: 2, completions: 2, invalidJson: 1 });
    const [, repair] = (await sim.requests()) as { messages: ChatMessage[] }[];
    expect(repair!.messages).toHaveLength(4);
    expect(repair!.messages[2]).toMatchObject({ role: 'assistant' });
    expect(repair!.messages[3]!.content).toContain('not valid against the JSON schema "website_audit"');
    expect(repair!.messages[3]!.content).toContain('not valid JSON');
    // Both attempts are counted.
    const stats = await sim.stats();
    expect(result.usage).toEqual({ promptTokens: stats.promptTokens, completionTokens: stats.completionTokens });
  });

  it('repairs an answer of the wrong shape', async () => {
    const client = createChatClient({ baseUrl: sim.baseUrl, model: sim.model });
    const result = await client.complete({ messages: ask('Audit shape.example [[wrong-shape]]'), schema: audit });
    expect(result.attempts).toBe(2);
    const [, repair] = (await sim.requests()) as { messages: ChatMessage[] }[];
    expect(repair!.messages[3]!.content).toMatch(/- score: /);
  });

  it('fails without retry when the repaired answer is still invalid, naming the schema issue', async () => {
    const client = createChatClient({ baseUrl: sim.baseUrl, model: sim.model });
    const error = await client.complete({ messages: ask('Audit hopeless.example [[wrong-shape:2]]'), schema: audit, schemaName: 'website_audit' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmOutputError);
    const e = error as LlmOutputError;
    expect(e.retryable).toBe(false);
    expect(e.schemaName).toBe('website_audit');
    expect(e.message).toContain('"website_audit"');
    expect(e.issues.join('\n')).toMatch(/^score: .*expected number/m);
    expect((await sim.stats()).calls).toBe(2);

    const broken = await client.complete({ messages: ask('Audit worse.example [[invalid-json:2]]'), schema: audit }).catch((err: unknown) => err);
    expect(broken).toBeInstanceOf(LlmOutputError);
    expect((broken as LlmOutputError).issues[0]).toMatch(/^not valid JSON/);
  });

  it('classifies HTTP errors: 500 and 429 retryable (with Retry-After), 400 and 401 not', async () => {
    const client = createChatClient({ baseUrl: sim.baseUrl, model: sim.model });
    const fail = (marker: string) => client.complete({ messages: ask(`Audit ${marker}`), schema: audit }).then(() => undefined, (e: unknown) => e as LlmHttpError);

    const e500 = await fail('[[error:500]]');
    expect(e500).toBeInstanceOf(LlmHttpError);
    expect(e500).toMatchObject({ status: 500, retryable: true });
    expect(e500?.message).toContain('Simulated error 500');

    const e429 = await fail('[[error:429]]');
    expect(e429).toMatchObject({ status: 429, retryable: true, retryAfterSeconds: 1 });

    const e400 = await fail('[[error:400]]');
    expect(e400).toMatchObject({ status: 400, retryable: false });

    const wrongKey = await createChatClient({ baseUrl: keyed.baseUrl, model: keyed.model, apiKey: 'sk-wrong' })
      .complete({ messages: ask('Audit'), schema: audit })
      .catch((e: unknown) => e);
    expect(wrongKey).toMatchObject({ status: 401, retryable: false });
    const rightKey = await createChatClient({ baseUrl: keyed.baseUrl, model: keyed.model, apiKey: 'sk-test' }).complete({ messages: ask('Audit'), schema: audit });
    expect(audit.safeParse(rightKey.value).success).toBe(true);
  });

  it('a retry of a call that failed with 500 succeeds once the fault has passed', async () => {
    const client = createChatClient({ baseUrl: sim.baseUrl, model: sim.model });
    const messages = ask('Audit flaky.example [[error:503:1]]');
    await expect(client.complete({ messages, schema: audit })).rejects.toMatchObject({ status: 503, retryable: true });
    const result = await client.complete({ messages, schema: audit });
    expect(audit.safeParse(result.value).success).toBe(true);
  });

  it('times out (retryable), and a caller abort rejects with its reason', async () => {
    const client = createChatClient({ baseUrl: sim.baseUrl, model: sim.model, timeoutMs: 300 });
    const started = Date.now();
    const timeout = await client.complete({ messages: ask('Audit slow.example [[slow:3000]]'), schema: audit }).catch((e: unknown) => e);
    expect(timeout).toBeInstanceOf(LlmTimeoutError);
    expect(timeout).toMatchObject({ retryable: true, timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(2500);

    const patient = createChatClient({ baseUrl: sim.baseUrl, model: sim.model, timeoutMs: 10_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('activity cancelled')), 200);
    const aborted = await patient.complete({ messages: ask('Audit slow.example [[slow:3000]]'), schema: audit, signal: controller.signal }).catch((e: unknown) => e);
    expect(aborted).toEqual(new Error('activity cancelled'));
  });

  it('a server that cannot be reached is a retryable network error', async () => {
    const client = createChatClient({ baseUrl: 'http://127.0.0.1:1/v1', model: 'x' });
    const error = await client.complete({ messages: ask('Audit'), schema: audit }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmNetworkError);
    expect(error).toMatchObject({ retryable: true });
  });

  it('streams when asked for progress, with usage from the last chunk', async () => {
    const client = createChatClient({ baseUrl: sim.baseUrl, model: sim.model });
    const progress: number[] = [];
    const result = await client.complete({ messages: ask('Audit streamed.example'), schema: audit, onProgress: (p) => progress.push(p.chunks) });
    expect(audit.safeParse(result.value).success).toBe(true);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress).toEqual(progress.map((_, i) => i + 1));
    const stats = await sim.stats();
    expect(stats.streamed).toBe(1);
    expect(result.usage).toEqual({ promptTokens: stats.promptTokens, completionTokens: stats.completionTokens });
  });

  it('records tokens, latency, cost and outcome per agent as Prometheus metrics', async () => {
    const registry = new Registry();
    const client = createChatClient({ baseUrl: sim.baseUrl, model: sim.model, metrics: createLlmMetrics(registry), price: { promptPer1k: 1, completionPer1k: 2 } });
    const first = await client.complete({ messages: ask('Audit a.example'), schema: audit, agent: 'website-audit' });
    await client.complete({ messages: ask('Audit b.example [[invalid-json]]'), schema: audit, agent: 'seo-analysis' });
    await client.complete({ messages: ask('Audit c.example [[error:500]]'), schema: audit, agent: 'seo-analysis' }).catch(() => undefined);
    const text = await registry.metrics();
    expect(text).toContain(`fleet_llm_tokens_total{agent="website-audit",model="fleet-sim",kind="prompt"} ${first.usage.promptTokens}`);
    expect(text).toContain(`fleet_llm_tokens_total{agent="website-audit",model="fleet-sim",kind="completion"} ${first.usage.completionTokens}`);
    expect(text).toContain(`fleet_llm_cost_usd_total{agent="website-audit",model="fleet-sim"} ${first.costUsd}`);
    expect(text).toContain('fleet_llm_calls_total{agent="seo-analysis",model="fleet-sim",outcome="repaired"} 1');
    expect(text).toContain('fleet_llm_calls_total{agent="seo-analysis",model="fleet-sim",outcome="error"} 1');
    expect(text).toMatch(/fleet_llm_call_duration_seconds_count\{agent="website-audit",model="fleet-sim",outcome="ok"\} 1/);
  });
});
