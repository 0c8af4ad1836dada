/**
 * Campaigns benchmark: N campaigns (1,000 by default), each on three channels (google, meta,
 * linkedin; one creative each), through the real campaign-worker as its own process, against the
 * channels simulator as its own process with a quota of Q calls/s per channel and account (10 by
 * default, a token bucket of Q), and the deterministic LLM simulator. Measures:
 * - per channel, the platform calls per second Fleet achieves while publishing (the simulator's own
 *   counters, sampled each second, over the steady window: from 10% to 90% of the channel's calls)
 *   against the quota, the 429 refusals, duplicates (objects per reference), end-to-end time;
 * - M campaigns (100) cancelled mid-publish (some channels out, others not yet): every one must end
 *   cancelled with its compensation done and nothing of it left live on the platforms;
 * - the worker's memory (RSS of its process from /proc, sampled each second: peak and mean);
 * - side by side, a naive publisher (./naive-publisher.ts: one activity for all channels, no
 *   limiter, no lookup, Temporal's default retries) publishing N campaigns on a fresh account of the
 *   same simulator: its throughput, 429s and duplicates, as ratios.
 *
 * Phases: every campaign is created (update-with-start), its content written by the LLM, submitted
 * and approved ("prepare"); then all are scheduled to start now ("publish"), so the publish phase
 * begins at once and its demand exceeds the quota; the cancels land once 30% of the creates are out.
 *
 *   npm run bench:campaigns                                   (1,000 campaigns, 100 cancelled)
 *   npm run bench:campaigns -- --campaigns 100 --cancel 10    (about 2 minutes)
 */
import { CHANNELS, campaignApproveUpdate, campaignCancelUpdate, campaignCreateUpdate, campaignScheduleUpdate, campaignSubmitUpdate, campaignWorkflowId, CAMPAIGNS_TASK_QUEUE, instantToLocal, type CampaignView, type Channel, type CreateCampaignRequest } from '@fleet/campaigns-contracts';
import type { CampaignsDatabase } from '@fleet/campaigns-data-access';
import { createDatabaseIfMissing, createDb, databaseUrl } from '@fleet/shared-db';
import { buildWorkflowBundle } from '@fleet/shared-temporal';
import { appNodeArgs, fleetDir, freePort, repoRoot, spawnManaged, startInfrastructure, waitForPort, type ManagedProcess } from '@fleet/tools-infra';
import { Client, Connection, WithStartWorkflowOperation, type WorkflowHandle } from '@temporalio/client';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { machine, printRows, spawnApp } from '../src/common';
import { NAIVE_TASK_QUEUE, type NaivePublishInput } from './naive-publisher';

const { values: args } = parseArgs({
  options: {
    campaigns: { type: 'string', default: '1000' },
    cancel: { type: 'string', default: '100' },
    quota: { type: 'string', default: '10' },
    /** Client calls in flight at once (creates, Updates, starts). */
    concurrency: { type: 'string', default: '24' },
    /** The cancels land once this share of the campaigns' creates is out. */
    'cancel-at': { type: 'string', default: '0.3' },
    /** The simulator's review time, min,max ms. */
    'review-ms': { type: 'string', default: '200,2000' },
    /** The worker's MAX_CONCURRENT_ACTIVITIES per task queue (its default, 8, when empty). */
    activities: { type: 'string', default: '' },
    /** The worker's DATABASE_POOL_SIZE (its default, 10, when empty). */
    pool: { type: 'string', default: '' },
    /** LLM calls at once (AI_CONCURRENCY). */
    'ai-concurrency': { type: 'string', default: '4' },
    /** The worker's V8 heap: the SDK sizes its workflow cache from it (256 MB would cache about 30 of the 1,000 campaigns, 4096 about 2,300). */
    // Each cached campaign run holds about 3 MB (measured at 300); 1,000 at once need about 3 GB.
    'heap-mb': { type: 'string', default: '4096' },
    /** after: the naive publisher runs once Fleet's phase is over; off: not at all. */
    naive: { type: 'string', default: 'after' },
    /** The naive publisher's run stops after this many seconds, finished or not. */
    'naive-timeout': { type: 'string', default: '600' },
    /** Written to results/campaigns-<N>[-<label>].json (a variant beside the default run). */
    label: { type: 'string', default: '' },
    /** No progress for this long stops a phase (with what it measured). */
    'stall-seconds': { type: 'string', default: '180' },
  },
});
const N = Number(args.campaigns);
const M = Math.min(N, Number(args.cancel));
const Q = Number(args.quota);
const CONCURRENCY = Number(args.concurrency);
const CANCEL_AT = Number(args['cancel-at']);
const [REVIEW_MIN_MS, REVIEW_MAX_MS] = args['review-ms'].split(',').map(Number) as [number, number];
const STALL_MS = Number(args['stall-seconds']) * 1000;
const NAIVE_TIMEOUT_MS = Number(args['naive-timeout']) * 1000;
const TARGETS = { ratioMin: 0.95, ratioMax: 1.0, refusals: 0, duplicates: 0 };

/** The campaigns' ad channels (e-mail goes through SMTP, not a quota'd platform) and their names on the simulator. */
const AD_CHANNELS = CHANNELS.filter((c): c is Exclude<Channel, 'email'> => c !== 'email');
const SIM_CHANNEL: Record<(typeof AD_CHANNELS)[number], string> = { google: 'google-ads', meta: 'meta', linkedin: 'linkedin' };
const FLEET_ACCOUNT = 'fleet';
const NAIVE_ACCOUNT = 'naive';
const WORKER_DATABASE = 'bench_campaigns';
const TZ = 'Europe/Berlin';
const DIR = path.join(fleetDir, 'bench', 'campaigns');
const LOGS = path.join(DIR, 'logs');

const log = (line: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
const round = (x: number, digits = 2) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : null);
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
const summary = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return { n: s.length, p50: percentile(s, 50), p99: percentile(s, 99), max: s[s.length - 1] ?? NaN };
};

// ---- /proc: a process's memory ----
function procStatus(pid: number): { rssMb: number; hwmMb: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
    return { rssMb: Math.round(kb('VmRSS') / 1024), hwmMb: Math.round(kb('VmHWM') / 1024) };
  } catch {
    return { rssMb: 0, hwmMb: 0 };
  }
}

// ---- the simulator's admin API ----
interface AccountStats {
  calls: number;
  creates: number;
  duplicates: number;
  removes: number;
  throttled: number;
  faults: number;
}
interface SimObject {
  channel: string;
  account: string;
  externalReference: string;
  state: string;
  duplicateIndex: number;
  createdAt: string;
  removedAt?: string;
}
type StatsSample = { t: number; accounts: Record<string, Record<string, AccountStats>> };

function simClient(url: string) {
  const get = async <T>(p: string): Promise<T> => {
    const r = await fetch(`${url}${p}`);
    if (!r.ok) throw new Error(`channels-sim ${p}: ${r.status}`);
    return (await r.json()) as T;
  };
  return {
    /** Per account, per simulator channel. */
    async stats(): Promise<Record<string, Record<string, AccountStats>>> {
      const { channels } = await get<{ channels: Record<string, Record<string, AccountStats>> }>('/admin/stats');
      const byAccount: Record<string, Record<string, AccountStats>> = {};
      for (const [channel, accounts] of Object.entries(channels)) for (const [account, s] of Object.entries(accounts)) (byAccount[account] ??= {})[channel] = s;
      return byAccount;
    },
    objects: (account: string) => get<SimObject[]>(`/admin/objects?account=${encodeURIComponent(account)}`),
  };
}

/** `<campaignId>:<channel>:<creative>` -> campaignId and channel. */
function splitReference(reference: string): { campaignId: string; channel: string } {
  const parts = reference.split(':');
  return { campaignId: parts.slice(0, -2).join(':'), channel: parts[parts.length - 2] ?? '' };
}

/** Bounded concurrency over `count` items. */
async function lanes(count: number, width: number, one: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, count) }, async () => {
      while (next < count) await one(next++);
    }),
  );
}

/** Retries a client call a few times: a workflow task timed out on a busy machine is retried by Temporal, so is the call. */
async function retrying<T>(what: string, fn: () => Promise<T>, attempts = 8): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt + 1 >= attempts) throw new Error(`${what}: ${err instanceof Error ? err.message : String(err)}`);
      await sleep(500 * Math.min(16, 2 ** attempt));
    }
  }
}

/**
 * Per channel, from the simulator's cumulative counters sampled over time: the accepted calls per
 * second over the steady window (10% to 90% of the channel's accepted calls, each crossing
 * interpolated between samples), and over the whole phase (first to last accepted call seen).
 */
function throughput(samples: StatsSample[], account: string, channel: string, from: number) {
  const accepted = (s: StatsSample) => {
    const a = s.accounts[account]?.[channel];
    return a ? a.calls - a.throttled - a.faults : 0;
  };
  const points = samples.filter((s) => s.t >= from).map((s) => ({ t: s.t, v: accepted(s) }));
  const total = points.length ? (points[points.length - 1] as { v: number }).v : 0;
  const crossing = (level: number) => {
    for (let i = 1; i < points.length; i++) {
      const a = points[i - 1] as { t: number; v: number };
      const b = points[i] as { t: number; v: number };
      if (b.v >= level && a.v < level) return a.t + ((level - a.v) / (b.v - a.v)) * (b.t - a.t);
    }
    return NaN;
  };
  // Accepted calls in each whole second from `from` (the samples' deltas, placed at their second).
  const perSecond: number[] = [];
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1] as { t: number; v: number };
    const b = points[i] as { t: number; v: number };
    const k = Math.floor((b.t - from) / 1000);
    perSecond[k] = (perSecond[k] ?? 0) + b.v - a.v;
  }
  const perSecondAt = (k: number) => perSecond[k] ?? 0;
  const lo = crossing(0.1 * total);
  const hi = crossing(0.9 * total);
  const steady = (0.8 * total) / ((hi - lo) / 1000);
  // Whole seconds inside the window (its partial first and last seconds left out).
  const firstWhole = Math.ceil((lo - from) / 1000);
  const wholeSeconds = Number.isFinite(lo) && Number.isFinite(hi) ? Math.max(0, Math.floor((hi - from) / 1000) - firstWhole) : 0;
  const inWindow = Array.from({ length: wholeSeconds }, (_, k) => perSecondAt(firstWhole + k));
  const firstSeen = points.find((p) => p.v > 0)?.t ?? NaN;
  const lastChange = points.find((p) => p.v === total)?.t ?? NaN;
  return {
    acceptedCalls: total,
    steadyWindow: {
      fromSeconds: round((lo - from) / 1000, 1),
      toSeconds: round((hi - from) / 1000, 1),
      callsPerSecond: round(steady),
      medianSecond: summary(inWindow).p50,
      secondsBelow90PercentOfQuota: inWindow.filter((c) => c < 0.9 * Q).length,
      seconds: inWindow.length,
    },
    wholePhaseCallsPerSecond: round(total / ((lastChange - from) / 1000)),
    firstCallSeenSeconds: round((firstSeen - from) / 1000, 1),
    lastCallSeenSeconds: round((lastChange - from) / 1000, 1),
    acceptedCallsEachSecond: Array.from({ length: Math.ceil((lastChange - from) / 1000) + 1 }, (_, k) => perSecond[k] ?? 0),
  };
}

/** Objects per reference on one account: duplicates (more than one object carrying a reference). */
function duplicatesOf(objects: SimObject[]) {
  const perReference = new Map<string, number>();
  for (const o of objects) perReference.set(`${o.channel}/${o.externalReference}`, (perReference.get(`${o.channel}/${o.externalReference}`) ?? 0) + 1);
  const counts = [...perReference.values()];
  return { references: counts.length, objects: objects.length, duplicateObjects: objects.filter((o) => o.duplicateIndex > 0).length, referencesWithDuplicates: counts.filter((c) => c > 1).length, maxObjectsPerReference: Math.max(0, ...counts) };
}

function campaignInput(i: number): CreateCampaignRequest {
  const now = Date.now();
  return {
    idempotencyKey: `bench-${i}`,
    name: `Bench campaign ${i}`,
    brief: 'Garden tools, 20% off for two weeks. Friendly tone.',
    timeZone: TZ,
    startAt: instantToLocal(now, TZ),
    // Long enough that no creative is skipped for the end: the run ends once every creative is reviewed.
    endAt: instantToLocal(now + 6 * 3600_000, TZ),
    budget: { total: 900, currency: 'EUR' },
    channels: AD_CHANNELS.map((channel) => ({ channel, budget: 300, creatives: 1 })),
    approval: { remindAfterSeconds: 3000, expireAfterSeconds: 3600 },
    reviewPollSeconds: 1,
  };
}

const command = ['npm run bench:campaigns', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' ');
const progressSoFar: Record<string, unknown> = {};
function writeResult(name: string, result: object): string {
  const outDir = path.join(repoRoot, 'bench', 'campaigns', 'results');
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, name);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return path.relative(repoRoot, file);
}
function gitState() {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'apps/campaign-worker', 'apps/channels-sim', 'libs/campaigns'], { cwd: repoRoot, encoding: 'utf8' }).split('\n').filter(Boolean).length;
    return { head, uncommittedCampaignFiles: dirty };
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const loadBefore = loadavg().map((l) => Number(l.toFixed(2)));
  const startedAt = Date.now();
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(LOGS, { recursive: true });
  log(`starting Temporal (dev server), PostgreSQL and Pulsar in ${DIR}`);
  const infra = await startInfrastructure({
    dir: DIR,
    temporalPort: await freePort(),
    persistent: false,
    postgresPort: await freePort(),
    databaseUrl: process.env.DATABASE_URL,
    pulsar: { webPort: await freePort(), brokerPort: await freePort() },
    log,
  });
  if (infra.pulsarUnavailable) log(`Pulsar unavailable (${infra.pulsarUnavailable}): events wait in the outbox`);
  const connection = await Connection.connect({ address: infra.temporal.address });
  const client = new Client({ connection, namespace: infra.temporal.namespace });
  await createDatabaseIfMissing(infra.postgres.url, WORKER_DATABASE);
  const workerUrl = databaseUrl(infra.postgres.url, WORKER_DATABASE);
  const db = createDb<CampaignsDatabase>(workerUrl, { maxConnections: 2 });
  const processes: ManagedProcess[] = [];

  // The campaign workflows bundled from the working tree (a stale dist/ bundle would measure other code).
  const bundle = path.join(DIR, 'campaign-worker.js');
  await buildWorkflowBundle(require.resolve('@fleet/campaigns-workflows'), bundle);

  // The simulators, each its own process: Q calls/s per channel and account (a bucket of Q), no disapprovals (a disapproval would fail an all-or-nothing campaign and add its compensation's calls).
  const simPort = await freePort();
  const llmPort = await freePort();
  const simQuotas = Object.fromEntries(Object.values(SIM_CHANNEL).map((c) => [c, { ratePerSecond: Q }]));
  processes.push(
    spawnApp('channels-sim', 'channels-sim', { CHANNELS_SIM_PORT: String(simPort), CHANNELS_SIM_QUOTAS: JSON.stringify(simQuotas), CHANNELS_SIM_DISAPPROVAL_RATE: '0', CHANNELS_SIM_REVIEW_MIN_MS: String(REVIEW_MIN_MS), CHANNELS_SIM_REVIEW_MAX_MS: String(REVIEW_MAX_MS) }, LOGS),
    spawnApp('llm-sim', 'llm-sim', { LLM_SIM_PORT: String(llmPort) }, LOGS),
  );
  await Promise.all([waitForPort(simPort, 60_000), waitForPort(llmPort, 60_000)]);
  const simUrl = `http://127.0.0.1:${simPort}`;
  const sim = simClient(simUrl);

  // The worker as deployed: its own process, each channel's quota configured at Q.
  const heapBefore = process.env.FLEET_APP_HEAP_MB;
  process.env.FLEET_APP_HEAP_MB = args['heap-mb'];
  const workerEnv: Record<string, string> = {
    TEMPORAL_ADDRESS: infra.temporal.address,
    TEMPORAL_NAMESPACE: infra.temporal.namespace,
    DATABASE_URL: workerUrl,
    WORKFLOW_BUNDLE: bundle,
    SCHEDULE_FILE: 'none',
    CHANNELS_URL: simUrl,
    CHANNELS_ACCOUNT: FLEET_ACCOUNT,
    QUOTA_GOOGLE: String(Q),
    QUOTA_META: String(Q),
    QUOTA_LINKEDIN: String(Q),
    LLM_BASE_URL: `http://127.0.0.1:${llmPort}/v1`,
    LLM_MODEL: 'fleet-sim',
    AI_CONCURRENCY: args['ai-concurrency'],
    ...(args.activities ? { MAX_CONCURRENT_ACTIVITIES: args.activities } : {}),
    ...(args.pool ? { DATABASE_POOL_SIZE: args.pool } : {}),
    ...(infra.pulsar ? { PULSAR_WS_URL: infra.pulsar.wsUrl, PULSAR_ADMIN_URL: infra.pulsar.adminUrl } : {}),
  };
  const worker = spawnApp('campaign-worker', 'campaign-worker', workerEnv, LOGS);
  processes.push(worker);
  if (heapBefore === undefined) delete process.env.FLEET_APP_HEAP_MB;
  else process.env.FLEET_APP_HEAP_MB = heapBefore;
  let abort: (err: Error) => void = () => undefined;
  const gone = new Promise<never>((_, reject) => (abort = reject));
  gone.catch(() => undefined);
  void worker.exited.then((code) => abort(new Error(`the worker process exited (code ${code}); its log: ${path.join(LOGS, 'campaign-worker.log')}`)));
  const race = <T>(p: Promise<T>) => Promise.race([gone, p]);

  // Sampling: the simulator's counters and the worker's memory, each second, for the whole run.
  const samples: StatsSample[] = [];
  const memory: { t: number; rssMb: number }[] = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const t = Date.now();
      memory.push({ t, rssMb: procStatus(worker.pid).rssMb });
      try {
        samples.push({ t, accounts: await sim.stats() });
      } catch {
        // the simulator busy for a second: the next sample counts
      }
      await sleep(t + 1000 - Date.now());
    }
  })();
  const marks: Record<string, number> = {};
  const mark = (name: string) => {
    marks[name] = Date.now();
    progressSoFar.phases = Object.fromEntries(Object.entries(marks).map(([k, v]) => [k, round((v - startedAt) / 1000, 1)]));
  };

  try {
    // ---- prepare: create (update-with-start), content by the LLM, submit, approve ----
    const keys = Array.from({ length: N }, (_, i) => `bench-${i}`);
    const campaignIds: string[] = new Array<string>(N);
    const handles = keys.map((k) => client.workflow.getHandle<() => Promise<CampaignView>>(campaignWorkflowId(k)));
    // The first create also waits for the worker to be up (migrations, workflows bundled already).
    const firstUp = Date.now();
    await race(
      retrying(
        'the first create',
        () =>
          client.workflow.executeUpdateWithStart(campaignCreateUpdate, {
            args: [campaignInput(0)],
            startWorkflowOperation: new WithStartWorkflowOperation('campaignWorkflow', { workflowId: campaignWorkflowId(keys[0] as string), taskQueue: CAMPAIGNS_TASK_QUEUE, args: [campaignInput(0)], workflowIdConflictPolicy: 'USE_EXISTING' }),
          }),
        20,
      ),
    );
    log(`worker up in ${((Date.now() - firstUp) / 1000).toFixed(1)} s (RSS ${procStatus(worker.pid).rssMb} MB); preparing ${N} campaigns, ${CONCURRENCY} at a time`);
    mark('prepare start');
    let prepared = 0;
    let lastProgress = Date.now();
    const stallWatch = setInterval(() => {
      if (Date.now() - lastProgress > STALL_MS) abort(new Error(`stalled: no progress for ${STALL_MS / 1000} s (worker log: ${path.join(LOGS, 'campaign-worker.log')})`));
    }, 5000);
    try {
      await race(
        lanes(N, CONCURRENCY, async (i) => {
          const input = campaignInput(i);
          const view = await retrying(`create ${i}`, () =>
            client.workflow.executeUpdateWithStart(campaignCreateUpdate, {
              args: [input],
              startWorkflowOperation: new WithStartWorkflowOperation('campaignWorkflow', { workflowId: campaignWorkflowId(input.idempotencyKey), taskQueue: CAMPAIGNS_TASK_QUEUE, args: [input], workflowIdConflictPolicy: 'USE_EXISTING' }),
            }),
          );
          campaignIds[i] = view.campaignId as string;
          const handle = handles[i] as WorkflowHandle;
          // A repeated Update after a lost answer finds the state moved on: refused, and that is success.
          const moved = (state: string) => async () => {
            const v = await handle.query<CampaignView>('campaignState');
            if (v.state !== state) throw new Error(`campaign ${i} is ${v.state}`);
          };
          await retrying(`submit ${i}`, () => handle.executeUpdate(campaignSubmitUpdate, { args: [{ by: 'alice' }] }).catch(async (err: unknown) => (await moved('in_review')().then(() => undefined, () => Promise.reject(err)))));
          await retrying(`approve ${i}`, () => handle.executeUpdate(campaignApproveUpdate, { args: [{ by: 'bob', reason: 'benchmark' }] }).catch(async (err: unknown) => (await moved('approved')().then(() => undefined, () => Promise.reject(err)))));
          prepared += 1;
          lastProgress = Date.now();
          progressSoFar.prepared = prepared;
          if (prepared % Math.max(1, Math.round(N / 5)) === 0) log(`prepared ${prepared}/${N} (worker RSS ${procStatus(worker.pid).rssMb} MB)`);
        }),
      );
      mark('prepare end');
      const prepareSeconds = (marks['prepare end'] as number) - (marks['prepare start'] as number);
      log(`prepared ${N} campaigns in ${(prepareSeconds / 1000).toFixed(1)} s`);
      const byId = new Map(campaignIds.map((id, i) => [id, i]));

      // ---- publish: schedule all (start now); cancel M mid-publish; until every creative is reviewed ----
      mark('publish start');
      const t0 = marks['publish start'] as number;
      const scheduledAt = new Array<number>(N).fill(NaN);
      const scheduling = race(
        lanes(N, CONCURRENCY * 2, async (i) => {
          const handle = handles[i] as WorkflowHandle;
          await retrying(`schedule ${i}`, () => handle.executeUpdate(campaignScheduleUpdate, { args: [{ by: 'bob' }] }).then(() => undefined).catch(async (err: unknown) => {
            const v = await handle.query<CampaignView>('campaignState');
            if (v.state === 'draft' || v.state === 'in_review' || v.state === 'approved') throw err;
          }));
          scheduledAt[i] = Date.now();
          lastProgress = Date.now();
        }),
      ).then(() => {
        mark('scheduled');
        log(`scheduled ${N} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      });

      // The cancels: once CANCEL_AT of the creates are out, campaigns with some channels out and others not yet.
      const cancelled = new Map<number, { publishedAtCancel: string[]; at: number }>();
      const totalCreates = (account: string) => Object.values(samples[samples.length - 1]?.accounts[account] ?? {}).reduce((n, s) => n + s.creates, 0);
      let cancelDone = M === 0;
      const cancelling = (async () => {
        if (M === 0) return;
        while (totalCreates(FLEET_ACCOUNT) < CANCEL_AT * 3 * N) await sleep(250);
        mark('cancel start');
        for (let round_ = 0; cancelled.size < M; round_++) {
          const objects = await sim.objects(FLEET_ACCOUNT);
          const out = new Map<string, Set<string>>();
          for (const o of objects) {
            const { campaignId, channel } = splitReference(o.externalReference);
            if (!out.has(campaignId)) out.set(campaignId, new Set());
            (out.get(campaignId) as Set<string>).add(channel);
          }
          const partial = [...out.entries()].filter(([id, chs]) => byId.has(id) && !cancelled.has(byId.get(id) as number) && chs.size >= 1 && chs.size < AD_CHANNELS.length);
          const pick = partial.slice(0, M - cancelled.size);
          await Promise.all(
            pick.map(async ([id, chs]) => {
              const i = byId.get(id) as number;
              cancelled.set(i, { publishedAtCancel: [...chs].sort(), at: Date.now() });
              await retrying(`cancel ${i}`, () => (handles[i] as WorkflowHandle).executeUpdate(campaignCancelUpdate, { args: [{ by: 'carol', reason: 'benchmark: cancelled mid-publish' }] }));
            }),
          );
          if (cancelled.size >= M) break;
          if (out.size >= N && partial.length === 0) {
            log(`only ${cancelled.size} campaigns could be cancelled mid-publish (every other one fully out)`);
            break;
          }
          await sleep(500);
        }
        mark('cancel end');
        cancelDone = true;
        log(`cancelled ${cancelled.size} campaigns mid-publish (${[...cancelled.values()].filter((c) => c.publishedAtCancel.length === 1).length} with 1 channel out, ${[...cancelled.values()].filter((c) => c.publishedAtCancel.length === 2).length} with 2)`);
      })();

      scheduling.catch((err: unknown) => abort(err instanceof Error ? err : new Error(String(err))));
      cancelling.catch((err: unknown) => abort(err instanceof Error ? err : new Error(String(err))));

      // Done: every creative of every campaign not cancelled reviewed (approved), and every cancelled workflow ended.
      const expectApproved = () => 3 * (N - cancelled.size);
      let lastApproved = -1;
      for (;;) {
        await race(sleep(2000));
        const rows = await db.selectFrom('campaign_publications').select(['campaign_id', 'status']).execute();
        const cancelledIds = new Set([...cancelled.keys()].map((i) => campaignIds[i]));
        const approved = rows.filter((r) => r.status === 'approved' && !cancelledIds.has(r.campaign_id)).length;
        if (approved !== lastApproved) {
          lastApproved = approved;
          lastProgress = Date.now();
          progressSoFar.approved = approved;
        }
        if (Date.now() - t0 > 5000 && Math.round((Date.now() - t0) / 1000) % 20 < 2) log(`publish: ${approved}/${expectApproved()} creatives approved, ${cancelled.size} cancelled, worker RSS ${procStatus(worker.pid).rssMb} MB`);
        if (approved >= expectApproved() && cancelDone) break;
      }
      await race(scheduling);
      await race(cancelling);
      mark('all approved');
      log(`every creative of the ${N - cancelled.size} campaigns not cancelled approved after ${((Date.now() - t0) / 1000).toFixed(1)} s; waiting for the cancelled ones' compensation`);
      const cancelledResults = await race(Promise.all([...cancelled.keys()].map(async (i) => ({ i, view: await (handles[i] as WorkflowHandle<() => Promise<CampaignView>>).result() }))));
      mark('compensated');
      await sleep(2500); // the last calls in the samples
      const fleetSamplesEnd = samples.length;
      clearInterval(stallWatch);

      // ---- Fleet's figures ----
      const fleetObjects = await sim.objects(FLEET_ACCOUNT);
      const fleetSamples = samples.slice(0, fleetSamplesEnd);
      const finalStats = fleetSamples[fleetSamples.length - 1]?.accounts[FLEET_ACCOUNT] ?? {};
      const publications = await db.selectFrom('campaign_publications').select(['campaign_id', 'channel', 'status', 'published_at', 'reviewed_at', 'unpublished_at']).execute();
      const limits = await db.selectFrom('campaign_channel_limits').selectAll().execute();
      const cancelledSet = new Set(cancelled.keys());
      const lastReviewedOf = new Map<string, number>();
      for (const p of publications) if (p.status === 'approved' && p.reviewed_at) lastReviewedOf.set(p.campaign_id, Math.max(lastReviewedOf.get(p.campaign_id) ?? 0, new Date(p.reviewed_at).getTime()));
      const e2e = campaignIds.flatMap((id, i) => (cancelledSet.has(i) || !lastReviewedOf.has(id) ? [] : [(lastReviewedOf.get(id) as number) - (scheduledAt[i] as number)]));
      const createTimes = fleetObjects.map((o) => Date.parse(o.createdAt));
      const fleetChannels = Object.fromEntries(
        AD_CHANNELS.map((channel) => {
          const simChannel = SIM_CHANNEL[channel];
          const s = finalStats[simChannel] ?? { calls: 0, creates: 0, duplicates: 0, removes: 0, throttled: 0, faults: 0 };
          const tp = throughput(fleetSamples, FLEET_ACCOUNT, simChannel, t0);
          const objects = fleetObjects.filter((o) => o.channel === simChannel);
          const lastCreate = Math.max(...objects.map((o) => Date.parse(o.createdAt)));
          return [
            channel,
            {
              quotaPerSecond: Q,
              ...tp,
              ratioToQuota: round((tp.steadyWindow.callsPerSecond ?? NaN) / Q, 3),
              calls: s.calls,
              refusals429: s.throttled,
              faults: s.faults,
              creates: s.creates,
              removes: s.removes,
              duplicates: s.duplicates,
              callsPerCreative: round(s.calls / Math.max(1, s.creates), 2),
              lastCreateSeconds: round((lastCreate - t0) / 1000, 1),
              creativesPerSecond: round(objects.length / ((lastCreate - t0) / 1000)),
              limiter: limits.find((l) => l.channel === channel) ?? null,
            },
          ];
        }),
      );
      const compensated = cancelledResults.map(({ i, view }) => {
        const id = campaignIds[i] as string;
        const mine = fleetObjects.filter((o) => splitReference(o.externalReference).campaignId === id);
        const live = mine.filter((o) => o.state !== 'REMOVED').length;
        return { i, campaignId: id, state: view.state, compensation: view.compensation.status, unpublished: view.compensation.unpublished, objects: mine.length, live, ok: view.state === 'cancelled' && view.compensation.status === 'done' && live === 0, publishedAtCancel: cancelled.get(i)?.publishedAtCancel ?? [] };
      });
      const fleetDup = duplicatesOf(fleetObjects);
      const rss = memory.filter((m) => m.t >= (marks['prepare start'] as number)).map((m) => m.rssMb);
      const publishRss = memory.filter((m) => m.t >= t0 && m.t <= (marks.compensated as number)).map((m) => m.rssMb);
      const fleet = {
        campaigns: N,
        prepare: { seconds: round(prepareSeconds / 1000, 1), perSecond: round(N / (prepareSeconds / 1000)), concurrency: CONCURRENCY },
        publish: {
          scheduleSeconds: round(((marks.scheduled as number) - t0) / 1000, 1),
          lastCreateSeconds: round((Math.max(...createTimes) - t0) / 1000, 1),
          allApprovedSeconds: round(((marks['all approved'] as number) - t0) / 1000, 1),
          compensatedSeconds: round(((marks.compensated as number) - t0) / 1000, 1),
          endToEndPerCampaignMs: { ...summary(e2e), what: 'schedule Update answered -> its last creative approved (review read), campaigns not cancelled' },
        },
        channels: fleetChannels,
        totals: { refusals429: AD_CHANNELS.reduce((n, c) => n + (fleetChannels[c]?.refusals429 ?? 0), 0), duplicates: fleetDup.duplicateObjects, ...fleetDup },
        cancelled: {
          asked: M,
          cancelled: compensated.length,
          compensated: compensated.filter((c) => c.ok).length,
          withOneChannelOutAtCancel: compensated.filter((c) => c.publishedAtCancel.length === 1).length,
          withTwoChannelsOutAtCancel: compensated.filter((c) => c.publishedAtCancel.length === 2).length,
          objectsCreated: compensated.reduce((n, c) => n + c.objects, 0),
          objectsLeftLive: compensated.reduce((n, c) => n + c.live, 0),
          unpublishedByCompensation: compensated.reduce((n, c) => n + c.unpublished, 0),
          notCompensated: compensated.filter((c) => !c.ok).slice(0, 20),
        },
        workerMemoryMb: { peakSampled: Math.max(0, ...rss), mean: Math.round(rss.reduce((a, b) => a + b, 0) / Math.max(1, rss.length)), publishPhaseMean: Math.round(publishRss.reduce((a, b) => a + b, 0) / Math.max(1, publishRss.length)), peakHwm: procStatus(worker.pid).hwmMb, end: procStatus(worker.pid).rssMb },
      };
      progressSoFar.fleet = fleet;

      // ---- the naive publisher, side by side on a fresh account ----
      let naive: Record<string, unknown> | undefined;
      if (args.naive !== 'off') {
        log(`naive publisher: ${N} campaigns on account ${NAIVE_ACCOUNT}, no limiter, default retries (at most ${NAIVE_TIMEOUT_MS / 1000} s)`);
        const naiveWorker = spawnManaged({
          name: 'naive-publisher',
          command: process.execPath,
          args: [...appNodeArgs(), path.join(repoRoot, 'bench', 'campaigns', 'naive-publisher.ts')],
          cwd: repoRoot,
          env: { ...process.env, TEMPORAL_ADDRESS: infra.temporal.address, TEMPORAL_NAMESPACE: infra.temporal.namespace, CHANNELS_URL: simUrl, NAIVE_ACCOUNT },
          logFile: path.join(LOGS, 'naive-publisher.log'),
        });
        processes.push(naiveWorker);
        const naiveMemory: number[] = [];
        // Polling before the publish starts, so its clock starts at its first dispatch rather than at its bundling.
        for (const deadline = Date.now() + 120_000; ; ) {
          const { pollers } = await connection.workflowService.describeTaskQueue({ namespace: infra.temporal.namespace, taskQueue: { name: NAIVE_TASK_QUEUE }, taskQueueType: 1 });
          if (pollers && pollers.length > 0) break;
          if (Date.now() > deadline) throw new Error(`the naive publisher did not poll within 120 s (log: ${path.join(LOGS, 'naive-publisher.log')})`);
          await sleep(500);
        }
        mark('naive start');
        const n0 = marks['naive start'] as number;
        const closedAt = new Array<number>(N).fill(NaN);
        const naiveStarted = new Array<number>(N).fill(NaN);
        let closed = 0;
        const memSampler = setInterval(() => naiveMemory.push(procStatus(naiveWorker.pid).rssMb), 1000);
        const starting = lanes(N, CONCURRENCY * 2, async (i) => {
          const input: NaivePublishInput = { reference: `naive-${i}`, headline: `Bench campaign ${i}`, body: 'Garden tools, 20% off for two weeks.', budget: 300 };
          const handle = await retrying(`naive start ${i}`, () => client.workflow.start('naivePublishWorkflow', { workflowId: `naive-${i}`, taskQueue: NAIVE_TASK_QUEUE, args: [input] }));
          naiveStarted[i] = Date.now();
          void handle.result().then(
            () => {
              closedAt[i] = Date.now();
              closed += 1;
            },
            () => undefined,
          );
        });
        await starting;
        mark('naive started');
        while (closed < N && Date.now() - n0 < NAIVE_TIMEOUT_MS) await sleep(1000);
        mark('naive end');
        clearInterval(memSampler);
        const nEnd = marks['naive end'] as number;
        await sleep(2500);
        const naiveObjects = await sim.objects(NAIVE_ACCOUNT);
        const naiveSamples = samples.slice(fleetSamplesEnd);
        const nFinal = naiveSamples[naiveSamples.length - 1]?.accounts[NAIVE_ACCOUNT] ?? {};
        const nDup = duplicatesOf(naiveObjects);
        const naiveChannels = Object.fromEntries(
          AD_CHANNELS.map((channel) => {
            const simChannel = SIM_CHANNEL[channel];
            const s = nFinal[simChannel] ?? { calls: 0, creates: 0, duplicates: 0, removes: 0, throttled: 0, faults: 0 };
            const tp = throughput(naiveSamples, NAIVE_ACCOUNT, simChannel, n0);
            const objects = naiveObjects.filter((o) => o.channel === simChannel);
            const references = new Set(objects.map((o) => o.externalReference)).size;
            const lastCreate = Math.max(...objects.map((o) => Date.parse(o.createdAt)));
            return [
              channel,
              {
                quotaPerSecond: Q,
                ...tp,
                ratioToQuota: round((tp.steadyWindow.callsPerSecond ?? NaN) / Q, 3),
                calls: s.calls,
                refusals429: s.throttled,
                creates: s.creates,
                duplicates: s.duplicates,
                campaignsOut: references,
                lastCreateSeconds: round((lastCreate - n0) / 1000, 1),
                creativesPerSecond: round(references / ((lastCreate - n0) / 1000)),
              },
            ];
          }),
        );
        const e2eNaive = closedAt.flatMap((c, i) => (Number.isFinite(c) ? [c - (naiveStarted[i] as number)] : []));
        naive = {
          campaigns: N,
          completed: closed,
          timedOut: closed < N,
          seconds: round((nEnd - n0) / 1000, 1),
          endToEndPerCampaignMs: { ...summary(e2eNaive), what: 'workflow started -> its activity succeeded on all three channels' },
          channels: naiveChannels,
          totals: { refusals429: AD_CHANNELS.reduce((n, c) => n + (naiveChannels[c]?.refusals429 ?? 0), 0), duplicates: nDup.duplicateObjects, ...nDup },
          workerMemoryMb: { peakSampled: Math.max(0, ...naiveMemory), mean: Math.round(naiveMemory.reduce((a, b) => a + b, 0) / Math.max(1, naiveMemory.length)) },
          setup: 'bench/campaigns/naive-publisher.ts as its own process: one activity per campaign creating the google, meta and linkedin objects in a row with fetch, no lookup, no limiter, Temporal default retry policy (1 s doubling to 100 s, unlimited), SDK default worker options (100 activities at once), content fixed (no LLM), account "naive" (its own quota buckets)',
        };
        await naiveWorker.stop();
      }
      sampling = false;
      await sampler;

      // ---- results ----
      const fleetPublishSeconds = fleet.publish.lastCreateSeconds ?? NaN;
      const naivePublishSeconds = (naive?.seconds as number | undefined) ?? NaN;
      const targets = Object.fromEntries(
        AD_CHANNELS.map((c) => {
          const ch = fleetChannels[c] as { ratioToQuota: number | null; refusals429: number; duplicates: number };
          return [c, { ratio: ch.ratioToQuota, ratioPass: ch.ratioToQuota !== null && ch.ratioToQuota >= TARGETS.ratioMin && ch.ratioToQuota <= TARGETS.ratioMax + 0.005, refusals429: ch.refusals429, refusalsPass: ch.refusals429 === 0, duplicates: ch.duplicates, duplicatesPass: ch.duplicates === 0 }];
        }),
      );
      const result = {
        benchmark: 'campaigns',
        at: new Date().toISOString(),
        command,
        git: gitState(),
        machine: { ...machine(), loadAverageBefore: loadBefore, loadAverageAfter: loadavg().map((l) => Number(l.toFixed(2))) },
        setup: {
          temporal: 'dev server (temporal CLI), in memory, one shard',
          pulsar: infra.pulsar ? 'standalone (the worker relays its outbox)' : `unavailable: ${infra.pulsarUnavailable}`,
          worker: `apps/campaign-worker/src/main.ts as its own process (node --max-old-space-size=${args['heap-mb']} + tsx), its workflows bundled from the working tree, QUOTA_GOOGLE/META/LINKEDIN=${Q}, AI_CONCURRENCY=${args['ai-concurrency']}, MAX_CONCURRENT_ACTIVITIES=${args.activities || '8 (default)'} per task queue, DATABASE_POOL_SIZE=${args.pool || '10 (default)'}, SCHEDULE_FILE=none`,
          simulator: `apps/channels-sim as its own process: ${Q} calls/s per channel and account (token bucket of ${Math.max(1, Math.ceil(Q))}), reviews ${REVIEW_MIN_MS}-${REVIEW_MAX_MS} ms, disapproval rate 0, no faults; every call (lookup, create, review read, remove) counts against the quota`,
          llm: 'apps/llm-sim as its own process (deterministic OpenAI-compatible)',
          campaigns: `${N}, channels google, meta, linkedin with 1 creative each, all-or-nothing, review polled from 1 s; prepared (create, content, submit, approve) first, then all scheduled to start now`,
          cancelled: `${M}, once ${Math.round(CANCEL_AT * 100)}% of the creates were out, chosen among campaigns with 1 or 2 of their 3 channels out`,
          throughput: 'accepted calls (calls - 429s - faults) per second from the simulator counters sampled each second; steady window from 10% to 90% of the channel\'s accepted calls (interpolated)',
          memory: 'RSS of the worker process from /proc/<pid>/status sampled each second (mean over the run from the first prepare, and over the publish phase); VmHWM for the peak',
          concurrency: CONCURRENCY,
        },
        targets: { perChannel: targets, description: `calls/s within 5% of the quota (ratio ${TARGETS.ratioMin}-${TARGETS.ratioMax}), 0 refusals, 0 duplicates; every cancelled campaign compensated`, cancelledAllCompensated: fleet.cancelled.compensated === fleet.cancelled.cancelled && fleet.cancelled.cancelled === M },
        fleet,
        naive: naive ?? null,
        sideBySide: naive
          ? {
              publishSecondsFleetOverNaive: round(fleetPublishSeconds / naivePublishSeconds),
              refusals429: { fleet: fleet.totals.refusals429, naive: (naive.totals as { refusals429: number }).refusals429 },
              duplicates: { fleet: fleet.totals.duplicates, naive: (naive.totals as { duplicates: number }).duplicates },
              perChannel: Object.fromEntries(
                AD_CHANNELS.map((c) => {
                  const f = fleetChannels[c] as { steadyWindow: { callsPerSecond: number | null }; creativesPerSecond: number | null };
                  const n = (naive?.channels as Record<string, { steadyWindow: { callsPerSecond: number | null }; creativesPerSecond: number | null; duplicates: number }>)[c];
                  return [c, { acceptedCallsPerSecond: { fleet: f.steadyWindow.callsPerSecond, naive: n?.steadyWindow.callsPerSecond }, campaignsOutPerSecond: { fleet: f.creativesPerSecond, naive: n?.creativesPerSecond, fleetOverNaive: round((f.creativesPerSecond ?? NaN) / (n?.creativesPerSecond ?? NaN)) } }];
                }),
              ),
            }
          : null,
        phases: Object.fromEntries(Object.entries(marks).map(([k, v]) => [k, round((v - startedAt) / 1000, 1)])),
        wallSeconds: Math.round((Date.now() - startedAt) / 1000),
      };
      const file = writeResult(`campaigns-${N}${args.label ? `-${args.label}` : ''}.json`, result);

      const rows: [string, string, string][] = [
        [`prepare ${N} (create..approve)`, `${fleet.prepare.seconds} s, ${fleet.prepare.perSecond}/s`, ''],
        [`publish: last create/approved`, `${fleet.publish.lastCreateSeconds} / ${fleet.publish.allApprovedSeconds} s`, naive ? `naive ${naive.seconds} s (${naive.completed}/${N} done)` : ''],
      ];
      for (const c of AD_CHANNELS) {
        const f = fleetChannels[c] as { steadyWindow: { callsPerSecond: number | null }; ratioToQuota: number | null; refusals429: number; duplicates: number; callsPerCreative: number | null };
        const n = (naive?.channels as Record<string, { steadyWindow: { callsPerSecond: number | null }; refusals429: number; duplicates: number }> | undefined)?.[c];
        rows.push([`${c} calls/s (ratio)`, `${f.steadyWindow.callsPerSecond} (${f.ratioToQuota})`, `0.95-1.0${n ? `; naive ${n.steadyWindow.callsPerSecond}/s accepted` : ''}`]);
        rows.push([`${c} 429s / duplicates`, `${f.refusals429} / ${f.duplicates}`, `0 / 0${n ? `; naive ${n.refusals429} / ${n.duplicates}` : ''}`]);
      }
      rows.push(
        ['e2e per campaign p50/p99', `${fleet.publish.endToEndPerCampaignMs.p50} / ${fleet.publish.endToEndPerCampaignMs.p99} ms`, naive ? `naive ${(naive.endToEndPerCampaignMs as { p50: number }).p50} / ${(naive.endToEndPerCampaignMs as { p99: number }).p99} ms` : ''],
        [`cancelled mid-publish`, `${fleet.cancelled.compensated}/${fleet.cancelled.cancelled} compensated`, `${M}/${M}, ${fleet.cancelled.objectsLeftLive} left live (0)`],
        ['worker RSS peak / mean', `${fleet.workerMemoryMb.peakHwm} / ${fleet.workerMemoryMb.mean} MB`, naive ? `naive ${(naive.workerMemoryMb as { peakSampled: number }).peakSampled} / ${(naive.workerMemoryMb as { mean: number }).mean} MB` : ''],
      );
      printRows(rows);
      console.log(`\nwritten to ${file}`);
    } finally {
      clearInterval(stallWatch);
    }
  } catch (err) {
    const file = writeResult(`campaigns-${N}${args.label ? `-${args.label}` : ''}-stopped.json`, { benchmark: 'campaigns', at: new Date().toISOString(), command, machine: machine(), stopped: String(err instanceof Error ? err.message : err), ...progressSoFar, workerRssMbHwm: procStatus(worker.pid).hwmMb });
    console.log(`stopped: written to ${file}`);
    throw err;
  } finally {
    sampling = false;
    await sampler.catch(() => undefined);
    for (const p of processes.reverse()) await p.stop().catch(() => undefined);
    await db.destroy();
    await connection.close();
    await infra.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
