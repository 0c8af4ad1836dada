import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { toolsCacheDir } from './paths';

/**
 * The one place the Schemathesis version is pinned: the OpenAPI fuzzer the gateway's tests run
 * against every operation of its document. A Python package (PyPI), installed once into its own
 * virtual environment under the tools cache, as the Temporal CLI is built once.
 */
export const SCHEMATHESIS_VERSION = '4.32.5';

function python3(): string {
  const found = spawnSync('sh', ['-c', 'command -v python3'], { encoding: 'utf8' }).stdout.trim();
  if (!found) throw new Error('Schemathesis needs Python 3 (python3 on PATH) to be installed; set SCHEMATHESIS_PYTHON to a Python with schemathesis instead.');
  return found;
}

/**
 * The Python to run Schemathesis with (`<python> -m schemathesis.cli run ...`): `SCHEMATHESIS_PYTHON`
 * first, else the cached virtual environment of the pinned version, created on first use with
 * `python3 -m venv` and `pip install schemathesis==<version>` (a minute or so). The environment is
 * built beside its final folder and renamed into place, so two first uses at once do not see a
 * half-made one; it is run as `python -m` (not its `st` script, whose first line names the folder
 * it was built in).
 */
export function resolveSchemathesisPython(log: (line: string) => void = console.log): string {
  const fromEnv = process.env.SCHEMATHESIS_PYTHON;
  if (fromEnv) return fromEnv;
  const venv = path.join(toolsCacheDir, `schemathesis-${SCHEMATHESIS_VERSION}`);
  const python = path.join(venv, 'bin', 'python');
  if (existsSync(python)) return python;

  const building = `${venv}.building-${process.pid}`;
  mkdirSync(toolsCacheDir, { recursive: true });
  log(`Installing Schemathesis ${SCHEMATHESIS_VERSION} into ${venv} (once; takes a minute or so)...`);
  try {
    execFileSync(python3(), ['-m', 'venv', building], { stdio: ['ignore', 'inherit', 'inherit'] });
    execFileSync(path.join(building, 'bin', 'python'), ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', `schemathesis==${SCHEMATHESIS_VERSION}`], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    try {
      renameSync(building, venv);
    } catch (err) {
      // Another process put its own in place meanwhile: use that one.
      if (!existsSync(python)) throw err;
      rmSync(building, { recursive: true, force: true });
    }
  } catch (err) {
    rmSync(building, { recursive: true, force: true });
    throw err;
  }
  return python;
}

export interface SchemathesisRun {
  /** Exit code: 0 when every check passed on every operation. */
  status: number;
  output: string;
}

export interface SchemathesisOptions {
  /** The OpenAPI document: a file or a URL. */
  schema: string;
  /** The API's base URL (the document's paths are appended to it). */
  baseUrl: string;
  headers?: Record<string, string>;
  checks: string[];
  /** Test cases per operation and phase. */
  maxExamples: number;
  phases?: string[];
  seed?: number;
  workers?: number;
  requestTimeoutSeconds?: number;
  /** More arguments of `st run`. */
  extraArgs?: string[];
  /** Where it runs (Hypothesis may write a folder there). */
  cwd?: string;
  timeoutMs?: number;
}

/**
 * Runs `st run` (Schemathesis's CLI, the pinned version) and resolves with its exit code and output.
 * Asynchronous, so an API served by the same process (a test's gateway) keeps answering it.
 */
export function runSchemathesis(options: SchemathesisOptions): Promise<SchemathesisRun> {
  const args = [
    '-m',
    'schemathesis.cli',
    'run',
    options.schema,
    '--url',
    options.baseUrl,
    '--checks',
    options.checks.join(','),
    '--max-examples',
    String(options.maxExamples),
    '--workers',
    String(options.workers ?? 1),
    '--request-timeout',
    String(options.requestTimeoutSeconds ?? 15),
    ...(options.phases ? ['--phases', options.phases.join(',')] : []),
    ...(options.seed === undefined ? [] : ['--seed', String(options.seed)]),
    ...Object.entries(options.headers ?? {}).flatMap(([name, value]) => ['-H', `${name}: ${value}`]),
    ...(options.extraArgs ?? []),
  ];
  const timeoutMs = options.timeoutMs ?? 300_000;
  return new Promise((resolve, reject) => {
    const child = spawn(resolveSchemathesisPython(), args, {
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1', COLUMNS: '160' },
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    // Out of time: what it printed so far says where it was.
    const timer = setTimeout(() => {
      output += `\n(stopped after ${timeoutMs} ms)`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ status: code ?? -1, output });
    });
  });
}
