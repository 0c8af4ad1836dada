import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from '@fleet/shared-observability';
import { z } from 'zod';
import { fillSchema, seededRandom, words, wrongShape, type Json, type JsonSchema } from './fill';

/**
 * A deterministic OpenAI-compatible chat-completions server for tests: the answer is derived from
 * a hash of the request (model, messages, response_format, seed), so the same request always gets
 * the same answer. With `response_format: json_schema` it answers an object valid against the
 * schema; with `json_object`, `{"answer": "..."}`; otherwise a few words. Usage counts words and
 * punctuation as tokens.
 *
 * Markers in a user message drive faults (the conversation key is the request without its later
 * assistant turns, so a retry of the same request counts as the same conversation):
 * - `[[invalid-json]]` / `[[invalid-json:N]]`: broken JSON while the conversation has fewer than
 *   N assistant turns (N = 1: only the first answer, so one repair retry succeeds).
 * - `[[wrong-shape]]` / `[[wrong-shape:N]]`: the same with valid JSON that breaks the schema.
 * - `[[error:STATUS]]` / `[[error:STATUS:N]]`: answers STATUS (429 with Retry-After: 1), every
 *   time or for the first N calls of the conversation.
 * - `[[slow:MS]]`: waits MS milliseconds before answering (given up if the client goes away).
 */

const message = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
  content: z.union([z.string(), z.array(z.looseObject({ type: z.string(), text: z.string().optional() })), z.null()]).optional(),
});

const responseFormat = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text') }),
  z.looseObject({ type: z.literal('json_object') }),
  z.looseObject({
    type: z.literal('json_schema'),
    json_schema: z.looseObject({ name: z.string().min(1), schema: z.record(z.string(), z.unknown()).optional(), strict: z.boolean().nullish() }),
  }),
]);

export const chatRequest = z.looseObject({
  model: z.string().min(1),
  messages: z.array(message).min(1),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  seed: z.number().int().nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  response_format: responseFormat.nullish(),
});
export type ChatRequest = z.infer<typeof chatRequest>;

export interface LlmSimStats {
  /** Every POST /v1/chat/completions, refused ones included. */
  calls: number;
  /** Answers with a completion (status 200). */
  completions: number;
  streamed: number;
  /** Refusals by status (faults on demand, bad requests, bad keys). */
  errors: Record<string, number>;
  invalidJson: number;
  wrongShape: number;
  promptTokens: number;
  completionTokens: number;
  byModel: Record<string, number>;
}

export interface LlmSimOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** When set, requests must carry `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** The models GET /v1/models lists (any model is answered). */
  models?: string[];
  logger?: Logger;
}

export interface LlmSim {
  url: string;
  port: number;
  stats(): LlmSimStats;
  close(): Promise<void>;
}

const TOKEN = /[A-Za-z0-9]+|[^\sA-Za-z0-9]/g;
/** The simulator's token count: words and punctuation marks. */
export const countTokens = (text: string) => text.match(TOKEN)?.length ?? 0;

const textOf = (content: z.infer<typeof message>['content']): string =>
  typeof content === 'string' ? content : Array.isArray(content) ? content.map((p) => p.text ?? '').join('') : '';

function openAiError(res: Response, status: number, text: string, type: string, code?: string): void {
  res.status(status).json({ error: { message: text, type, param: null, code: code ?? null } });
}

function emptyStats(): LlmSimStats {
  return { calls: 0, completions: 0, streamed: 0, errors: {}, invalidJson: 0, wrongShape: 0, promptTokens: 0, completionTokens: 0, byModel: {} };
}

export async function startLlmSim(options: LlmSimOptions = {}): Promise<LlmSim> {
  const { host = '127.0.0.1', port = 0, apiKey, models = ['fleet-sim'], logger } = options;
  let stats = emptyStats();
  /** Calls seen per conversation key, for `[[error:S:N]]`. */
  const seen = new Map<string, number>();
  let recent: unknown[] = [];

  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '4mb' }));

  app.use('/v1', (req: Request, res: Response, next: NextFunction) => {
    if (!apiKey || req.headers.authorization === `Bearer ${apiKey}`) return next();
    stats.errors['401'] = (stats.errors['401'] ?? 0) + 1;
    openAiError(res, 401, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key');
  });

  app.get('/v1/models', (_req, res) => {
    res.json({ object: 'list', data: models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'fleet-llm-sim' })) });
  });

  app.post('/v1/chat/completions', async (req, res) => {
    stats.calls++;
    const parsed = chatRequest.safeParse(req.body);
    if (!parsed.success) {
      stats.errors['400'] = (stats.errors['400'] ?? 0) + 1;
      return openAiError(res, 400, `Invalid request: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}`, 'invalid_request_error');
    }
    const body = parsed.data;
    recent = [...recent.slice(-199), body];
    stats.byModel[body.model] = (stats.byModel[body.model] ?? 0) + 1;
    const userText = body.messages.filter((m) => m.role === 'user').map((m) => textOf(m.content)).join('\n');
    const assistantTurns = body.messages.filter((m) => m.role === 'assistant').length;
    const firstAssistant = body.messages.findIndex((m) => m.role === 'assistant');
    const conversation = hash({ model: body.model, messages: firstAssistant < 0 ? body.messages : body.messages.slice(0, firstAssistant) });
    const calls = (seen.get(conversation) ?? 0) + 1;
    seen.set(conversation, calls);

    const slow = /\[\[slow:(\d+)\]\]/.exec(userText);
    if (slow) {
      const gone = await wait(Number(slow[1]), res);
      if (gone) return;
    }
    const error = /\[\[error:(\d{3})(?::(\d+))?\]\]/.exec(userText);
    if (error && (error[2] === undefined || calls <= Number(error[2]))) {
      const status = Number(error[1]);
      stats.errors[String(status)] = (stats.errors[String(status)] ?? 0) + 1;
      if (status === 429) res.setHeader('retry-after', '1');
      return openAiError(res, status, `Simulated error ${status}`, status === 429 ? 'rate_limit_exceeded' : status >= 500 ? 'server_error' : 'invalid_request_error');
    }

    const requestHash = hash({ model: body.model, messages: body.messages, response_format: body.response_format ?? null, seed: body.seed ?? null });
    const random = seededRandom(parseInt(requestHash.slice(0, 8), 16));
    const maxTokens = body.max_completion_tokens ?? body.max_tokens ?? 256;
    const below = (marker: string) => {
      const m = new RegExp(`\\[\\[${marker}(?::(\\d+))?\\]\\]`).exec(userText);
      return m !== null && assistantTurns < Number(m[1] ?? 1);
    };

    let content: string;
    let finishReason: 'stop' | 'length' = 'stop';
    const format = body.response_format;
    if (format && format.type !== 'text') {
      const schema: JsonSchema = format.type === 'json_schema' ? ((format.json_schema.schema ?? {}) as JsonSchema) : { type: 'object', properties: { answer: { type: 'string' } } };
      let value: Json = fillSchema(schema, random);
      if (below('wrong-shape')) {
        value = wrongShape(schema, value);
        stats.wrongShape++;
      }
      content = JSON.stringify(value);
      if (below('invalid-json')) {
        // Cut mid-way and a stray comma: what a small model's runaway answer looks like.
        content = `${content.slice(0, Math.max(1, Math.floor(content.length / 2)))},`;
        stats.invalidJson++;
      }
    } else {
      const natural = 8 + Math.floor(random() * 24);
      content = `${words(random, Math.min(natural, maxTokens))}.`;
      if (natural > maxTokens) finishReason = 'length';
    }

    const promptTokens = body.messages.reduce((n, m) => n + countTokens(textOf(m.content)) + 3, 3);
    const completionTokens = countTokens(content);
    stats.completions++;
    stats.promptTokens += promptTokens;
    stats.completionTokens += completionTokens;
    const id = `chatcmpl-sim-${requestHash.slice(0, 24)}`;
    const created = Math.floor(Date.now() / 1000);
    const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
    logger?.debug({ model: body.model, promptTokens, completionTokens }, 'completion');

    if (body.stream) {
      stats.streamed++;
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      const chunk = (delta: Record<string, unknown>, finish: string | null, extra: Record<string, unknown> = {}) =>
        res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: body.model, choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`);
      chunk({ role: 'assistant', content: '' }, null);
      for (const piece of content.match(/\S+\s*|\s+/g) ?? []) chunk({ content: piece }, null);
      chunk({}, finishReason);
      if (body.stream_options?.include_usage) {
        res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: body.model, choices: [], usage })}\n\n`);
      }
      res.end('data: [DONE]\n\n');
      return;
    }
    res.json({
      id,
      object: 'chat.completion',
      created,
      model: body.model,
      system_fingerprint: 'fleet-llm-sim',
      choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, logprobs: null, finish_reason: finishReason }],
      usage,
    });
  });

  app.get('/admin/stats', (_req, res) => {
    res.json(stats);
  });
  /** The last 200 request bodies, oldest first: what clients really sent. */
  app.get('/admin/requests', (_req, res) => {
    res.json(recent);
  });
  app.post('/admin/reset', (_req, res) => {
    stats = emptyStats();
    seen.clear();
    recent = [];
    res.status(204).end();
  });

  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = typeof (err as { status?: unknown }).status === 'number' ? (err as { status: number }).status : 500;
    stats.errors[String(status)] = (stats.errors[String(status)] ?? 0) + 1;
    openAiError(res, status, err instanceof Error ? err.message : String(err), status < 500 ? 'invalid_request_error' : 'server_error');
  });

  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${actual}`,
    port: actual,
    stats: () => structuredClone(stats),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function hash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

/** Waits `ms`, or less if the client goes away first (then answers true). */
function wait(ms: number, res: Response): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      res.off('close', onClose);
      resolve(false);
    }, ms);
    const onClose = () => {
      clearTimeout(timer);
      resolve(true);
    };
    res.once('close', onClose);
  });
}
