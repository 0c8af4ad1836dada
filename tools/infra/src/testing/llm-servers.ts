/**
 * The LLM servers, for a test file of its own: the deterministic simulator (apps/llm-sim) and the
 * embedded server running the real SmolLM2-135M-Instruct (apps/llm-server), each started as its
 * own process as `npm start` runs it, on a free port of 127.0.0.1, its log under the test run's
 * folder. `baseUrl` is what the adapter (`@fleet/shared-llm`) and LLM_BASE_URL take.
 */
import path from 'node:path';
import { resolveLlmModel, LLM_MODEL_ID } from '../llm-model';
import { appNodeArgs, spawnManaged, type ManagedProcess } from '../managed-process';
import { repoRoot } from '../paths';
import { freePort, waitForPort } from '../ports';
import { testEnv } from './env';

export { resolveLlmModel, LLM_MODEL_ID } from '../llm-model';

/** The simulator's counters (GET /admin/stats). */
export interface LlmSimStats {
  calls: number;
  completions: number;
  streamed: number;
  errors: Record<string, number>;
  invalidJson: number;
  wrongShape: number;
  promptTokens: number;
  completionTokens: number;
  byModel: Record<string, number>;
}

export interface TestLlmServer {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  /** `${url}/v1`: the adapter's baseUrl. */
  baseUrl: string;
  /** The model id to ask for. */
  model: string;
  process: ManagedProcess;
  logFile: string;
  stop(): Promise<void>;
}

export interface TestLlmSim extends TestLlmServer {
  stats(): Promise<LlmSimStats>;
  /** The request bodies the simulator received (the last 200). */
  requests(): Promise<Record<string, unknown>[]>;
  reset(): Promise<void>;
}

async function startApp(app: 'llm-sim' | 'llm-server', name: string, env: Record<string, string>, portVariable: string, readyMs: number) {
  const port = await freePort();
  const dir = path.join(testEnv('dir'), `${app}-${name}-${process.pid}`);
  const logFile = path.join(dir, `${app}.log`);
  const child = spawnManaged({
    name: app,
    command: process.execPath,
    args: [...appNodeArgs(), path.join(repoRoot, 'apps', app, 'src', 'main.ts')],
    cwd: repoRoot,
    env: { ...process.env, ...env, [portVariable]: String(port), LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
    logFile,
  });
  const exited = child.exited.then(() => {
    throw new Error(`${app} exited before it listened; see ${logFile}`);
  });
  try {
    await Promise.race([waitForPort(port, readyMs), exited]);
  } catch (err) {
    await child.stop();
    throw new Error(`${app} did not listen on ${port}; see ${logFile}`, { cause: err });
  }
  exited.catch(() => undefined);
  const url = `http://127.0.0.1:${port}`;
  return { url, baseUrl: `${url}/v1`, process: child, logFile, stop: () => child.stop() };
}

/** apps/llm-sim on a free port; `apiKey` makes it require that bearer token. */
export async function startTestLlmSim(name: string, options: { apiKey?: string; model?: string } = {}): Promise<TestLlmSim> {
  const model = options.model ?? 'fleet-sim';
  const started = await startApp('llm-sim', name, { LLM_SIM_MODELS: model, ...(options.apiKey ? { LLM_SIM_API_KEY: options.apiKey } : {}) }, 'LLM_SIM_PORT', 60_000);
  const admin = async (method: string, route: string) => {
    const res = await fetch(`${started.url}${route}`, { method });
    if (!res.ok) throw new Error(`llm-sim ${method} ${route}: ${res.status}`);
    return res.status === 204 ? undefined : ((await res.json()) as unknown);
  };
  return {
    ...started,
    model,
    stats: async () => (await admin('GET', '/admin/stats')) as LlmSimStats,
    requests: async () => (await admin('GET', '/admin/requests')) as Record<string, unknown>[],
    reset: async () => void (await admin('POST', '/admin/reset')),
  };
}

/**
 * apps/llm-server on the real model (fetched into the tools cache first, once), 2 threads and one
 * sequence unless told. Loading the model takes seconds (more on a busy machine). On a machine
 * whose cores are all taken by other processes, llama.cpp's threads wait on each other: 1 thread
 * then generates much faster than 2 (measured here under a load of 15: 15 against 0.5 tokens/s).
 */
export async function startTestLlmServer(
  name: string,
  options: { apiKey?: string; sequences?: 1 | 2; threads?: 1 | 2; env?: Record<string, string> } = {},
): Promise<TestLlmServer & { modelPath: string }> {
  const modelPath = resolveLlmModel();
  const started = await startApp(
    'llm-server',
    name,
    {
      LLM_MODEL_PATH: modelPath,
      LLM_SERVER_THREADS: String(options.threads ?? 2),
      LLM_SERVER_SEQUENCES: String(options.sequences ?? 1),
      ...(options.apiKey ? { LLM_API_KEY: options.apiKey } : {}),
      ...options.env,
    },
    'LLM_SERVER_PORT',
    180_000,
  );
  return { ...started, model: LLM_MODEL_ID, modelPath };
}
