import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from '@fleet/shared-observability';
import { z } from 'zod';
import { BusyError, ContextLengthError, SchemaError, type Engine, type GenerateRequest } from './engine';

/**
 * The OpenAI chat-completions API in front of the engine: `POST /v1/chat/completions` (with
 * `max_tokens`, `temperature`, `seed`, `response_format` text / json_object / json_schema, and
 * `stream` with `stream_options.include_usage`) and `GET /v1/models`. With an API key configured
 * every /v1 request must carry it as a bearer token; without one any (or none) is taken.
 * A client that goes away stops its generation.
 */

const contentPart = z.looseObject({ type: z.string(), text: z.string().optional() });
const chatRequest = z.looseObject({
  model: z.string().min(1).optional(),
  messages: z
    .array(
      z.looseObject({
        role: z.enum(['system', 'developer', 'user', 'assistant']),
        content: z.union([z.string(), z.array(contentPart), z.null()]).optional(),
      }),
    )
    .min(1),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  seed: z.number().int().nullish(),
  n: z.literal(1).nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  response_format: z
    .discriminatedUnion('type', [
      z.looseObject({ type: z.literal('text') }),
      z.looseObject({ type: z.literal('json_object') }),
      z.looseObject({ type: z.literal('json_schema'), json_schema: z.looseObject({ name: z.string().min(1), schema: z.record(z.string(), z.unknown()), strict: z.boolean().nullish() }) }),
    ])
    .nullish(),
});

export interface LlmServerOptions {
  engine: Engine;
  /** The id the API reports (`model` of every answer, GET /v1/models). */
  modelId: string;
  host?: string;
  port?: number;
  apiKey?: string;
  /** max_tokens when a request gives none, and the most a request may ask for. */
  defaultMaxTokens?: number;
  maxTokensLimit?: number;
  /** temperature when a request gives none. */
  defaultTemperature?: number;
  logger?: Logger;
}

export interface LlmServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

function openAiError(res: Response, status: number, message: string, type: string, code?: string): void {
  if (res.headersSent) {
    // Mid-stream: the error as a last event (what OpenAI's streaming API does).
    res.end(`data: ${JSON.stringify({ error: { message, type, code: code ?? null } })}\n\n`);
    return;
  }
  res.status(status).json({ error: { message, type, param: null, code: code ?? null } });
}

export async function startLlmServer(options: LlmServerOptions): Promise<LlmServer> {
  const { engine, modelId, host = '127.0.0.1', port = 0, apiKey, defaultMaxTokens = 256, maxTokensLimit = 2048, defaultTemperature = 0.7, logger } = options;
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '4mb' }));

  app.get('/healthz', (_req, res) => {
    res.type('text/plain').send('ok');
  });
  /** The engine's counters, the load time and the throughput so far. */
  app.get('/admin/stats', (_req, res) => {
    const s = engine.stats();
    res.json({
      model: modelId,
      modelPath: engine.modelPath,
      loadMs: engine.loadMs,
      threads: engine.threads,
      contextSize: engine.contextSize,
      ...s,
      tokensPerSecond: s.generationMs > 0 ? Math.round((s.completionTokens / s.generationMs) * 1000 * 10) / 10 : null,
    });
  });

  app.use('/v1', (req: Request, res: Response, next: NextFunction) => {
    if (!apiKey || req.headers.authorization === `Bearer ${apiKey}`) return next();
    openAiError(res, 401, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key');
  });

  app.get('/v1/models', (_req, res) => {
    res.json({ object: 'list', data: [{ id: modelId, object: 'model', created: 0, owned_by: 'fleet' }] });
  });

  app.post('/v1/chat/completions', async (req, res) => {
    const parsed = chatRequest.safeParse(req.body);
    if (!parsed.success) {
      return openAiError(res, 400, `Invalid request: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}`, 'invalid_request_error');
    }
    const body = parsed.data;
    if (body.model && body.model !== modelId) {
      return openAiError(res, 404, `The model '${body.model}' does not exist; this server runs '${modelId}'.`, 'invalid_request_error', 'model_not_found');
    }
    const maxTokens = body.max_completion_tokens ?? body.max_tokens ?? defaultMaxTokens;
    if (maxTokens > maxTokensLimit) {
      return openAiError(res, 400, `max_tokens is at most ${maxTokensLimit} here, got ${maxTokens}`, 'invalid_request_error', 'max_tokens_too_large');
    }
    const format = body.response_format;
    const json: GenerateRequest['json'] = !format || format.type === 'text' ? undefined : format.type === 'json_object' ? 'object' : { schema: format.json_schema.schema };
    // The client going away (not the end of our answer) stops the generation.
    const controller = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) controller.abort(new Error('the client went away'));
    });
    const id = `chatcmpl-${randomUUID()}`;
    const created = Math.floor(Date.now() / 1000);
    const stream = body.stream === true;
    const chunk = (delta: Record<string, unknown>, finish: string | null) =>
      res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: modelId, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`);
    try {
      const result = await engine.generate({
        messages: body.messages.map((m) => ({
          role: m.role,
          content: typeof m.content === 'string' ? m.content : Array.isArray(m.content) ? m.content.map((p) => p.text ?? '').join('') : '',
        })),
        maxTokens,
        temperature: body.temperature ?? defaultTemperature,
        seed: body.seed ?? undefined,
        json,
        signal: controller.signal,
        onText: stream
          ? (text) => {
              if (!res.headersSent) {
                res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
                chunk({ role: 'assistant', content: '' }, null);
              }
              chunk({ content: text }, null);
            }
          : undefined,
      });
      const usage = { prompt_tokens: result.promptTokens, completion_tokens: result.completionTokens, total_tokens: result.promptTokens + result.completionTokens };
      logger?.info(
        { promptTokens: result.promptTokens, completionTokens: result.completionTokens, generationMs: result.generationMs, queuedMs: result.queuedMs, finishReason: result.finishReason, json: json !== undefined },
        'completion',
      );
      if (stream) {
        if (!res.headersSent) {
          res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
          chunk({ role: 'assistant', content: '' }, null);
        }
        chunk({}, result.finishReason);
        if (body.stream_options?.include_usage) res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: modelId, choices: [], usage })}\n\n`);
        res.end('data: [DONE]\n\n');
        return;
      }
      res.json({
        id,
        object: 'chat.completion',
        created,
        model: modelId,
        system_fingerprint: 'fleet-llm-server',
        choices: [{ index: 0, message: { role: 'assistant', content: result.text, refusal: null }, logprobs: null, finish_reason: result.finishReason }],
        usage,
      });
    } catch (err) {
      if (controller.signal.aborted) return;
      if (err instanceof BusyError) {
        res.setHeader('retry-after', '2');
        return openAiError(res, 503, `The server is busy: ${err.message}`, 'server_error', 'server_busy');
      }
      if (err instanceof ContextLengthError) return openAiError(res, 400, err.message, 'invalid_request_error', 'context_length_exceeded');
      if (err instanceof SchemaError) return openAiError(res, 400, err.message, 'invalid_request_error', 'invalid_json_schema');
      logger?.error({ err }, 'completion failed');
      openAiError(res, 500, err instanceof Error ? err.message : String(err), 'server_error');
    }
  });

  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = typeof (err as { status?: unknown }).status === 'number' ? (err as { status: number }).status : 500;
    openAiError(res, status, err instanceof Error ? err.message : String(err), status < 500 ? 'invalid_request_error' : 'server_error');
  });

  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${actual}`,
    port: actual,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
