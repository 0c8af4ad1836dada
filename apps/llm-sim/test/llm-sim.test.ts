import { z } from 'zod';
import { fillSchema, seededRandom, startLlmSim, type LlmSim, type LlmSimOptions } from '../src';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
});

async function setup(options: LlmSimOptions = {}) {
  const sim: LlmSim = await startLlmSim(options);
  cleanup.push(() => sim.close());
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${sim.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const complete = async (body: Record<string, unknown>) => {
    const res = await post({ model: 'fleet-sim', ...body });
    expect(res.status).toBe(200);
    return (await res.json()) as { id: string; model: string; choices: { message: { content: string }; finish_reason: string }[]; usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number } };
  };
  return { sim, post, complete };
}

const user = (content: string) => [{ role: 'user', content }];

const campaign = z.strictObject({
  headline: z.string().min(5).max(40),
  body: z.string(),
  channel: z.enum(['google-ads', 'meta', 'linkedin']),
  budget: z.number().min(10).max(500).multipleOf(5),
  days: z.number().int().positive().max(30),
  tags: z.array(z.string()).min(2).max(4),
  startsAt: z.iso.datetime(),
  landing: z.url(),
  contact: z.email(),
  id: z.uuid(),
  audience: z.union([z.strictObject({ kind: z.literal('age'), min: z.number().int(), max: z.number().int() }), z.strictObject({ kind: z.literal('interest'), topic: z.string() })]),
  note: z.string().nullable(),
  active: z.boolean(),
});

describe('llm-sim', () => {
  it('binds 127.0.0.1 and lists its models', async () => {
    const { sim } = await setup({ models: ['fleet-sim', 'other'] });
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const models = (await (await fetch(`${sim.url}/v1/models`)).json()) as { data: { id: string }[] };
    expect(models.data.map((m) => m.id)).toEqual(['fleet-sim', 'other']);
  });

  it('answers the same request with the same text, and another request with another, with usage counted', async () => {
    const { complete } = await setup();
    const a = await complete({ messages: user('Write a slogan for a bakery'), temperature: 0 });
    const b = await complete({ messages: user('Write a slogan for a bakery'), temperature: 0 });
    const c = await complete({ messages: user('Write a slogan for a florist'), temperature: 0 });
    expect(b.choices[0]!.message.content).toBe(a.choices[0]!.message.content);
    expect(b.id).toBe(a.id);
    expect(c.choices[0]!.message.content).not.toBe(a.choices[0]!.message.content);
    expect(a.usage.prompt_tokens).toBeGreaterThan(6);
    expect(a.usage.completion_tokens).toBe(a.choices[0]!.message.content.match(/[A-Za-z0-9]+|[^\sA-Za-z0-9]/g)!.length);
    expect(a.usage.total_tokens).toBe(a.usage.prompt_tokens + a.usage.completion_tokens);
    // A seed is part of the request: another seed, another answer.
    const seeded = await complete({ messages: user('Write a slogan for a bakery'), seed: 7 });
    expect(seeded.choices[0]!.message.content).not.toBe(a.choices[0]!.message.content);
  });

  it('stops at max_tokens with finish_reason length', async () => {
    const { complete } = await setup();
    const short = await complete({ messages: user('Tell me a long story'), max_tokens: 3 });
    expect(short.choices[0]!.finish_reason).toBe('length');
    expect(short.choices[0]!.message.content.split(' ')).toHaveLength(3);
  });

  it('answers an object valid against the json_schema, for many prompts', async () => {
    const { complete } = await setup();
    const schema = z.toJSONSchema(campaign);
    for (let i = 0; i < 25; i++) {
      const res = await complete({ messages: user(`Campaign ${i}`), response_format: { type: 'json_schema', json_schema: { name: 'campaign', schema, strict: true } } });
      const parsed = campaign.safeParse(JSON.parse(res.choices[0]!.message.content));
      expect(parsed.error?.issues ?? []).toEqual([]);
    }
    const object = await complete({ messages: user('Anything'), response_format: { type: 'json_object' } });
    expect(JSON.parse(object.choices[0]!.message.content)).toEqual({ answer: expect.any(String) });
  });

  it('fills $ref, allOf, type lists and prefixItems', () => {
    const schema = {
      $defs: { point: { type: 'object', properties: { x: { type: 'integer', minimum: 1, maximum: 3 }, y: { type: ['number', 'null'] } } } },
      type: 'object',
      properties: {
        home: { $ref: '#/$defs/point' },
        both: { allOf: [{ type: 'object', properties: { a: { const: 'fixed' } } }] },
        pair: { type: 'array', prefixItems: [{ type: 'string', enum: ['p'] }, { type: 'boolean' }], minItems: 2, maxItems: 2 },
      },
    };
    const value = fillSchema(schema, seededRandom(3)) as { home: { x: number; y: number }; both: { a: string }; pair: [string, boolean] };
    expect(value.home.x).toBeGreaterThanOrEqual(1);
    expect(value.home.x).toBeLessThanOrEqual(3);
    expect(typeof value.home.y).toBe('number');
    expect(value.both).toEqual({ a: 'fixed' });
    expect(value.pair).toEqual(['p', expect.any(Boolean)]);
  });

  it('[[invalid-json]] breaks the first answer only; [[invalid-json:2]] the first two', async () => {
    const { sim, complete } = await setup();
    const format = { type: 'json_schema', json_schema: { name: 'campaign', schema: z.toJSONSchema(campaign) } };
    const first = await complete({ messages: user('Campaign [[invalid-json]]'), response_format: format });
    expect(() => JSON.parse(first.choices[0]!.message.content) as unknown).toThrow();
    const repaired = await complete({
      messages: [...user('Campaign [[invalid-json]]'), { role: 'assistant', content: first.choices[0]!.message.content }, { role: 'user', content: 'Fix it' }],
      response_format: format,
    });
    expect(campaign.safeParse(JSON.parse(repaired.choices[0]!.message.content)).success).toBe(true);
    const twice = await complete({
      messages: [...user('Campaign [[invalid-json:2]]'), { role: 'assistant', content: '{' }, { role: 'user', content: 'Fix it' }],
      response_format: format,
    });
    expect(() => JSON.parse(twice.choices[0]!.message.content) as unknown).toThrow();
    const shape = await complete({ messages: user('Campaign [[wrong-shape]]'), response_format: format });
    expect(campaign.safeParse(JSON.parse(shape.choices[0]!.message.content)).success).toBe(false);
    expect(sim.stats()).toMatchObject({ invalidJson: 2, wrongShape: 1, completions: 4 });
  });

  it('[[error:S]] answers S every time, [[error:S:N]] the first N calls of the conversation, 429 with Retry-After', async () => {
    const { sim, post } = await setup();
    for (let i = 0; i < 2; i++) {
      const res = await post({ model: 'm', messages: user('x [[error:500]]') });
      expect(res.status).toBe(500);
      expect(((await res.json()) as { error: { type: string } }).error.type).toBe('server_error');
    }
    const limited = await post({ model: 'm', messages: user('x [[error:429]]') });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect((await post({ model: 'm', messages: user('y [[error:502:2]]') })).status).toBe(502);
    expect((await post({ model: 'm', messages: user('y [[error:502:2]]') })).status).toBe(502);
    expect((await post({ model: 'm', messages: user('y [[error:502:2]]') })).status).toBe(200);
    expect(sim.stats()).toMatchObject({ calls: 6, completions: 1, errors: { '500': 2, '429': 1, '502': 2 } });
  });

  it('[[slow:MS]] delays the answer', async () => {
    const { complete } = await setup();
    const started = Date.now();
    await complete({ messages: user('wait [[slow:300]]') });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('refuses a bad request with 400 and a wrong key with 401 (OpenAI error bodies)', async () => {
    const { sim, post } = await setup({ apiKey: 'sk-sim' });
    const noKey = await post({ model: 'm', messages: user('x') });
    expect(noKey.status).toBe(401);
    expect(await noKey.json()).toMatchObject({ error: { code: 'invalid_api_key' } });
    const bad = await post({ model: 'm', messages: [] }, { authorization: 'Bearer sk-sim' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('messages');
    expect((await post({ model: 'm', messages: user('x') }, { authorization: 'Bearer sk-sim' })).status).toBe(200);
    expect(sim.stats().errors).toEqual({ '401': 1, '400': 1 });
  });

  it('streams server-sent events that add up to the same answer, with usage last', async () => {
    const { post, complete } = await setup();
    const whole = await complete({ messages: user('Stream me') });
    const res = await post({ model: 'fleet-sim', messages: user('Stream me'), stream: true, stream_options: { include_usage: true } });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events = (await res.text()).split('\n\n').filter(Boolean);
    expect(events.at(-1)).toBe('data: [DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.slice('data: '.length)) as { choices: { delta: { content?: string } }[]; usage?: unknown });
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe(whole.choices[0]!.message.content);
    expect(chunks.at(-1)!.usage).toEqual(whole.usage);
  });
});
