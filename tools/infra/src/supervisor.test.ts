import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnManaged } from './managed-process';
import { isAlive } from './pids';
import { Supervisor, type RestartEvent } from './supervisor';
import { waitFor } from './testing/wait';

// A child that notes each start (time and pid) in a file, then crashes after `crashAfterMs`
// (exit code 3), exits cleanly (`exit0`), or runs until signalled (`run`).
const CHILD = `
const fs = require('node:fs');
const [file, mode, ms] = process.argv.slice(2);
fs.appendFileSync(file, Date.now() + ' ' + process.pid + '\\n');
if (mode === 'crash') setTimeout(() => process.exit(3), Number(ms));
else if (mode === 'exit0') setTimeout(() => process.exit(0), Number(ms));
else setInterval(() => undefined, 1000);
`;

let dir: string;
let script: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'fleet-supervisor-'));
  script = path.join(dir, 'child.js');
  writeFileSync(script, CHILD);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const starts = (file: string) =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [at, pid] = line.split(' ');
      return { at: Number(at), pid: Number(pid) };
    });

function child(name: string, mode: 'crash' | 'exit0' | 'run', ms = 0) {
  const file = path.join(dir, `${name}.starts`);
  writeFileSync(file, '');
  return {
    file,
    spec: {
      name,
      logFile: path.join(dir, `${name}.log`),
      start: () => spawnManaged({ name, command: process.execPath, args: [script, file, mode, String(ms)], logFile: path.join(dir, `${name}.log`) }),
    },
  };
}

function supervisor(options: { stableAfterMs?: number } = {}) {
  const lines: string[] = [];
  const events: RestartEvent[] = [];
  const sup = new Supervisor({ initialBackoffMs: 100, maxBackoffMs: 400, stableAfterMs: options.stableAfterMs ?? 60_000, stopGraceMs: 5000, log: (l) => lines.push(l) });
  sup.onRestart((e) => events.push(e));
  return { sup, lines, events };
}

it('restarts a crashing process with a backoff that doubles up to its maximum, says so, and stop() ends it for good', async () => {
  const { sup, lines, events } = supervisor();
  const crasher = child('crasher', 'crash', 30);
  sup.add(crasher.spec);
  await waitFor('five restarts', () => events.length >= 5, 15_000);
  expect(events.slice(0, 5).map((e) => e.delayMs)).toEqual([100, 200, 400, 400, 400]);
  expect(events.slice(0, 5).map((e) => e.restart)).toEqual([1, 2, 3, 4, 5]);
  expect(events[0]!.status).toEqual({ code: 3, signal: null });
  expect(lines[0]).toBe(`crasher exited with code 3; restarting in 0.1 s (restart #1); see ${crasher.spec.logFile}`);
  expect(lines[2]).toBe(`crasher exited with code 3; restarting in 0.4 s (restart #3); see ${crasher.spec.logFile}`);
  // Each run started at least its backoff after the one before had crashed (30 ms in).
  const s = starts(crasher.file);
  const gaps = s.slice(1, 5).map((x, i) => x.at - s[i]!.at);
  [100, 200, 400, 400].forEach((delay, i) => expect(gaps[i]).toBeGreaterThanOrEqual(delay + 30));

  await sup.stop();
  const count = starts(crasher.file).length;
  await new Promise((r) => setTimeout(r, 900));
  expect(starts(crasher.file)).toHaveLength(count);
  expect(sup.processes[0]!.current).toBeUndefined();
});

it('restarts a process killed by SIGKILL, leaves the others alone, and stop() stops every one without restarting it', async () => {
  const { sup, lines, events } = supervisor();
  const a = child('a', 'run');
  const b = child('b', 'run');
  const pa = sup.add(a.spec);
  const pb = sup.add(b.spec);
  await waitFor('both started', () => starts(a.file).length === 1 && starts(b.file).length === 1);
  const [firstA] = starts(a.file);
  const firstB = pb.current!.pid!;
  process.kill(firstA!.pid, 'SIGKILL');
  await waitFor('a back', () => starts(a.file).length === 2, 5000);
  expect(events).toEqual([{ name: 'a', status: { code: null, signal: 'SIGKILL' }, delayMs: 100, restart: 1 }]);
  expect(lines).toEqual([`a exited with signal SIGKILL; restarting in 0.1 s (restart #1); see ${a.spec.logFile}`]);
  const secondA = starts(a.file)[1]!.pid;
  expect(secondA).not.toBe(firstA!.pid);
  expect(pa.current?.pid).toBe(secondA);
  expect(pb.current?.pid).toBe(firstB);
  expect(pa.restarts).toBe(1);
  expect(pb.restarts).toBe(0);

  const exits = [pa.current!.exit, pb.current!.exit];
  await sup.stop();
  expect(await Promise.all(exits)).toEqual([
    { code: null, signal: 'SIGTERM' },
    { code: null, signal: 'SIGTERM' },
  ]);
  expect(isAlive(secondA)).toBe(false);
  expect(isAlive(firstB)).toBe(false);
  await new Promise((r) => setTimeout(r, 400));
  expect(events).toHaveLength(1);
  expect(starts(a.file)).toHaveLength(2);
  expect(starts(b.file)).toHaveLength(1);
});

it('goes back to the first delay after a run that lasted, and does not restart a process that finished with code 0', async () => {
  const { sup, lines, events } = supervisor({ stableAfterMs: 250 });
  const slow = child('slow', 'crash', 300);
  const done = child('done', 'exit0', 20);
  sup.add(slow.spec);
  sup.add(done.spec);
  await waitFor('three restarts of slow', () => events.length >= 3, 10_000);
  // Every run lasted longer than stableAfterMs: the delay never grows.
  expect(events.map((e) => e.delayMs)).toEqual(events.map(() => 100));
  expect(events.every((e) => e.name === 'slow')).toBe(true);
  expect(lines).toContain(`done exited with code 0: it finished by itself, so it is not restarted; see ${done.spec.logFile}`);
  expect(starts(done.file)).toHaveLength(1);
  await sup.stop();
});

it('adopts a process already running, restarts it through an asynchronous start, and tries a start that fails again on the backoff', async () => {
  const { sup, lines, events } = supervisor();
  const server = child('server', 'run');
  const first = server.spec.start();
  let attempts = 0;
  const entry = sup.add(
    {
      name: 'server',
      logFile: server.spec.logFile,
      // As a server's start does: resolves once it is up; the first attempt after the crash fails.
      start: async () => {
        attempts++;
        await new Promise((r) => setTimeout(r, 50));
        if (attempts === 1) throw new Error('port 1234 in use');
        return server.spec.start();
      },
    },
    first,
  );
  expect(entry.current).toBe(first);
  await waitFor('the adopted run noted', () => starts(server.file).length === 1);
  process.kill(first.pid, 'SIGKILL');
  await waitFor('a second run', () => starts(server.file).length === 2, 5000);
  await waitFor('it is current', () => entry.current !== undefined && entry.current !== first);
  expect(attempts).toBe(2);
  expect(events.map((e) => [e.restart, e.delayMs])).toEqual([
    [1, 100],
    [2, 200],
  ]);
  expect(lines[1]).toBe(`server could not be started (port 1234 in use); restarting in 0.2 s (restart #2); see ${server.spec.logFile}`);
  const exit = entry.current!.exit;
  await sup.stop();
  expect(await exit).toEqual({ code: null, signal: 'SIGTERM' });
});

it('stops a run whose asynchronous start finishes after stop() was called', async () => {
  const { sup } = supervisor();
  const late = child('late', 'run');
  let run: ReturnType<typeof late.spec.start> | undefined;
  const entry = sup.add({
    name: 'late',
    start: async () => {
      await new Promise((r) => setTimeout(r, 300));
      run = late.spec.start();
      return run;
    },
  });
  expect(entry.current).toBeUndefined();
  await sup.stop();
  expect(run).toBeDefined();
  expect(await run!.exit).toEqual({ code: null, signal: 'SIGTERM' });
  expect(entry.current).toBeUndefined();
});
