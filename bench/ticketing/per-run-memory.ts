/**
 * What one cached ticket workflow run costs the worker: V8 heap per cached run and the time to
 * create a run (the SDK's createWorkflow: a fresh module cache, every non-preloaded module of the
 * bundle evaluated, the workflow function looked up) and to run its first activation.
 *
 * N tickets (500 by default) on the real Temporal dev server, one in-process worker with every run
 * kept cached (maxCachedWorkflows > N) and the SDK's reusable V8 context in this thread (debugMode,
 * so the heap measured is this process's), activities stubbed (no database: the workflow's own
 * cost only). Each ticket follows a 24/7 rule with its three clocks running and nothing due for
 * days, so after its first task it waits on one durable timer, as an open ticket does.
 *
 * Then Updates on cached runs (one at a time by default) and one refused by its validator.
 *
 *   npx tsx bench/ticketing/per-run-memory.ts                    (bundles the workflows from source)
 *   npx tsx bench/ticketing/per-run-memory.ts --tickets 500 --bundle apps/ticketing-worker/dist/workflow-bundle.js
 */
import { buildWorkflowBundle } from '@fleet/shared-temporal';
import { ticketingConfigSchema, ticketAddArticleUpdate, type CreateTicketInput, type ResolvedPolicy, type TicketingActivities } from '@fleet/ticketing-contracts';
import { fleetDir, freePort, startTemporalDevServer } from '@fleet/tools-infra';
import { Client, Connection, WorkflowUpdateFailedError } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const { values: args } = parseArgs({
  options: {
    tickets: { type: 'string', default: '500' },
    bundle: { type: 'string' },
    updates: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '16' },
    // One Update at a time by default: the latency of an Update, not of a queue of them.
    'update-concurrency': { type: 'string', default: '1' },
  },
});
const N = Number(args.tickets);
const UPDATES = Math.min(N, Number(args.updates));
const CONCURRENCY = Number(args.concurrency);
const UPDATE_CONCURRENCY = Number(args['update-concurrency']);
const DIR = path.join(fleetDir, 'bench', 'ticketing-per-run');
const TASK_QUEUE = 'ticketing-per-run';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapUsedMb = () => {
  for (let i = 0; i < 4; i++) gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};
const log = (line: string) => console.log(`[per-run ${new Date().toISOString().slice(11, 19)}] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
const stats = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 100) / 100;
  return { n: s.length, mean: r(s.reduce((a, b) => a + b, 0) / (s.length || 1)), p50: r(percentile(s, 50)), p99: r(percentile(s, 99)), max: r(s[s.length - 1] ?? NaN) };
};

// ---- timing the SDK's run creation (module evaluation) and each run's first activation ----
const reusable = require('@temporalio/worker/lib/workflow/reusable-vm') as { ReusableVMWorkflowCreator: { prototype: { createWorkflow: (...a: unknown[]) => Promise<unknown> } } };
const shared = require('@temporalio/worker/lib/workflow/vm-shared') as { BaseVMWorkflow: { prototype: { activate: (...a: unknown[]) => Promise<unknown> } } };
const createMs: number[] = [];
const firstActivationMs: number[] = [];
const activated = new WeakSet<object>();
const createWorkflow = reusable.ReusableVMWorkflowCreator.prototype.createWorkflow;
reusable.ReusableVMWorkflowCreator.prototype.createWorkflow = function (this: unknown, ...a: unknown[]) {
  const t = performance.now();
  const result = createWorkflow.apply(this, a); // initRuntime (and the module evaluation) runs synchronously in here
  createMs.push(performance.now() - t);
  return result;
};
const activate = shared.BaseVMWorkflow.prototype.activate;
shared.BaseVMWorkflow.prototype.activate = function (this: object, ...a: unknown[]) {
  if (activated.has(this)) return activate.apply(this, a);
  activated.add(this);
  const t = performance.now();
  const result = activate.apply(this, a); // synchronous up to the activation's completion
  firstActivationMs.push(performance.now() - t);
  return result;
};

// ---- stubbed activities: a 24/7 rule, three clocks, nothing due for days ----
const always = { timeZone: 'UTC', week: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [{ start: '00:00', end: '24:00' }]])) };
const config = ticketingConfigSchema.parse({
  calendars: { always },
  rules: [{ id: 'idle', calendar: 'always', targets: { firstResponse: 100_000, nextUpdate: 100_000, solution: 100_000 }, warnings: { percent: [50, 75], leadMinutes: [60] } }],
  agents: {},
});
const [idle] = config.rules;
const idleCalendar = config.calendars['always'];
if (!idle || !idleCalendar) throw new Error('the rule and its calendar were not parsed');
const { calendar: calendarName, ...rule } = idle;
const policy: ResolvedPolicy = { version: 1, rule: { ...rule, calendarName, calendar: idleCalendar }, lifecycle: config.lifecycle };
let recorded = 0;
const activities: Pick<TicketingActivities, 'resolvePolicy' | 'recordTicketChanges' | 'deliverNotification'> = {
  resolvePolicy: async () => policy,
  recordTicketChanges: async () => {
    recorded += 1;
  },
  deliverNotification: async () => ({ status: 'delivered', channel: 'in-app', attempts: [] }) as never,
};

async function pool<T>(items: T[], fn: (item: T) => Promise<void>, concurrency = CONCURRENCY): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let i = next++; i < items.length; i = next++) await fn(items[i] as T);
  }));
}

async function main(): Promise<void> {
  let bundle = args.bundle;
  if (!bundle) {
    bundle = path.join(DIR, 'workflow-bundle.js');
    log('bundling the ticketing workflows from source');
    await buildWorkflowBundle(require.resolve('@fleet/ticketing-workflows'), bundle);
  }
  log(`bundle ${bundle} (${(statSync(bundle).size / 2 ** 20).toFixed(1)} MB)`);
  rmSync(path.join(DIR, 'logs'), { recursive: true, force: true });
  mkdirSync(path.join(DIR, 'logs'), { recursive: true });
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const temporal = await startTemporalDevServer({ port: await freePort(), logFile: path.join(DIR, 'logs', 'temporal.log') });
  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection, namespace: temporal.namespace });
  const native = await NativeConnection.connect({ address: temporal.address });
  try {
    const worker = await Worker.create({
      connection: native,
      namespace: temporal.namespace,
      taskQueue: TASK_QUEUE,
      workflowBundle: { codePath: bundle },
      activities,
      debugMode: true, // the reusable V8 context in this thread: its heap is process.memoryUsage()'s
      reuseV8Context: true,
      maxCachedWorkflows: N + 100,
      maxConcurrentWorkflowTaskExecutions: 8,
    });
    const input = (i: number): CreateTicketInput => ({ ticketId: `pr-${i}`, queue: 'support', priority: 'normal', subject: `ticket ${i}`, body: 'the printer is on fire', customer: { id: `c-${i}`, email: `c${i}@example.com` } });
    const start = (i: number) => client.workflow.start('ticketLifecycleWorkflow', { taskQueue: TASK_QUEUE, workflowId: `ticket-pr-${i}`, args: [input(i)] });
    const settled = async (count: number) => {
      for (const t0 = Date.now(); recorded < count; await sleep(100)) if (Date.now() - t0 > 600_000) throw new Error(`only ${recorded} of ${count} tickets recorded their creation`);
    };
    const result = await worker.runUntil(async () => {
      // Warm-up: the context and the preloaded modules exist once the first run was created.
      const warm = 10;
      for (let i = 0; i < warm; i++) await start(i);
      await settled(warm);
      await sleep(500);
      const before = heapUsedMb();
      createMs.length = 0;
      firstActivationMs.length = 0;
      const t0 = Date.now();
      await pool(Array.from({ length: N }, (_, i) => warm + i), async (i) => void (await start(i)));
      await settled(warm + N);
      const wallS = (Date.now() - t0) / 1000;
      await sleep(1000);
      const after = heapUsedMb();
      const perRunMb = (after - before) / N;
      log(`${N} runs cached: heap ${before.toFixed(1)} -> ${after.toFixed(1)} MB, ${(perRunMb * 1024).toFixed(0)} KB per run`);
      // Updates on cached runs: one valid, one refused by its validator (naming the field).
      const updateMs: number[] = [];
      await pool(Array.from({ length: UPDATES }, (_, i) => warm + i), async (i) => {
        const t = performance.now();
        await client.workflow.getHandle(`ticket-pr-${i}`).executeUpdate(ticketAddArticleUpdate, { args: [{ articleId: `a-${i}`, author: 'agent', authorId: 'alice', body: 'on it' }] });
        updateMs.push(performance.now() - t);
      }, UPDATE_CONCURRENCY);
      let refusal = '';
      try {
        await client.workflow.getHandle(`ticket-pr-${warm}`).executeUpdate(ticketAddArticleUpdate, { args: [{ articleId: 'x', author: 'robot', authorId: 'alice', body: '' } as never] });
      } catch (err) {
        refusal = err instanceof WorkflowUpdateFailedError ? String((err.cause as Error | undefined)?.message) : String(err);
      }
      const cached = worker.getStatus().numCachedWorkflows;
      return { perRunKb: Math.round(perRunMb * 1024), heapBeforeMb: Math.round(before), heapAfterMb: Math.round(after), cached, wallS, create: stats(createMs), firstActivation: stats(firstActivationMs), update: stats(updateMs), refusal };
    });
    console.log(JSON.stringify({ tickets: N, bundle, ...result }, null, 2));
  } finally {
    await native.close();
    await connection.close();
    await temporal.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
