import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The model file when LLM_MODEL_PATH is not set: the repository's tool resolver
 * (tools/infra/src/llm-model.ts, which fetches SmolLM2-135M-Instruct into the tools cache once)
 * run as its own process, since an app does not import the tooling. Its progress goes to our
 * stderr; the path comes back on its stdout.
 */
export function resolveModelPath(fromEnv: string | undefined): string {
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`LLM_MODEL_PATH=${fromEnv} does not exist`);
    return fromEnv;
  }
  let root = __dirname;
  while (!existsSync(path.join(root, 'nx.json'))) {
    const parent = path.dirname(root);
    if (parent === root) throw new Error('LLM_MODEL_PATH is not set and this is not a Fleet checkout to resolve the model from');
    root = parent;
  }
  const resolver = path.join(root, 'tools', 'infra', 'src', 'llm-model.ts');
  const out = spawnSync(process.execPath, ['--import', 'tsx', resolver], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const modelPath = out.stdout?.trim().split('\n').pop();
  if (out.status !== 0 || !modelPath) throw new Error(`could not resolve the LLM model with ${path.relative(root, resolver)} (exit ${out.status}); set LLM_MODEL_PATH to a GGUF file`);
  return modelPath;
}
