/**
 * Schedules as code, reconciled as a worker reconciles them at its start (libs/shared/worker:
 * its workflows.yaml read and checked with its manifest, a client, its project's advisory lock on
 * its PostgreSQL database, the reconcile): 1,000 schedules cold, again with nothing changed, then
 * with 10% changed, and a pass describing each. Side by side, the strategy of the Go orchestrator
 * this replaces (it compares cron strings Temporal never returns, so every pass rewrites every
 * schedule). Then the gateway's schedules API (from Temporal alone) under load from a second process.
 *
 *   npm run bench:schedules -- --schedules 1000
 *   npm run bench:schedules -- --api-only   (the cold pass, then the API only: its figures go
 *                                            into bench/results/schedules.json as apiOnlyRun, the
 *                                            full run's figures kept)
 */
import { licenseDomain } from '@fleet/license-contracts';
import { createDatabaseIfMissing, createDb, databaseUrl } from '@fleet/shared-db';
import { createLogger } from '@fleet/shared-observability';
import { compileSchedule, declarationHash, declarationInNote, scheduleIdOf, type ReconcileResult, type ScheduleDeclaration } from '@fleet/shared-schedules';
import { loadWorkerConfig, loadWorkerDeclarations, startWorkerSchedules, type ScheduleManifest } from '@fleet/shared-worker';
import { appNodeArgs, fleetDir, freePort, repoRoot, spawnManaged, waitForPort } from '@fleet/tools-infra';
import { Client, Connection } from '@temporalio/client';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { machine, printRows, startBenchInfrastructure, waitForQuiet, writeResult } from './common';

const { values: args } = parseArgs({
  options: {
    schedules: { type: 'string', default: '1000' },
    requests: { type: 'string', default: '500' },
    rounds: { type: 'string', default: '3' },
    'api-only': { type: 'boolean', default: false },
  },
});
const N = Number(args.schedules);
const REQUESTS = Number(args.requests);
/** The API's load is run this many times, on the same gateway; each figure is the median of the rounds' (one round's tail is one stall on two shared cores). */
const ROUNDS = Number(args.rounds);
const TARGETS = { coldSeconds: 5, noChangeSeconds: 1, p99Ms: 50, listP50Ms: 300 };
type ApiFigure = { name: string; n: number; p50: number; p99: number; max: number; errors: number; warmup: number; warmupMax: number; rounds?: number };
const log = (line: string) => console.log(`[bench] ${line}`);
const logger = createLogger('bench-worker', 'warn');

/** The benchmark's worker: the license domain's workflow types, on a task queue nobody polls (the schedules fire into nothing). */
const PROJECT = 'bench-worker';
const manifest: ScheduleManifest = { project: PROJECT, inputSchemas: licenseDomain.inputSchemas, taskQueues: ['bench-nowhere'] };

function yamlFor(count: number, hourOf: (i: number) => number): string {
  const lines = [`project: ${PROJECT}`, 'workflows:'];
  for (let i = 0; i < count; i++) {
    lines.push(`  - { id: job-${i}, type: licenseDeactivationWorkflow, task_queue: bench-nowhere, schedule: { cron: "${i % 60} ${hourOf(i)} * * *", timezone: Asia/Kolkata, input: { dryRun: true } } }`);
  }
  return `${lines.join('\n')}\n`;
}

/** The replaced strategy: nothing to compare with, so every declared schedule is written every pass (and it keeps no memo). */
async function rewriteEverything(client: Client, declarations: ScheduleDeclaration[]): Promise<number> {
  let writes = 0;
  let next = 0;
  const worker = async () => {
    while (next < declarations.length) {
      const desired = { ...compileSchedule(declarations[next++] as ScheduleDeclaration), memo: undefined };
      const handle = client.schedule.getHandle(desired.scheduleId);
      try {
        await handle.describe();
        await handle.update(() => ({ spec: desired.spec, action: desired.action, policies: desired.policies ?? {}, state: { paused: false } }));
      } catch {
        await client.schedule.create(desired);
      }
      writes += 1;
    }
  };
  await Promise.all(Array.from({ length: 10 }, worker));
  return writes;
}

/** Waits until Temporal's listing shows every declared schedule with the declaration Fleet last wrote. */
async function listingShows(client: Client, declarations: ScheduleDeclaration[]): Promise<void> {
  const want = new Map(declarations.map((d) => [scheduleIdOf(d.project, d.workflowId), declarationHash(d)]));
  for (;;) {
    let seen = 0;
    for await (const s of client.schedule.list({ pageSize: 1000 })) if (want.get(s.scheduleId) === declarationInNote(s.state.note)) seen += 1;
    if (seen === want.size) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const started = Date.now();
  const value = await fn();
  return [value, (Date.now() - started) / 1000];
}

/** The API, served by the gateway as its own process (no declaration file, no database: Temporal alone), loaded from a second process. */
async function measureApi(temporalAddress: string, temporalPid: number): Promise<{ api: ApiFigure[]; rounds: ApiFigure[][]; settledS: number[] }> {
  const port = await freePort();
  const gateway = spawnManaged({
    name: 'gateway',
    command: process.execPath,
    args: [...appNodeArgs(), path.join(repoRoot, 'apps/gateway/src/main.ts')],
    cwd: repoRoot,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_NAMESPACE: 'fleet',
      GATEWAY_PORT: String(port),
      GATEWAY_API_KEYS: 'bench=bench-key-123:workflow.schedule:read workflow.schedule:write',
      // The benchmark measures latency, not the limiter: lift it for this client.
      GATEWAY_RATE_LIMIT_PER_MINUTE: '1000000',
      LOG_LEVEL: 'warn',
    },
    logFile: path.join(fleetDir, 'bench', 'schedules', 'gateway.log'),
  });
  const rounds: ApiFigure[][] = [];
  const settledS: number[] = [];
  try {
    await waitForPort(port, 60_000);
    for (let i = 0; i < 600; i++) {
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    for (let round = 0; round < ROUNDS; round++) {
      // Measured once Temporal has finished what came before (each new schedule's first tasks, the last round's writes).
      settledS.push(await waitForQuiet(temporalPid));
      const out = execFileSync(process.execPath, [...appNodeArgs(), path.join(repoRoot, 'bench/src/schedules-load.ts'), `http://127.0.0.1:${port}`, 'bench-key-123', String(REQUESTS), '4', 'job-7'], {
        cwd: repoRoot,
        encoding: 'utf8',
      });
      rounds.push(JSON.parse(out) as ApiFigure[]);
    }
  } finally {
    await gateway.stop();
  }
  const mid = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)] ?? NaN;
  const api = (rounds[0] ?? []).map((first) => {
    const same = rounds.map((r) => r.find((a) => a.name === first.name) as ApiFigure);
    return { ...first, p50: mid(same.map((a) => a.p50)), p99: mid(same.map((a) => a.p99)), max: Math.max(...same.map((a) => a.max)), errors: same.reduce((n, a) => n + a.errors, 0), rounds: same.length };
  });
  return { api, rounds, settledS };
}

function logApi(api: ApiFigure[], rounds: ApiFigure[][], settledS: number[]): void {
  log(`Temporal quiet ${settledS.join(' / ')} s before each round`);
  for (const a of api) {
    const each = rounds.map((r) => r.find((x) => x.name === a.name)?.p99).join(' / ');
    log(`API ${a.name}: p50 ${a.p50} ms, p99 ${a.p99} ms (median of ${rounds.length} rounds; p99 of each: ${each}) over ${a.n} requests a round (${a.errors} errors)`);
  }
}

async function main(): Promise<void> {
  // Other work on the machine moves every figure here (two cores): the load average goes in the result.
  const loadBefore = loadavg().map((l) => Number(l.toFixed(2)));
  const infra = await startBenchInfrastructure('schedules');
  const connection = await Connection.connect({ address: infra.temporal.address });
  for (const namespace of ['fleet', 'baseline']) {
    await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: { seconds: 86400 } as never });
  }
  const fleet = new Client({ connection, namespace: 'fleet' });
  const baseline = new Client({ connection, namespace: 'baseline' });
  await createDatabaseIfMissing(infra.postgres.url, 'bench_worker');
  const workerDatabase = databaseUrl(infra.postgres.url, 'bench_worker');
  const db = createDb(workerDatabase);
  // The worker's declaration file: one path, as a deployed worker has (the file is part of the declaration).
  const file = path.join(fleetDir, 'bench', 'schedules', 'workflows.yaml');
  try {
    /**
     * A worker's start, in its two parts, each timed: its file read and checked with its manifest
     * (once per start: periodic passes do not read it again), then the pass, as startDomainWorker
     * runs it: a client connected, the project's advisory lock taken on its database, the
     * reconcile (a reload). The targets are the pass's.
     */
    const checks: number[] = [];
    const workerStart = async (verify: 'listing' | 'describe' = 'listing'): Promise<[ReconcileResult, number]> => {
      const [declared, checkS] = await timed(async () => loadWorkerDeclarations(file, manifest));
      checks.push(checkS);
      return timed(async () => {
        const config = loadWorkerConfig({}, { TEMPORAL_ADDRESS: infra.temporal.address, TEMPORAL_NAMESPACE: 'fleet', DATABASE_URL: workerDatabase, SCHEDULE_RECONCILE_INTERVAL_MS: '0', SCHEDULE_VERIFY: verify });
        const schedules = await startWorkerSchedules({ declared, project: PROJECT, config, db, logger });
        await schedules.close();
        if (schedules.state !== 'ready' || !schedules.lastResult) throw new Error(`the pass did not complete: ${schedules.lastError ?? 'skipped'}`);
        return schedules.lastResult;
      });
    };
    const calls = (r: ReconcileResult) =>
      Object.entries(r.calls)
        .filter(([, n]) => n > 0)
        .map(([k, n]) => `${n} ${k}`)
        .join(', ');

    writeFileSync(file, yamlFor(N, () => 2));
    const v1 = loadWorkerDeclarations(file, manifest).declarations;
    // Temporal goes on working after a pass's calls returned (each new schedule's workflow runs its
    // first task; its listing entry follows): a pass started right then pays for what the listing
    // has not caught up with yet (a describe, or a create attempt that finds the schedule, each
    // waiting on that backlog). Both are measured: right after the pass before, and once the
    // listing shows what it wrote, as a worker restarted a little later (or a periodic pass) finds it.
    const [cold, coldS] = await workerStart();
    log(`file of ${N} schedules read and checked at start: ${checks[0]?.toFixed(2)} s (the first in this process: modules and JIT cold)`);
    log(`cold: ${N} schedules in ${coldS.toFixed(2)} s (reconcile ${cold.durationMs} ms), ${cold.writes} writes, ${cold.outcomes.filter((o) => o.status === 'failed').length} failed (${calls(cold)})`);
    const [rightAfter, rightAfterS] = await workerStart();
    log(`no change, right after the cold pass: ${rightAfterS.toFixed(2)} s, ${rightAfter.writes} writes (${calls(rightAfter)})`);
    const [, coldSettledS] = await timed(() => listingShows(fleet, v1));
    log(`the listing shows all ${N} as written ${coldSettledS.toFixed(2)} s later`);
    if (args['api-only']) {
      const { api, rounds, settledS } = await measureApi(infra.temporal.address, infra.temporal.process.pid);
      logApi(api, rounds, settledS);
      const at = (name: string) => api.find((a) => a.name === name);
      const file = path.join(repoRoot, 'bench', 'results', 'schedules.json');
      const previous = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as object) : {};
      const apiOnlyRun = {
        at: new Date().toISOString(),
        command: 'npm run bench:schedules -- --api-only',
        machine: { ...machine(), loadAverageBefore: loadBefore, loadAverageAfter: loadavg().map((l) => Number(l.toFixed(2))) },
        schedules: N,
        temporalQuietAfterSeconds: settledS,
        api,
        apiRounds: rounds,
        targets: {
          listOneAtATimeP50Ms: { target: TARGETS.listP50Ms, measured: at('list all, one at a time')?.p50, pass: (at('list all, one at a time')?.p50 ?? Infinity) < TARGETS.listP50Ms },
          singleReadP99Ms: { target: TARGETS.p99Ms, measured: at('get one')?.p99, pass: (at('get one')?.p99 ?? Infinity) < TARGETS.p99Ms },
          singleUpdateP99Ms: { target: TARGETS.p99Ms, measured: at('update one')?.p99, pass: (at('update one')?.p99 ?? Infinity) < TARGETS.p99Ms },
        },
      };
      console.log(`\nwritten to ${writeResult('schedules.json', { ...previous, apiOnlyRun })}`);
      return;
    }
    const [same, sameS] = await workerStart();
    log(`no change: ${sameS.toFixed(2)} s (reconcile ${same.durationMs} ms), ${same.writes} writes (${calls(same)})`);

    writeFileSync(file, yamlFor(N, (i) => (i % 10 === 0 ? 3 : 2)));
    const v2 = loadWorkerDeclarations(file, manifest).declarations;
    const [changed, changedS] = await workerStart();
    log(`10% changed (replaced: the memo holds the declaration): ${changedS.toFixed(2)} s, ${changed.writes} writes (${calls(changed)})`);
    await listingShows(fleet, v2);
    // SCHEDULE_VERIFY=describe, as the periodic reconcile does every 12th pass: every schedule described.
    const [deep, deepS] = await workerStart('describe');
    log(`no change, describing each: ${deepS.toFixed(2)} s, ${deep.writes} writes (${calls(deep)})`);

    const [, baseColdS] = await timed(() => rewriteEverything(baseline, v1));
    const [baseSameWrites, baseSameS] = await timed(() => rewriteEverything(baseline, v1));
    log(`baseline: cold ${baseColdS.toFixed(2)} s; no change ${baseSameS.toFixed(2)} s with ${baseSameWrites} writes`);

    // What the declarations in the memos cost a listing, side by side with the same schedules
    // without memos (the baseline's), alternately, so that the machine's load weighs on both alike.
    const listOnce = (client: Client) =>
      timed(async () => {
        let n = 0;
        for await (const _ of client.schedule.list({ pageSize: 1000 })) n += 1;
        return n;
      });
    const listings = { withMemo: [] as number[], withoutMemo: [] as number[] };
    for (let i = 0; i < 5; i++) {
      listings.withMemo.push((await listOnce(fleet))[1]);
      listings.withoutMemo.push((await listOnce(baseline))[1]);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
    const memoListingRatio = Number((median(listings.withMemo) / median(listings.withoutMemo)).toFixed(2));
    log(`one listing of ${N}, median of 5: ${median(listings.withMemo).toFixed(2)} s with the declarations in the memos, ${median(listings.withoutMemo).toFixed(2)} s without memos (${memoListingRatio}x)`);

    const { api, rounds, settledS } = await measureApi(infra.temporal.address, infra.temporal.process.pid);
    logApi(api, rounds, settledS);

    const get = api.find((a) => a.name === 'get one');
    const put = api.find((a) => a.name === 'update one');
    const list = api.find((a) => a.name === 'list all');
    const listOne = api.find((a) => a.name === 'list all, one at a time');
    const result = {
      benchmark: 'schedules',
      at: new Date().toISOString(),
      machine: { ...machine(), loadAverageBefore: loadBefore, loadAverageAfter: loadavg().map((l) => Number(l.toFixed(2))) },
      schedules: N,
      measured: "a worker's start pass as startDomainWorker runs it: a client connected, its project's advisory lock on its database, the reconcile; the file check before it is timed apart (fileCheckSeconds)",
      fleet: {
        fileCheckSeconds: checks,
        coldSeconds: coldS,
        coldReconcileMs: cold.durationMs,
        coldWrites: cold.writes,
        coldCalls: cold.calls,
        coldListedAfterSeconds: coldSettledS,
        noChangeRightAfterColdSeconds: rightAfterS,
        noChangeRightAfterColdWrites: rightAfter.writes,
        noChangeRightAfterColdCalls: rightAfter.calls,
        noChangeSeconds: sameS,
        noChangeReconcileMs: same.durationMs,
        noChangeWrites: same.writes,
        noChangeCalls: same.calls,
        tenPercentSeconds: changedS,
        tenPercentWrites: changed.writes,
        tenPercentCalls: changed.calls,
        noChangeDescribingEachSeconds: deepS,
        noChangeDescribingEachWrites: deep.writes,
        noChangeDescribingEachCalls: deep.calls,
      },
      baseline: { coldSeconds: baseColdS, noChangeSeconds: baseSameS, noChangeWrites: baseSameWrites },
      ratio: { noChangeSpeedup: Number((baseSameS / sameS).toFixed(1)), listingWithMemoOverWithout: memoListingRatio },
      listingSeconds: listings,
      temporalQuietAfterSeconds: settledS,
      api,
      apiRounds: rounds,
      targets: {
        coldUnderSeconds: { target: TARGETS.coldSeconds, measured: coldS, pass: coldS < TARGETS.coldSeconds },
        noChangeUnderSeconds: { target: TARGETS.noChangeSeconds, measured: sameS, writes: same.writes, pass: sameS < TARGETS.noChangeSeconds && same.writes === 0 },
        noChangeRightAfterColdWrites: { target: 0, measured: rightAfter.writes, seconds: rightAfterS, pass: rightAfter.writes === 0 },
        singleReadP99Ms: { target: TARGETS.p99Ms, measured: get?.p99, pass: (get?.p99 ?? Infinity) < TARGETS.p99Ms },
        listOneAtATimeP50Ms: { target: TARGETS.listP50Ms, measured: listOne?.p50, pass: (listOne?.p50 ?? Infinity) < TARGETS.listP50Ms },
        singleUpdateP99Ms: { target: TARGETS.p99Ms, measured: put?.p99, pass: (put?.p99 ?? Infinity) < TARGETS.p99Ms },
      },
    };
    const written = writeResult('schedules.json', result);
    printRows([
      [`file of ${N} checked at start`, `${checks[0]?.toFixed(2)} s (then ${Math.min(...checks.slice(1)).toFixed(2)} s)`, ''],
      [`cold start pass, ${N}`, `${coldS.toFixed(2)} s (${cold.writes} writes)`, `< ${TARGETS.coldSeconds} s`],
      ['no-change start pass', `${sameS.toFixed(2)} s, ${same.writes} writes`, `< ${TARGETS.noChangeSeconds} s, 0 writes`],
      ['no-change, right after cold', `${rightAfterS.toFixed(2)} s, ${rightAfter.writes} writes`, '0 writes'],
      ['10% changed (replaced)', `${changedS.toFixed(2)} s, ${changed.writes} writes`, ''],
      ['no change, describe each', `${deepS.toFixed(2)} s, ${deep.writes} writes`, ''],
      ['rewrite-everything no-change', `${baseSameS.toFixed(2)} s, ${baseSameWrites} writes`, `(${(baseSameS / sameS).toFixed(1)}x slower)`],
      [`one listing of ${N}, memos / none`, `${median(listings.withMemo).toFixed(2)} / ${median(listings.withoutMemo).toFixed(2)} s`, `(${memoListingRatio}x)`],
      ['API get one p50/p99', `${get?.p50} / ${get?.p99} ms`, `p99 < ${TARGETS.p99Ms} ms`],
      ['API update one p50/p99', `${put?.p50} / ${put?.p99} ms`, `p99 < ${TARGETS.p99Ms} ms`],
      [`API list of ${N}, 1 at a time p50/p99`, `${listOne?.p50} / ${listOne?.p99} ms`, `p50 < ${TARGETS.listP50Ms} ms`],
      [`API list of ${N}, 4 at a time p50/p99`, `${list?.p50} / ${list?.p99} ms`, ''],
    ]);
    console.log(`\nwritten to ${written}`);
  } finally {
    await db.destroy();
    await connection.close();
    await infra.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
