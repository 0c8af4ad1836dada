import type { ChatHistoryItem, Llama, LlamaContext, LlamaContextSequence, LlamaGrammar, LlamaModel } from 'node-llama-cpp';
import { fitGbnfSchemaToBudget, toGbnfSchema } from './gbnf-schema';

/**
 * The model, run in this process with node-llama-cpp's prebuilt CPU binaries (never compiled:
 * `build: 'never'`), with a fixed number of context sequences: that many completions run at once,
 * the others wait in a bounded queue and past it are refused (BusyError).
 */

export interface EngineOptions {
  modelPath: string;
  /** CPU threads llama.cpp uses (the machine has 2 cores). */
  threads: number;
  /** Completions generated at once (1-2). */
  sequences: number;
  /** Tokens of context per sequence (prompt and answer). */
  contextSize: number;
  /** Requests that may wait for a free sequence; one more is refused. */
  queueLimit: number;
}

export interface EngineMessage {
  role: 'system' | 'developer' | 'user' | 'assistant';
  content: string;
}

export interface GenerateRequest {
  messages: EngineMessage[];
  maxTokens: number;
  temperature: number;
  seed?: number;
  /**
   * Constrain the answer to this JSON schema (a grammar, fitted to `maxTokens` so the answer is
   * complete JSON within it: see `fitGbnfSchemaToBudget`); `object` to any JSON object.
   */
  json?: { schema: unknown } | 'object';
  signal?: AbortSignal;
  /** Each piece of text as it is generated. */
  onText?: (text: string) => void;
}

export interface GenerateResult {
  text: string;
  promptTokens: number;
  completionTokens: number;
  finishReason: 'stop' | 'length';
  /** Time from the first evaluated token to the last. */
  generationMs: number;
  /** Time spent waiting for a free sequence. */
  queuedMs: number;
}

/** All sequences are busy and the queue is full: come back later. */
export class BusyError extends Error {}
/** The prompt and max_tokens do not fit the context. */
export class ContextLengthError extends Error {}
/** The schema cannot be made into a grammar. */
export class SchemaError extends Error {}

export interface EngineStats {
  completions: number;
  promptTokens: number;
  completionTokens: number;
  generationMs: number;
  refusedBusy: number;
  running: number;
  queued: number;
}

export interface Engine {
  readonly modelPath: string;
  readonly loadMs: number;
  readonly contextSize: number;
  readonly threads: number;
  generate(request: GenerateRequest): Promise<GenerateResult>;
  stats(): EngineStats;
  close(): Promise<void>;
}

/** Integer ranges this small (a score of 0-100) are held by the grammar as the enum of their values. */
const INTEGER_ENUMS_UP_TO = 256;

export async function loadEngine(options: EngineOptions): Promise<Engine> {
  const started = performance.now();
  // node-llama-cpp is an ES module; a dynamic import loads it from this CommonJS app.
  const { getLlama, LlamaChat } = await import('node-llama-cpp');
  const llama: Llama = await getLlama({ gpu: false, build: 'never', maxThreads: options.threads, progressLogs: false });
  const model: LlamaModel = await llama.loadModel({ modelPath: options.modelPath, gpuLayers: 0 });
  const context: LlamaContext = await model.createContext({ contextSize: options.contextSize * options.sequences, sequences: options.sequences, threads: options.threads });
  const loadMs = Math.round(performance.now() - started);
  const perSequence = Math.floor(context.contextSize / options.sequences);

  const free: LlamaContextSequence[] = Array.from({ length: options.sequences }, () => context.getSequence());
  const waiting: ((sequence: LlamaContextSequence) => void)[] = [];
  const grammars = new Map<string, Promise<LlamaGrammar>>();
  const totals: EngineStats = { completions: 0, promptTokens: 0, completionTokens: 0, generationMs: 0, refusedBusy: 0, running: 0, queued: 0 };

  const acquire = (signal?: AbortSignal): Promise<LlamaContextSequence> => {
    const sequence = free.pop();
    if (sequence) return Promise.resolve(sequence);
    if (waiting.length >= options.queueLimit) {
      totals.refusedBusy++;
      return Promise.reject(new BusyError(`all ${options.sequences} sequences are busy and ${waiting.length} requests wait`));
    }
    return new Promise((resolve, reject) => {
      const take = (s: LlamaContextSequence) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(s);
      };
      const onAbort = () => {
        const i = waiting.indexOf(take);
        if (i >= 0) waiting.splice(i, 1);
        reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      waiting.push(take);
    });
  };
  const release = (sequence: LlamaContextSequence) => {
    const next = waiting.shift();
    if (next) next(sequence);
    else free.push(sequence);
  };

  const countTokens = (text: string) => model.tokenize(text).length;
  const grammarFor = (json: GenerateRequest['json'], maxTokens: number): Promise<LlamaGrammar> | undefined => {
    if (json === undefined) return undefined;
    const key = json === 'object' ? 'object' : `${maxTokens}:${JSON.stringify(json.schema)}`;
    let grammar = grammars.get(key);
    if (!grammar) {
      grammar =
        json === 'object'
          ? llama.getGrammarFor('json')
          : (async () => {
              let converted: Record<string, unknown>;
              try {
                converted = fitGbnfSchemaToBudget(toGbnfSchema(json.schema, { integerEnumsUpTo: INTEGER_ENUMS_UP_TO }), maxTokens, countTokens);
              } catch (err) {
                throw new SchemaError(err instanceof Error ? err.message : String(err));
              }
              return llama.createGrammarForJsonSchema(converted as never).catch((err: unknown) => {
                throw new SchemaError(`the schema cannot be made into a grammar: ${err instanceof Error ? err.message : String(err)}`);
              });
            })();
      grammar.catch(() => grammars.delete(key));
      if (grammars.size >= 64) grammars.delete(grammars.keys().next().value as string);
      grammars.set(key, grammar);
    }
    return grammar;
  };

  const history = (messages: EngineMessage[]): ChatHistoryItem[] => [
    ...messages.map((m): ChatHistoryItem => (m.role === 'assistant' ? { type: 'model', response: [m.content] } : m.role === 'user' ? { type: 'user', text: m.content } : { type: 'system', text: m.content })),
    { type: 'model', response: [] },
  ];

  return {
    modelPath: options.modelPath,
    loadMs,
    contextSize: perSequence,
    threads: options.threads,
    async generate(request) {
      const grammar = await grammarFor(request.json, request.maxTokens);
      const queuedAt = performance.now();
      totals.queued++;
      let sequence: LlamaContextSequence;
      try {
        sequence = await acquire(request.signal);
      } finally {
        totals.queued--;
      }
      const queuedMs = Math.round(performance.now() - queuedAt);
      totals.running++;
      const chat = new LlamaChat({ contextSequence: sequence, autoDisposeSequence: false });
      try {
        const chatHistory = history(request.messages);
        const promptTokens = chat.chatWrapper.generateContextState({ chatHistory }).contextText.tokenize(model.tokenizer).length;
        if (promptTokens + request.maxTokens > perSequence) {
          throw new ContextLengthError(`the prompt (${promptTokens} tokens) and max_tokens (${request.maxTokens}) exceed the context of ${perSequence} tokens`);
        }
        let completionTokens = 0;
        let firstTokenAt: number | undefined;
        const response = await chat.generateResponse(chatHistory, {
          maxTokens: request.maxTokens,
          temperature: request.temperature,
          seed: request.seed,
          grammar,
          signal: request.signal,
          onToken: (tokens) => {
            firstTokenAt ??= performance.now();
            completionTokens += tokens.length;
          },
          onTextChunk: request.onText,
        });
        const generationMs = firstTokenAt === undefined ? 0 : Math.round(performance.now() - firstTokenAt);
        totals.completions++;
        totals.promptTokens += promptTokens;
        totals.completionTokens += completionTokens;
        totals.generationMs += generationMs;
        return {
          text: response.response,
          promptTokens,
          completionTokens,
          finishReason: response.metadata.stopReason === 'maxTokens' ? 'length' : 'stop',
          generationMs,
          queuedMs,
        };
      } finally {
        chat.dispose({ disposeSequence: false });
        totals.running--;
        release(sequence);
      }
    },
    stats: () => ({ ...totals }),
    async close() {
      await context.dispose();
      await model.dispose();
      await llama.dispose();
    },
  };
}
