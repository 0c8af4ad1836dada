/**
 * Ticketing benchmark: N open tickets (10,000 by default) on one ticketing-worker process, on the
 * Temporal dev server with its SQLite file, each ticket one lifecycle workflow holding one durable
 * timer for the earliest due threshold of its clocks. Measures:
 * - the lateness of SLA events (fired_at - due_at, and recorded_at - due_at) at a stated rate of due
 *   events per second: a steady phase (1/s, a realistic spread: 10,000 tickets' thresholds spread
 *   over hours) with Updates at a steady rate, then a sweep of rates (5, 10, 20, 30, 40/s by
 *   default), each for its own window, to find the highest rate at which p99 stays under 1 s;
 * - Update-to-answer latency (client side) at a steady rate while every timer is live: first alone
 *   (no due event, the polling baseline not started), then again in the steady window with both;
 * - the worker's memory (RSS of its own process, sampled from /proc);
 * - side by side on the same tickets, a polling escalation check as Znuny runs it (every 60 s,
 *   ./polling.ts): its lateness and its database load.
 *
 * Due times: every ticket follows one of 200 rules (by queue) on a 24/7 calendar. A "sweep" rule
 * has a first-response target of T minutes and one warning at 1%, so its first due event falls
 * 0.6*T s after the ticket's start (its breach, T minutes after, and the solution clock's 1% warning
 * at 1,000 minutes fall after the run); 199 such rules give due offsets 0.6 s apart from 30 s to
 * about 20 minutes, and each ticket is given the rule that puts its due event nearest its planned
 * slot. The other tickets ("idle") have every threshold 1,000 minutes or more away: live timers.
 *
 *   npm run bench:ticketing                       (10,000 tickets, about 15 minutes)
 *   npm run bench:ticketing -- --tickets 1000 --rates 5,10,20 --window 20
 */
import { createDatabaseIfMissing, createDb, databaseUrl } from '@fleet/shared-db';
import {
  ticketAddArticleUpdate,
  ticketAssignUpdate,
  ticketCreateUpdate,
  ticketingSetConfigUpdate,
  ticketWorkflowId,
  TICKETING_CONFIG_WORKFLOW_ID,
  TICKETING_TASK_QUEUE,
  type CreateTicketInput,
  type TicketingConfigInput,
  type TicketView,
} from '@fleet/ticketing-contracts';
import type { TicketingDatabase } from '@fleet/ticketing-data-access';
import { fleetDir, freePort, repoRoot, startInfrastructure } from '@fleet/tools-infra';
import { Client, Connection, WithStartWorkflowOperation } from '@temporalio/client';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { cpuSeconds, machine, printRows, spawnApp } from '../src/common';
import { createPoller, databaseStats, POLL_DATABASE, type PollStats, type PollThreshold } from './polling';

const { values: args } = parseArgs({
  options: {
    tickets: { type: 'string', default: '10000' },
    rates: { type: 'string', default: '5,10,20,30,40' },
    window: { type: 'string', default: '45' },
    gap: { type: 'string', default: '30' },
    'steady-rate': { type: 'string', default: '1' },
    'steady-seconds': { type: 'string', default: '90' },
    // The Updates window first: Updates alone on the held tickets (every timer live, no due event,
    // the Znuny scan not started yet); the steady window then repeats them with everything running.
    'updates-seconds': { type: 'string', default: '60' },
    updates: { type: 'string', default: '20' },
    'poll-seconds': { type: 'string', default: '60' },
    concurrency: { type: 'string', default: '48' },
    // The worker's V8 heap (--max-old-space-size): apps start with 256 MB (FLEET_APP_HEAP_MB), where
    // the workflow thread ran out of memory within the first 50 tickets; the SDK sizes its workflow cache from it.
    'heap-mb': { type: 'string', default: '2048' },
    // Workflow runs the worker keeps cached (MAX_CACHED_WORKFLOWS); empty: every ticket plus 10%. A run
    // holds about 90 KB of its own (the contracts' workflow entry point and its validators are
    // preloaded: bench/ticketing/per-run-memory.ts), so 10,000 fit.
    cache: { type: 'string', default: '' },
    // Threads running workflow code (WORKFLOW_THREADS): each holds half the cached runs in its own heap.
    'workflow-threads': { type: 'string', default: '1' },
    // More node flags for the worker (FLEET_APP_NODE_FLAGS), e.g. --trace-gc to see its collections in its log.
    'worker-node-flags': { type: 'string', default: '' },
  },
});
const N = Number(args.tickets);
const cacheSize = args.cache ? Number(args.cache) : Math.ceil(N * 1.1);
const RATES = args.rates.split(',').map(Number);
const GAP = Number(args.gap);
const STEADY_RATE = Number(args['steady-rate']);
const STEADY_SECONDS = Number(args['steady-seconds']);
const UPDATES_SECONDS = Number(args['updates-seconds']);
const UPDATES_PER_SECOND = Number(args.updates);
const POLL_SECONDS = Number(args['poll-seconds']);
const CONCURRENCY = Number(args.concurrency);
const TARGETS = { latenessP99Ms: 1000, updateP99Ms: 100 };
const WORKER_DATABASE = 'bench_ticketing';
const DIR = path.join(fleetDir, 'bench', 'ticketing');
const STALL_MS = 120_000;

const log = (line: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
const summary = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return { n: s.length, p50: percentile(s, 50), p99: percentile(s, 99), max: s[s.length - 1] ?? NaN };
};
const perMinute = (delta: number, ms: number) => Math.round((delta / ms) * 60_000);

// ---- the rules: 199 due offsets (0.6 s apart in each rule's target) and one idle rule ----
const MIN_OFFSET_S = 30;
const MAX_OFFSET_S = 1230;
const RULES = 199;
const IDLE_MINUTES = 100_000;
const offsets: { queue: string; targetMinutes: number; offsetMs: number }[] = [];
for (let k = 0; k < RULES; k++) {
  const want = MIN_OFFSET_S + (k * (MAX_OFFSET_S - MIN_OFFSET_S)) / (RULES - 1);
  const targetMinutes = Math.round(want / 0.6);
  // 1% of the target: floor(targetMs / 100) = 600 ms per target minute.
  offsets.push({ queue: `due-${k}`, targetMinutes, offsetMs: targetMinutes * 600 });
}
const always = { timeZone: 'UTC', week: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [{ start: '00:00', end: '24:00' }]])) };
const config: TicketingConfigInput = {
  calendars: { always },
  rules: [
    ...offsets.map((o) => ({
      id: o.queue,
      match: { queues: [o.queue] },
      calendar: 'always',
      targets: { firstResponse: o.targetMinutes, nextUpdate: IDLE_MINUTES, solution: IDLE_MINUTES },
      warnings: { percent: [1], leadMinutes: [] },
    })),
    { id: 'idle', match: { queues: ['idle'] }, calendar: 'always', targets: { firstResponse: IDLE_MINUTES, nextUpdate: IDLE_MINUTES, solution: IDLE_MINUTES }, warnings: { percent: [1], leadMinutes: [] } },
  ],
  agents: {},
};

interface Segment {
  label: string;
  rate: number;
  seconds: number;
  /** Epoch ms, set once the plan is placed. */
  start: number;
  updates: boolean;
}
interface Planned {
  ticketId: string;
  segment: string;
  slot: number;
  due: number;
}

// ---- /proc: a process's memory and CPU ----
function procStatus(pid: number): { rssMb: number; hwmMb: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
    return { rssMb: Math.round(kb('VmRSS') / 1024), hwmMb: Math.round(kb('VmHWM') / 1024) };
  } catch {
    return { rssMb: 0, hwmMb: 0 };
  }
}

/** What a run that cannot finish records: where it stopped and what it measured until then. */
const progressSoFar: Record<string, unknown> = {};
function writeStopped(reason: string): void {
  const outDir = path.join(repoRoot, 'bench', 'ticketing', 'results');
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `ticketing-${N}-stopped.json`);
  writeFileSync(file, `${JSON.stringify({ benchmark: 'ticketing', at: new Date().toISOString(), command: ['npm run bench:ticketing', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' '), machine: machine(), stopped: reason, ...progressSoFar }, null, 2)}\n`);
  console.log(`written to ${path.relative(repoRoot, file)}`);
}

async function main(): Promise<void> {
  const loadBefore = loadavg().map((l) => Number(l.toFixed(2)));
  const startedAt = Date.now();
  rmSync(DIR, { recursive: true, force: true });
  log(`starting Temporal (dev server, SQLite file) and PostgreSQL in ${DIR}`);
  const infra = await startInfrastructure({ dir: DIR, temporalPort: await freePort(), persistent: true, postgresPort: await freePort(), databaseUrl: process.env.DATABASE_URL });
  const connection = await Connection.connect({ address: infra.temporal.address });
  const client = new Client({ connection, namespace: infra.temporal.namespace });
  await createDatabaseIfMissing(infra.postgres.url, WORKER_DATABASE);
  const workerUrl = databaseUrl(infra.postgres.url, WORKER_DATABASE);
  const db = createDb<TicketingDatabase>(workerUrl, { maxConnections: 4 });
  const poller = await createPoller(infra.postgres.url);
  // The worker as deployed: its own process (apps/ticketing-worker/src/main.ts), SDK defaults, no broker (events wait in the outbox).
  process.env.FLEET_APP_HEAP_MB = args['heap-mb'];
  process.env.FLEET_APP_NODE_FLAGS = args['worker-node-flags'];
  const worker = spawnApp('ticketing-worker', 'ticketing-worker', { TEMPORAL_ADDRESS: infra.temporal.address, TEMPORAL_NAMESPACE: infra.temporal.namespace, DATABASE_URL: workerUrl, SCHEDULE_FILE: 'none', MAX_CACHED_WORKFLOWS: String(cacheSize), WORKFLOW_THREADS: args['workflow-threads'] }, path.join(DIR, 'logs'));
  const serverPid = infra.temporal.process.pid;
  // The run stops, with what it measured, when the worker exits or no ticket is created for STALL_MS.
  let abort: (err: Error) => void = () => undefined;
  const workerGone = new Promise<never>((_, reject) => (abort = reject));
  workerGone.catch(() => undefined);
  void worker.exited.then((code) => abort(new Error(`the worker process exited (code ${code}); its log: ${path.join(DIR, 'logs', 'ticketing-worker.log')}`)));
  let lastCreated = Date.now();
  let creating = false;
  const stallWatch = setInterval(() => {
    if (creating && Date.now() - lastCreated > STALL_MS) abort(new Error(`stalled: no ticket created for ${STALL_MS / 1000} s (worker log: ${path.join(DIR, 'logs', 'ticketing-worker.log')})`));
  }, 5000);

  const samples: { t: number; workerRssMb: number; serverRssMb: number }[] = [];
  const sampler = setInterval(() => samples.push({ t: Date.now(), workerRssMb: procStatus(worker.pid).rssMb, serverRssMb: procStatus(serverPid).rssMb }), 2000);
  const marks: { name: string; t: number; workerCpuS: number; serverCpuS: number; workerRssMb: number; ticketing: PollStats; poll: PollStats }[] = [];
  const mark = async (name: string) => {
    marks.push({ name, t: Date.now(), workerCpuS: cpuSeconds(worker.pid), serverCpuS: cpuSeconds(serverPid), workerRssMb: procStatus(worker.pid).rssMb, ticketing: await databaseStats(db, WORKER_DATABASE), poll: await databaseStats(db, POLL_DATABASE) });
  };

  try {
    // Configuring is the first Update the worker answers: it also waits for the worker to be up (it bundles its workflows at start).
    const configured = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        await client.workflow.executeUpdateWithStart(ticketingSetConfigUpdate, {
          args: [config],
          startWorkflowOperation: new WithStartWorkflowOperation('ticketingConfigWorkflow', { workflowId: TICKETING_CONFIG_WORKFLOW_ID, taskQueue: TICKETING_TASK_QUEUE, args: [{}], workflowIdConflictPolicy: 'USE_EXISTING' }),
        });
        break;
      } catch (err) {
        if (attempt > 20) throw err;
        await sleep(3000);
      }
    }
    log(`worker up and configured (${config.rules.length} rules) in ${((Date.now() - configured) / 1000).toFixed(1)} s, worker RSS ${procStatus(worker.pid).rssMb} MB`);
    await mark('configured');
    progressSoFar.workerRssMbAfterConfigure = procStatus(worker.pid).rssMb;
    progressSoFar.heapMb = Number(args['heap-mb']);

    // ---- the plan: segments and their slots ----
    const sumRates = RATES.reduce((a, b) => a + b, 0);
    const steadyTickets = Math.round(STEADY_RATE * STEADY_SECONDS);
    const window = Math.max(5, Math.min(Number(args.window), Math.floor((0.85 * N - steadyTickets) / sumRates)));
    const segments: Segment[] = [
      { label: 'updates', rate: 0, seconds: UPDATES_SECONDS, start: 0, updates: true },
      { label: 'steady', rate: STEADY_RATE, seconds: STEADY_SECONDS, start: 0, updates: true },
      ...RATES.map((rate) => ({ label: `${rate}/s`, rate, seconds: window, start: 0, updates: false })),
    ];
    const dueTickets = segments.reduce((n, s) => n + Math.round(s.rate * s.seconds), 0);
    const idleTickets = N - dueTickets;
    if (idleTickets < 0) throw new Error(`--tickets ${N} is fewer than the ${dueTickets} tickets the windows need`);
    log(`plan: ${N} tickets, ${idleTickets} idle (timers 1,000+ minutes away), ${dueTickets} with one due event each: Updates alone for ${UPDATES_SECONDS} s, then steady ${STEADY_RATE}/s for ${STEADY_SECONDS} s with ${UPDATES_PER_SECOND} Updates/s, then ${RATES.join(', ')}/s for ${window} s each, ${GAP} s apart`);

    // ---- creation: update-with-start ticketCreate, CONCURRENCY at a time ----
    const views = new Map<string, TicketView>();
    const createLatency: number[] = [];
    let createErrors = 0;
    const create = async (ticketId: string, queue: string): Promise<TicketView> => {
      const input: CreateTicketInput = { ticketId, queue, priority: 'normal', subject: `Bench ticket ${ticketId}`, body: 'The printer is on fire.', customer: { id: `c-${ticketId}` } };
      for (let attempt = 0; ; attempt++) {
        const t = Date.now();
        try {
          const view = await Promise.race([
            workerGone,
            client.workflow.executeUpdateWithStart(ticketCreateUpdate, {
              args: [input],
              startWorkflowOperation: new WithStartWorkflowOperation('ticketLifecycleWorkflow', { workflowId: ticketWorkflowId(ticketId), taskQueue: TICKETING_TASK_QUEUE, args: [input], workflowIdConflictPolicy: 'USE_EXISTING' }),
            }),
          ]);
          createLatency.push(Date.now() - t);
          views.set(ticketId, view);
          progressSoFar.created = views.size;
          lastCreated = Date.now();
          return view;
        } catch (err) {
          createErrors += 1;
          // A workflow task that timed out on a busy machine is retried by Temporal: so is the create.
          if (attempt >= 10 || /worker process exited|stalled/.test(String(err))) throw err;
          await sleep(1000 * Math.min(8, 2 ** attempt));
        }
      }
    };
    const lanes = async (count: number, one: (i: number) => Promise<void>) => {
      let next = 0;
      await Promise.all(Array.from({ length: Math.min(CONCURRENCY, count) }, async () => {
        while (next < count) await one(next++);
      }));
    };

    const idleStart = Date.now();
    creating = true;
    lastCreated = Date.now();
    let progress = Date.now();
    await lanes(idleTickets, async (i) => {
      await create(`I-${i}`, 'idle');
      if (Date.now() - progress > 30_000) {
        progress = Date.now();
        const rate = views.size / ((Date.now() - idleStart) / 1000);
        ((progressSoFar.creationProgress ??= []) as object[]).push({ atSeconds: Math.round((Date.now() - idleStart) / 1000), created: views.size, perSecond: Number(rate.toFixed(1)), workerRssMb: procStatus(worker.pid).rssMb });
        log(`  ${views.size} created (${(views.size / ((Date.now() - idleStart) / 1000)).toFixed(1)}/s), worker RSS ${procStatus(worker.pid).rssMb} MB`);
      }
    });
    const idleSeconds = (Date.now() - idleStart) / 1000;
    const measuredRate = idleTickets >= 50 ? idleTickets / idleSeconds : 20;
    log(`${idleTickets} idle tickets created in ${idleSeconds.toFixed(1)} s (${measuredRate.toFixed(1)}/s), ${createErrors} errors`);

    // Place the windows: after the due tickets are created (with a margin for a slower creation).
    const T0 = Date.now() + Math.ceil((1.5 * dueTickets) / measuredRate + MIN_OFFSET_S) * 1000;
    let at = T0;
    const slots: { segment: Segment; slot: number }[] = [];
    for (const s of segments) {
      s.start = at;
      const n = Math.round(s.rate * s.seconds);
      for (let j = 0; j < n; j++) slots.push({ segment: s, slot: s.start + ((j + 0.5) * 1000) / s.rate });
      at = s.start + s.seconds * 1000 + GAP * 1000;
    }
    const planned: Planned[] = [];
    let misplaced = 0;
    const dueStart = Date.now();
    await lanes(slots.length, async (i) => {
      const { segment, slot } = slots[i] as (typeof slots)[number];
      const want = slot - Date.now();
      let best = offsets[0] as (typeof offsets)[number];
      for (const o of offsets) if (Math.abs(o.offsetMs - want) < Math.abs(best.offsetMs - want)) best = o;
      if (want < MIN_OFFSET_S * 1000 - 1000 || want > MAX_OFFSET_S * 1000 + 1000) misplaced += 1;
      const ticketId = `D-${i}`;
      const view = await create(ticketId, best.queue);
      planned.push({ ticketId, segment: segment.label, slot, due: Date.parse(view.createdAt) + best.offsetMs });
    });
    const createdAll = Date.now();
    creating = false;
    const createSeconds = (createdAll - idleStart) / 1000;
    log(`${dueTickets} due tickets created in ${((createdAll - dueStart) / 1000).toFixed(1)} s; all ${N} in ${createSeconds.toFixed(1)} s (${(N / createSeconds).toFixed(1)}/s), ${createErrors} errors, ${misplaced} beyond the offsets' range; worker RSS ${procStatus(worker.pid).rssMb} MB`);
    if (createdAll > T0) log(`warning: creation ended ${((createdAll - T0) / 1000).toFixed(0)} s after the first window began`);
    await mark('created');

    // ---- the polling baseline on a copy of the same thresholds (24/7 calendar: due = start + share of the target) ----
    const copies = [...views.values()].map((v) => {
      const rule = config.rules.find((r) => r.id === v.policyId);
      const thresholds: PollThreshold[] = v.clocks
        .filter((c) => c.status === 'running')
        .flatMap((c) => [
          ...(rule?.warnings?.percent ?? []).map((p) => ({ id: `${c.clock}/percent:${p}`, due: Date.parse(c.startedAt) + Math.floor((c.targetMs * p) / 100) })),
          { id: `${c.clock}/breach`, due: Date.parse(c.startedAt) + c.targetMs },
        ]);
      return { ticketId: v.ticketId, thresholds };
    });
    await poller.load(copies);
    log(`polling baseline: ${copies.length} tickets, ${copies.reduce((n, c) => n + c.thresholds.length, 0)} thresholds, a scan every ${POLL_SECONDS} s from the first window with due events`);

    // ---- the phases ----
    const ids = [...views.keys()];
    /** Update answer latencies by window. */
    const updateLatency = new Map<string, number[]>();
    let updateErrors = 0;
    let updatesSent = 0;
    let noteSeq = 0;
    let polling = false;
    for (const s of segments) {
      await sleep(s.start - Date.now());
      if (s.rate > 0 && !polling) {
        poller.start(POLL_SECONDS * 1000);
        polling = true;
      }
      await mark(`${s.label} start`);
      log(`window ${s.label}: ${Math.round(s.rate * s.seconds)} due events over ${s.seconds} s${s.updates ? `, ${UPDATES_PER_SECOND} Updates/s` : ''} (worker RSS ${procStatus(worker.pid).rssMb} MB)`);
      if (s.updates && UPDATES_PER_SECOND > 0) {
        // Open loop: each Update sent at its time, whether or not the ones before have answered.
        const pending: Promise<void>[] = [];
        const count = Math.round(UPDATES_PER_SECOND * s.seconds);
        for (let i = 0; i < count; i++) {
          await sleep(s.start + (i * 1000) / UPDATES_PER_SECOND - Date.now());
          const handle = client.workflow.getHandle(ticketWorkflowId(ids[Math.floor(Math.random() * ids.length)] as string));
          const t = Date.now();
          const n = noteSeq++;
          const call = n % 2 === 0 ? handle.executeUpdate(ticketAssignUpdate, { args: [{ assignee: `agent-${n % 7}` }] }) : handle.executeUpdate(ticketAddArticleUpdate, { args: [{ articleId: `note-${n}`, author: 'agent', authorId: 'agent-1', body: 'Internal note', internal: true }] });
          updatesSent += 1;
          const latencies = updateLatency.get(s.label) ?? [];
          updateLatency.set(s.label, latencies);
          pending.push(call.then(() => void latencies.push(Date.now() - t), () => void (updateErrors += 1)));
        }
        await Promise.all(pending);
      }
      await sleep(s.start + s.seconds * 1000 - Date.now());
      await mark(`${s.label} end`);
    }

    // ---- drain: every planned event recorded by the workflows and by the poller, or 4 minutes ----
    const lastDue = Math.max(...planned.map((p) => p.due));
    const plannedIds = new Set(planned.map((p) => p.ticketId));
    const countRecorded = async () => {
      const rows = await db.selectFrom('ticketing_sla_events').select(['ticket_id']).where('event', 'in', ['warning', 'breached']).execute();
      return rows.filter((r) => plannedIds.has(r.ticket_id)).length;
    };
    for (;;) {
      const [recorded, polled] = [await countRecorded(), (await poller.events()).length];
      if ((recorded >= planned.length && polled >= planned.length) || Date.now() > lastDue + 240_000) break;
      await sleep(2000);
    }
    await poller.stop();
    await mark('drained');
    clearInterval(sampler);

    // ---- results ----
    const events = await db.selectFrom('ticketing_sla_events').select(['ticket_id', 'clock', 'threshold', 'due_at', 'fired_at', 'recorded_at']).where('event', 'in', ['warning', 'breached']).execute();
    const polled = await poller.events();
    const byTicket = new Map(events.map((e) => [e.ticket_id, e]));
    const polledByTicket = new Map(polled.filter((e) => e.threshold === 'firstResponse/percent:1').map((e) => [e.ticket_id, e]));
    const unexpected = events.filter((e) => !plannedIds.has(e.ticket_id) || e.threshold !== 'percent:1' || e.clock !== 'firstResponse').length;
    const dueMismatch = planned.filter((p) => {
      const e = byTicket.get(p.ticketId);
      return e && Math.abs(new Date(e.due_at).getTime() - p.due) > 5;
    }).length;
    const workerCpu = (a: string, b: string) => {
      const x = marks.find((m) => m.name === a);
      const y = marks.find((m) => m.name === b);
      if (!x || !y) return undefined;
      const ms = y.t - x.t;
      return {
        seconds: Number((ms / 1000).toFixed(1)),
        workerCpuPercent: Math.round(((y.workerCpuS - x.workerCpuS) / ms) * 100_000),
        serverCpuPercent: Math.round(((y.serverCpuS - x.serverCpuS) / ms) * 100_000),
        ticketingDbPerMinute: { commits: perMinute(y.ticketing.xact_commit - x.ticketing.xact_commit, ms), rowsRead: perMinute(y.ticketing.tup_returned + y.ticketing.tup_fetched - x.ticketing.tup_returned - x.ticketing.tup_fetched, ms), rowsWritten: perMinute(y.ticketing.tup_inserted + y.ticketing.tup_updated - x.ticketing.tup_inserted - x.ticketing.tup_updated, ms) },
        pollDbPerMinute: { commits: perMinute(y.poll.xact_commit - x.poll.xact_commit, ms), rowsRead: perMinute(y.poll.tup_returned + y.poll.tup_fetched - x.poll.tup_returned - x.poll.tup_fetched, ms), rowsWritten: perMinute(y.poll.tup_inserted + y.poll.tup_updated - x.poll.tup_inserted - x.poll.tup_updated, ms) },
      };
    };
    const windows = segments.map((s) => {
      const mine = planned.filter((p) => p.segment === s.label);
      const fired: number[] = [];
      const recorded: number[] = [];
      const pollLate: number[] = [];
      const perSecond = new Map<number, number>();
      for (const p of mine) {
        const e = byTicket.get(p.ticketId);
        if (e) {
          const due = new Date(e.due_at).getTime();
          fired.push(new Date(e.fired_at).getTime() - due);
          recorded.push(new Date(e.recorded_at).getTime() - due);
        }
        const q = polledByTicket.get(p.ticketId);
        if (q) pollLate.push(new Date(q.fired_at).getTime() - new Date(q.due_at).getTime());
        const second = Math.floor(p.due / 1000);
        perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
      }
      const dues = mine.map((p) => p.due).sort((a, b) => a - b);
      const fire = summary(fired);
      const poll = summary(pollLate);
      return {
        window: s.label,
        plannedRatePerSecond: s.rate,
        seconds: s.seconds,
        dueEvents: mine.length,
        realizedRatePerSecond: Number((mine.length / s.seconds).toFixed(2)),
        dueSpanSeconds: dues.length ? Number((((dues[dues.length - 1] as number) - (dues[0] as number)) / 1000).toFixed(1)) : 0,
        peakDueEventsInOneSecond: Math.max(0, ...perSecond.values()),
        updatesPerSecond: s.updates ? UPDATES_PER_SECOND : 0,
        workflow: { firedLatenessMs: fire, recordedLatenessMs: summary(recorded), missing: mine.length - fired.length },
        polling: { latenessMs: poll, missing: mine.length - pollLate.length },
        ratio: { pollingOverWorkflowP50: Number((poll.p50 / Math.max(1, fire.p50)).toFixed(1)), pollingOverWorkflowP99: Number((poll.p99 / Math.max(1, fire.p99)).toFixed(1)) },
        load: workerCpu(`${s.label} start`, `${s.label} end`),
      };
    });
    const sweep = windows.filter((w) => w.window !== 'steady' && w.plannedRatePerSecond > 0);
    const passing = sweep.filter((w) => w.workflow.missing === 0 && w.workflow.firedLatenessMs.p99 < TARGETS.latenessP99Ms);
    const highest = passing.length ? Math.max(...passing.map((w) => w.plannedRatePerSecond)) : null;
    const firstFailing = sweep.find((w) => !passing.includes(w));
    const updates = summary(updateLatency.get('updates') ?? []);
    const updatesInSteady = summary(updateLatency.get('steady') ?? []);
    const rss = samples.map((s) => s.workerRssMb);
    const steady = windows.find((w) => w.window === 'steady');
    const scans = poller.scans;
    const measuredFrom = marks.find((m) => m.name === 'created');
    const measuredTo = marks.find((m) => m.name === 'drained');
    const durationMs = (measuredTo?.t ?? 0) - (measuredFrom?.t ?? 0);
    const pollQueries = scans.reduce((n, s) => n + s.queries, 0);
    const result = {
      benchmark: 'ticketing',
      at: new Date().toISOString(),
      command: ['npm run bench:ticketing', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' '),
      machine: { ...machine(), loadAverageBefore: loadBefore, loadAverageAfter: loadavg().map((l) => Number(l.toFixed(2))) },
      setup: {
        temporal: 'dev server (temporal CLI) on a SQLite file, one shard',
        worker: `apps/ticketing-worker/src/main.ts as its own process (node --max-old-space-size=${args['heap-mb']} + tsx loader), SDK 1.24 defaults as startDomainWorker sets them, the workflow cache bounded by MAX_CACHED_WORKFLOWS; its workflows bundled at start; no broker (events wait in the outbox)`,
        heapMb: Number(args['heap-mb']),
        workflowThreads: Number(args['workflow-threads']),
        maxCachedWorkflows: cacheSize,
        memory: 'RSS of the worker process from /proc/<pid>/status, sampled every 2 s (VmHWM for the peak)',
        tickets: N,
        idleTickets,
        dueTickets,
        clocks: 'every rule has first-response, next-update and solution targets; first response and solution run from creation, next update starts on a customer reply after the first response (none here)',
        timersPerTicket: 'one durable timer per ticket, for the earliest due threshold of its clocks',
        rules: config.rules.length,
        dueOffsets: { minSeconds: MIN_OFFSET_S, maxSeconds: (offsets[offsets.length - 1]?.offsetMs ?? 0) / 1000, stepSeconds: Number(((MAX_OFFSET_S - MIN_OFFSET_S) / (RULES - 1)).toFixed(2)) },
        window,
        gapSeconds: GAP,
        pollSeconds: POLL_SECONDS,
      },
      creation: {
        seconds: Number(createSeconds.toFixed(1)),
        perSecond: Number((N / createSeconds).toFixed(1)),
        concurrency: CONCURRENCY,
        updateWithStartLatencyMs: summary(createLatency),
        errors: createErrors,
        misplacedDueTickets: misplaced,
        workerRssMbAfter: marks.find((m) => m.name === 'created')?.workerRssMb,
      },
      workerMemoryMb: { afterConfigure: marks.find((m) => m.name === 'configured')?.workerRssMb, afterCreation: marks.find((m) => m.name === 'created')?.workerRssMb, end: marks.find((m) => m.name === 'drained')?.workerRssMb, peakSampled: Math.max(0, ...rss), peakHwm: procStatus(worker.pid).hwmMb },
      temporalServerRssMbPeak: Math.max(0, ...samples.map((s) => s.serverRssMb)),
      updates: {
        perSecond: UPDATES_PER_SECOND,
        sent: updatesSent,
        errors: updateErrors,
        kinds: 'ticketAssign and ticketAddArticle (internal note), alternately, on random open tickets',
        alone: { seconds: UPDATES_SECONDS, latencyMs: updates, meanwhile: 'every ticket held with its timers live; no due event, the Znuny scan not started' },
        withEverything: { seconds: STEADY_SECONDS, latencyMs: updatesInSteady, meanwhile: `${STEADY_RATE} due event/s and the Znuny scan every ${POLL_SECONDS} s on the same PostgreSQL and cores` },
      },
      windows,
      highestRateWithP99UnderOneSecond: highest,
      firstRateOverTarget: firstFailing ? { rate: firstFailing.plannedRatePerSecond, firedP99Ms: firstFailing.workflow.firedLatenessMs.p99, missing: firstFailing.workflow.missing } : null,
      checks: { unexpectedSlaEvents: unexpected, dueAtDifferentFromPlan: dueMismatch },
      polling: {
        model: 'Znuny EscalationCheck: every 60 s, open tickets escalating within 5 days (at most 1000, earliest first), each read (TicketGet), each passed threshold recorded, the escalation time moved on; one connection, sequential',
        scans: scans.length,
        meanScanMs: Math.round(scans.reduce((n, s) => n + s.durationMs, 0) / Math.max(1, scans.length)),
        ticketsReadPerScan: summary(scans.map((s) => s.scanned)),
        queriesPerMinute: perMinute(pollQueries, durationMs),
        database: workerCpu('created', 'drained')?.pollDbPerMinute,
        latenessMs: summary(polled.filter((e) => plannedIds.has(e.ticket_id)).map((e) => new Date(e.fired_at).getTime() - new Date(e.due_at).getTime())),
      },
      workflowPath: { database: workerCpu('created', 'drained')?.ticketingDbPerMinute, latenessMs: summary(events.filter((e) => plannedIds.has(e.ticket_id)).map((e) => new Date(e.fired_at).getTime() - new Date(e.due_at).getTime())) },
      targets: {
        latenessP99UnderMsAtSteady: { target: TARGETS.latenessP99Ms, measured: steady?.workflow.firedLatenessMs.p99, pass: (steady?.workflow.firedLatenessMs.p99 ?? Infinity) < TARGETS.latenessP99Ms },
        updateP99UnderMs: { target: TARGETS.updateP99Ms, measured: updates.p99, pass: updates.p99 < TARGETS.updateP99Ms },
      },
      phases: marks.map((m) => ({ name: m.name, atSeconds: Number(((m.t - startedAt) / 1000).toFixed(1)), workerRssMb: m.workerRssMb })),
      wallSeconds: Math.round((Date.now() - startedAt) / 1000),
    };
    const outDir = path.join(repoRoot, 'bench', 'ticketing', 'results');
    mkdirSync(outDir, { recursive: true });
    const file = path.join(outDir, `ticketing-${N}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);

    const fmt = (s: { p50: number; p99: number }) => `${s.p50} / ${s.p99} ms`;
    printRows([
      [`create ${N} (update-with-start)`, `${result.creation.perSecond}/s, ${createErrors} errors`, ''],
      ['worker RSS after create / peak', `${result.workerMemoryMb.afterCreation} / ${result.workerMemoryMb.peakHwm} MB`, ''],
      [`Updates ${UPDATES_PER_SECOND}/s p50/p99`, fmt(updates), `p99 < ${TARGETS.updateP99Ms} ms`],
      [`  the same in the steady window`, fmt(updatesInSteady), 'with due events and the scan'],
      ...windows.filter((w) => w.plannedRatePerSecond > 0).map((w): [string, string, string] => [`lateness @${w.window} p50/p99`, `${fmt(w.workflow.firedLatenessMs)}${w.workflow.missing ? `, ${w.workflow.missing} missing` : ''}`, `poll ${fmt(w.polling.latenessMs)}`]),
      ['highest rate with p99 < 1 s', highest === null ? 'none tested' : `${highest}/s`, ''],
      ['polling queries / rows read per min', `${result.polling.queriesPerMinute} / ${result.polling.database?.rowsRead}`, ''],
    ]);
    console.log(`\nwritten to ${path.relative(repoRoot, file)}`);
  } catch (err) {
    progressSoFar.workerRssMbPeakSampled = Math.max(0, ...samples.map((x) => x.workerRssMb));
    progressSoFar.workerRssMbHwm = procStatus(worker.pid).hwmMb;
    writeStopped(String(err instanceof Error ? err.message : err));
    throw err;
  } finally {
    clearInterval(stallWatch);
    clearInterval(sampler);
    await poller.stop().catch(() => undefined);
    await worker.stop();
    await poller.db.destroy();
    await db.destroy();
    await connection.close();
    await infra.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
