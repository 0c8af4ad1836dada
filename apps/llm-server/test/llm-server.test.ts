import { createChatClient, LlmHttpError } from '@fleet/shared-llm';
import { startTestLlmServer, type TestLlmServer } from '@fleet/tools-infra/testing';
import { z } from 'zod';

/**
 * The embedded server on the real SmolLM2-135M-Instruct (node-llama-cpp, prebuilt CPU binaries,
 * 2 threads): a JSON-schema-constrained completion through the adapter, kept short (64 tokens),
 * with the load time and the generation speed printed.
 */

let server: TestLlmServer & { modelPath: string };
beforeAll(async () => {
  server = await startTestLlmServer('e2e', { apiKey: 'sk-local' });
}, 240_000);
afterAll(async () => {
  await server?.stop();
});

const verdict = z.strictObject({
  summary: z.string().max(60),
  score: z.number().int(),
  mobileFriendly: z.boolean(),
  priority: z.enum(['low', 'medium', 'high']),
});

describe('llm-server on SmolLM2-135M-Instruct', () => {
  it('lists its model and requires the API key it was given', async () => {
    const models = (await (await fetch(`${server.baseUrl}/models`, { headers: { authorization: 'Bearer sk-local' } })).json()) as { data: { id: string }[] };
    expect(models.data.map((m) => m.id)).toEqual(['smollm2-135m-instruct']);
    const refused = await createChatClient({ baseUrl: server.baseUrl, model: server.model, apiKey: 'sk-wrong' })
      .complete({ messages: [{ role: 'user', content: 'hi' }], schema: verdict, maxTokens: 8 })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(LlmHttpError);
    expect(refused).toMatchObject({ status: 401, retryable: false });
  });

  it('answers a JSON-schema-constrained completion that validates, with usage', async () => {
    const client = createChatClient({ baseUrl: server.baseUrl, model: server.model, apiKey: 'sk-local', timeoutMs: 300_000 });
    let chunks = 0;
    const result = await client.complete({
      messages: [
        { role: 'system', content: 'You are a website auditor. Answer with JSON only.' },
        { role: 'user', content: 'Audit the home page of bakery.example: it loads in 6 seconds on phones and has no meta description.' },
      ],
      schema: verdict,
      schemaName: 'website_verdict',
      maxTokens: 64,
      temperature: 0,
      seed: 1,
      agent: 'website-audit',
      onProgress: (p) => (chunks = p.chunks),
    });
    expect(verdict.parse(result.value)).toEqual(result.value);
    expect(result.usage.promptTokens).toBeGreaterThan(20);
    expect(result.usage.completionTokens).toBeGreaterThan(5);
    expect(result.usage.completionTokens).toBeLessThanOrEqual(64 * result.attempts);
    expect(chunks).toBeGreaterThan(0);
    expect(result.costUsd).toBe(0);

    const stats = (await (await fetch(`${server.url}/admin/stats`)).json()) as { loadMs: number; tokensPerSecond: number; completionTokens: number; generationMs: number };
    console.log(
      `SmolLM2-135M-Instruct (${server.modelPath}): loaded in ${stats.loadMs} ms; ` +
        `${result.usage.promptTokens} prompt + ${result.usage.completionTokens} completion tokens in ${result.latencyMs} ms ` +
        `(${result.attempts} attempt(s)); generation ${stats.tokensPerSecond} tokens/s; answer ${JSON.stringify(result.value)}`,
    );
  }, 600_000);
});
