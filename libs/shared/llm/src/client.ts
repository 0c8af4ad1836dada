import { z } from 'zod';
import { LlmError, LlmHttpError, LlmNetworkError, LlmOutputError, LlmTimeoutError } from './errors';
import type { LlmCallRecord, LlmMetrics } from './metrics';

/**
 * The one way Fleet reaches an LLM: the OpenAI chat-completions API over plain `fetch`, so the
 * embedded server (apps/llm-server), the simulator (apps/llm-sim) and a hosted provider are used
 * alike. `complete` sends the zod schema as `response_format: json_schema` (from
 * `z.toJSONSchema`), validates the answer, and when it is not valid asks once more, with the
 * validation errors, for corrected JSON. Errors say whether a retry may help (see errors.ts); the
 * client itself does not retry a failed call: the activity's retry policy does.
 */

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** USD per 1,000 tokens. 0 (the default) for a local model. */
export interface LlmPrice {
  promptPer1k: number;
  completionPer1k: number;
}

export interface ChatClientOptions {
  /** The API's base URL, `/v1` included, e.g. `http://127.0.0.1:50081/v1`. */
  baseUrl: string;
  model: string;
  /** Sent as `Authorization: Bearer`; a local server without a key takes any. */
  apiKey?: string;
  /** Per HTTP call (the repair retry has its own); 120 s by default. */
  timeoutMs?: number;
  price?: LlmPrice;
  /** Where each finished `complete` is recorded (tokens, latency, cost per agent). */
  metrics?: LlmMetrics;
  /** The `agent` label when a call names none. */
  agent?: string;
  fetch?: typeof fetch;
}

export interface LlmUsage {
  promptTokens: number;
  completionTokens: number;
}

export interface LlmProgress {
  /** Text chunks received so far in this attempt (about one token each). */
  chunks: number;
  /** Characters of answer received so far in this attempt. */
  characters: number;
  /** 1 for the first answer, 2 for the repair retry. */
  attempt: number;
}

export interface CompleteRequest<T> {
  messages: ChatMessage[];
  schema: z.ZodType<T>;
  /** The schema's name as the API sees it (`json_schema.name`); `result` by default. */
  schemaName?: string;
  maxTokens?: number;
  temperature?: number;
  seed?: number;
  signal?: AbortSignal;
  /**
   * Called as the answer streams in (the request is then sent with `stream: true`): an activity
   * heartbeats from here. Without it the answer comes in one piece.
   */
  onProgress?: (progress: LlmProgress) => void;
  /** The metrics label of this call, e.g. `website-audit`. */
  agent?: string;
}

export interface CompleteResult<T> {
  value: T;
  /** Both attempts together when there was a repair retry. */
  usage: LlmUsage;
  latencyMs: number;
  costUsd: number;
  /** 1, or 2 when the repair retry was needed. */
  attempts: number;
  model: string;
}

export interface ChatClient {
  readonly model: string;
  complete<T>(request: CompleteRequest<T>): Promise<CompleteResult<T>>;
}

/** The JSON schema of a zod schema as sent to the API, and whether it meets OpenAI's strict mode. */
export function toResponseSchema(schema: z.ZodType): { schema: Record<string, unknown>; strict: boolean } {
  const json = z.toJSONSchema(schema, { unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  return { schema: json, strict: strictCompatible(json) };
}

/** Strict mode wants every object closed and every property required (nullable instead of optional). */
function strictCompatible(node: unknown): boolean {
  if (Array.isArray(node)) return node.every(strictCompatible);
  if (typeof node !== 'object' || node === null) return true;
  const s = node as Record<string, unknown>;
  if (s.type === 'object' || s.properties) {
    const keys = Object.keys((s.properties ?? {}) as object);
    const required = Array.isArray(s.required) ? (s.required as string[]) : [];
    if (s.additionalProperties !== false || keys.some((k) => !required.includes(k))) return false;
  }
  return Object.values(s).every(strictCompatible);
}

/** The JSON in an answer: the text itself, else inside a ``` fence, else from the first { or [ to the last } or ]. */
export function extractJson(text: string): unknown {
  const trimmed = text.trim();
  try {
    return JSON.parse(trimmed);
  } catch (err) {
    const fenced = /```(?:json)?\s*([\s\S]*?)```/.exec(trimmed)?.[1];
    if (fenced !== undefined) return JSON.parse(fenced);
    const start = trimmed.search(/[[{]/);
    const end = Math.max(trimmed.lastIndexOf('}'), trimmed.lastIndexOf(']'));
    if (start >= 0 && end > start) return JSON.parse(trimmed.slice(start, end + 1));
    throw err;
  }
}

const issueText = (issues: z.core.$ZodIssue[]) => issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`);

type Checked<T> = { ok: true; value: T } | { ok: false; issues: string[] };

function check<T>(schema: z.ZodType<T>, text: string, finishReason: string | undefined): Checked<T> {
  let json: unknown;
  try {
    json = extractJson(text);
  } catch (err) {
    const cut = finishReason === 'length' ? ' (the answer was cut off at max_tokens)' : '';
    return { ok: false, issues: [`not valid JSON${cut}: ${err instanceof Error ? err.message : String(err)}`] };
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, issues: issueText(parsed.error.issues) };
}

interface Answer {
  content: string;
  finishReason?: string;
  usage: LlmUsage;
}

const completionBody = z.looseObject({
  choices: z
    .array(z.looseObject({ message: z.looseObject({ content: z.string().nullish() }), finish_reason: z.string().nullish() }))
    .min(1),
  usage: z.looseObject({ prompt_tokens: z.number(), completion_tokens: z.number() }).nullish(),
});

const chunkBody = z.looseObject({
  choices: z.array(z.looseObject({ delta: z.looseObject({ content: z.string().nullish() }).nullish(), finish_reason: z.string().nullish() })).nullish(),
  usage: z.looseObject({ prompt_tokens: z.number(), completion_tokens: z.number() }).nullish(),
});

export function createChatClient(options: ChatClientOptions): ChatClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 120_000;
  const price = options.price ?? { promptPer1k: 0, completionPer1k: 0 };
  const doFetch = options.fetch ?? fetch;

  /** One POST /chat/completions, errors classified. */
  async function call(body: Record<string, unknown>, signal: AbortSignal | undefined, onChunk: ((chunks: number, characters: number) => void) | undefined): Promise<Answer> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const stream = onChunk !== undefined;
    const aborted = (err: unknown): Error => {
      if (signal?.aborted) return signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason ?? 'aborted'));
      if (timeout.aborted) return new LlmTimeoutError(timeoutMs);
      return new LlmNetworkError(`the LLM at ${baseUrl} could not be reached: ${describe(err)}`, err);
    };
    let res: globalThis.Response;
    try {
      res = await doFetch(`${baseUrl}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}) },
        body: JSON.stringify(stream ? { ...body, stream: true, stream_options: { include_usage: true } } : body),
        signal: combined,
      });
    } catch (err) {
      throw aborted(err);
    }
    if (!res.ok) {
      const text = await res.text().catch(() => '');
      let detail = text.slice(0, 500);
      try {
        detail = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? detail;
      } catch {
        // not JSON: the text as it came
      }
      const retryAfter = Number(res.headers.get('retry-after'));
      throw new LlmHttpError(res.status, `the LLM answered ${res.status}: ${detail}`, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined);
    }
    try {
      if (!stream) {
        const parsed = completionBody.safeParse(await res.json());
        if (!parsed.success) throw new LlmError(`the LLM's answer is not a chat completion: ${issueText(parsed.error.issues).join('; ')}`, true);
        const [choice] = parsed.data.choices;
        const usage = parsed.data.usage;
        return { content: choice?.message.content ?? '', finishReason: choice?.finish_reason ?? undefined, usage: { promptTokens: usage?.prompt_tokens ?? 0, completionTokens: usage?.completion_tokens ?? 0 } };
      }
      return await readStream(res, onChunk);
    } catch (err) {
      if (err instanceof LlmError) throw err;
      throw aborted(err);
    }
  }

  async function readStream(res: globalThis.Response, onChunk: (chunks: number, characters: number) => void): Promise<Answer> {
    if (!res.body) throw new LlmError('the LLM sent an empty stream', true);
    const decoder = new TextDecoder();
    let buffer = '';
    let content = '';
    let chunks = 0;
    let finishReason: string | undefined;
    let usage: LlmUsage | undefined;
    for await (const bytes of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(bytes, { stream: true });
      let end: number;
      while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
        for (const line of event.split(/\r?\n/)) {
          if (!line.startsWith('data:')) continue;
          const data = line.slice(5).trim();
          if (data === '[DONE]') continue;
          const parsed = chunkBody.safeParse(JSON.parse(data));
          if (!parsed.success) continue;
          if (parsed.data.usage) usage = { promptTokens: parsed.data.usage.prompt_tokens, completionTokens: parsed.data.usage.completion_tokens };
          for (const choice of parsed.data.choices ?? []) {
            if (choice.finish_reason) finishReason = choice.finish_reason;
            const piece = choice.delta?.content;
            if (piece) {
              content += piece;
              onChunk(++chunks, content.length);
            }
          }
        }
      }
    }
    // A server that sends no usage: the chunks stand for the completion's tokens.
    return { content, finishReason, usage: usage ?? { promptTokens: 0, completionTokens: chunks } };
  }

  return {
    model: options.model,
    async complete<T>(request: CompleteRequest<T>): Promise<CompleteResult<T>> {
      const started = performance.now();
      const schemaName = request.schemaName ?? 'result';
      const agent = request.agent ?? options.agent ?? 'default';
      const { schema: jsonSchema, strict } = toResponseSchema(request.schema);
      const base = {
        model: options.model,
        ...(request.maxTokens !== undefined ? { max_tokens: request.maxTokens } : {}),
        ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
        ...(request.seed !== undefined ? { seed: request.seed } : {}),
        response_format: { type: 'json_schema', json_schema: { name: schemaName, schema: jsonSchema, strict } },
      };
      const usage: LlmUsage = { promptTokens: 0, completionTokens: 0 };
      const finish = (outcome: LlmCallRecord['outcome']) => {
        const latencyMs = Math.round(performance.now() - started);
        const costUsd = (usage.promptTokens / 1000) * price.promptPer1k + (usage.completionTokens / 1000) * price.completionPer1k;
        options.metrics?.record({ agent, model: options.model, outcome, promptTokens: usage.promptTokens, completionTokens: usage.completionTokens, latencyMs, costUsd });
        return { latencyMs, costUsd };
      };
      let messages = request.messages;
      try {
        for (let attempt = 1; ; attempt++) {
          const { onProgress } = request;
          const onChunk = onProgress && ((chunks: number, characters: number) => onProgress({ chunks, characters, attempt }));
          const answer = await call({ ...base, messages }, request.signal, onChunk);
          usage.promptTokens += answer.usage.promptTokens;
          usage.completionTokens += answer.usage.completionTokens;
          const checked = check(request.schema, answer.content, answer.finishReason);
          if (checked.ok) {
            const { latencyMs, costUsd } = finish(attempt === 1 ? 'ok' : 'repaired');
            return { value: checked.value, usage: { ...usage }, latencyMs, costUsd, attempts: attempt, model: options.model };
          }
          if (attempt === 2) {
            finish('invalid_output');
            throw new LlmOutputError(
              `the LLM's answer does not match the schema "${schemaName}" after a repair retry: ${checked.issues.join('; ')}`,
              schemaName,
              checked.issues,
              answer.content,
            );
          }
          messages = [
            ...request.messages,
            { role: 'assistant', content: answer.content },
            {
              role: 'user',
              content:
                `Your answer is not valid against the JSON schema "${schemaName}":\n${checked.issues.map((i) => `- ${i}`).join('\n')}\n` +
                `Reply with only the corrected JSON, nothing else. The schema:\n${JSON.stringify(jsonSchema)}`,
            },
          ];
        }
      } catch (err) {
        if (!(err instanceof LlmOutputError)) finish('error');
        throw err;
      }
    },
  };
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof Error ? `${err.message} (${cause.message})` : err.message;
}

/** The adapter configured from `LLM_BASE_URL`, `LLM_MODEL`, `LLM_API_KEY` and friends. */
export const llmEnv = z.object({
  /** The embedded server (apps/llm-server) by default. */
  LLM_BASE_URL: z.url().default('http://127.0.0.1:50081/v1'),
  LLM_MODEL: z.string().min(1).default('smollm2-135m-instruct'),
  LLM_API_KEY: z.string().min(1).optional(),
  LLM_TIMEOUT_MS: z.coerce.number().int().positive().default(120_000),
  LLM_PRICE_PROMPT_PER_1K: z.coerce.number().min(0).default(0),
  LLM_PRICE_COMPLETION_PER_1K: z.coerce.number().min(0).default(0),
});

export function chatClientFromEnv(env: NodeJS.ProcessEnv = process.env, extra: Pick<ChatClientOptions, 'metrics' | 'agent' | 'fetch'> = {}): ChatClient {
  const present = Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith('LLM_') && v !== undefined && v !== ''));
  const config = llmEnv.parse(present);
  return createChatClient({
    baseUrl: config.LLM_BASE_URL,
    model: config.LLM_MODEL,
    apiKey: config.LLM_API_KEY,
    timeoutMs: config.LLM_TIMEOUT_MS,
    price: { promptPer1k: config.LLM_PRICE_PROMPT_PER_1K, completionPer1k: config.LLM_PRICE_COMPLETION_PER_1K },
    ...extra,
  });
}
