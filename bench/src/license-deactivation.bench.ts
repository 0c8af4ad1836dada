/**
 * License deactivation benchmark: seeds N expired agents (100k by default; `--agents 1000000`),
 * runs the whole path through the Temporal dev server and the real license worker process, then
 * processes the same data with the seed design's row-at-a-time strategy, side by side in the same
 * run, and writes JSON under bench/results/.
 *
 *   npm run bench -- --agents 1000000
 */
import { LICENSE_TASK_QUEUE, LICENSE_WORKFLOW_TYPES, DEACTIVATION_DEFAULTS, type LicenseDeactivationSummary } from '@fleet/license-contracts';
import { licenseMigrations, type LicenseDatabase } from '@fleet/license-data-access';
import { seedAgents } from '@fleet/license-data-access/testing';
import { createDatabaseIfMissing, createDb, databaseUrl, migrateToLatest } from '@fleet/shared-db';
import { appNodeArgs, buildAllBundles, fleetDir, repoRoot, spawnManaged } from '@fleet/tools-infra';
import { Client, Connection } from '@temporalio/client';
import { sql } from 'kysely';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BASELINE_TASK_QUEUE } from './baseline-worker';
import { machine, printRows, startBenchInfrastructure, writeResult } from './common';
import { historyStats, type RunStats } from './history-stats';

const { values: args } = parseArgs({
  options: {
    agents: { type: 'string', default: '100000' },
    'batch-size': { type: 'string', default: String(DEACTIVATION_DEFAULTS.batchSize) },
    concurrency: { type: 'string', default: String(DEACTIVATION_DEFAULTS.pageConcurrency) },
    'baseline-agents': { type: 'string' },
  },
});
const agents = Number(args.agents);
const batchSize = Number(args['batch-size']);
const concurrency = Number(args.concurrency);
const baselineAgents = Number(args['baseline-agents'] ?? agents);
for (const [name, value] of Object.entries({ agents, batchSize, concurrency, baselineAgents })) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
}

const TARGETS = { millionSeconds: 120, speedup: 10, payloadBytes: 256 * 1024, workerMemoryMb: 400 };

interface Measured {
  strategy: string;
  agents: number;
  pageSize: number;
  pageConcurrency: number;
  wallSeconds: number;
  agentsPerSecond: number;
  peakWorkerRssMb: number;
  history: RunStats;
  summary: Pick<LicenseDeactivationSummary, 'agentsDeactivated' | 'notificationsQueued' | 'failures' | 'pages' | 'executions'>;
  verifiedDeactivated: number;
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

async function main(): Promise<void> {
  const dir = path.join(fleetDir, 'bench', 'license-deactivation');
  const log = (line: string) => console.log(`[bench] ${line}`);
  log(`starting Temporal and PostgreSQL in ${dir}`);
  // Same server, same settings for both strategies; durability left on.
  const infra = await startBenchInfrastructure('license-deactivation', {
    postgresSettings: { shared_buffers: '512MB', max_wal_size: '8GB', checkpoint_timeout: '30min' },
  });
  const connection = await Connection.connect({ address: infra.temporal.address });
  const client = new Client({ connection, namespace: infra.temporal.namespace });
  const bundle = (await buildAllBundles(path.join(dir, 'bundles')))['license-worker'];
  if (!bundle) throw new Error('no license-worker workflow bundle was built');

  async function prepare(database: string, count: number): Promise<string> {
    await createDatabaseIfMissing(infra.postgres.url, database);
    const url = databaseUrl(infra.postgres.url, database);
    const db = createDb<LicenseDatabase>(url);
    await migrateToLatest(db, licenseMigrations);
    const started = Date.now();
    await seedAgents(db, { prefix: 'AGT', count, renewalDate: '2025-01-01' });
    // Agents with a valid license, which the batch must walk past.
    await seedAgents(db, { prefix: 'VAL', count: Math.ceil(count / 10), renewalDate: '2099-01-01' });
    await sql`VACUUM ANALYZE`.execute(db);
    log(`${database}: seeded ${count} expired agents (+${Math.ceil(count / 10)} valid) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await db.destroy();
    return url;
  }

  async function measure(strategy: string, url: string, count: number, script: string, taskQueue: string, pageSize: number, pageConcurrency: number): Promise<Measured> {
    const worker = spawnManaged({
      name: strategy,
      command: process.execPath,
      args: [...appNodeArgs(), path.join(repoRoot, script)],
      cwd: repoRoot,
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: infra.temporal.address,
        TEMPORAL_NAMESPACE: infra.temporal.namespace,
        DATABASE_URL: url,
        LICENSE_WORKFLOW_BUNDLE: bundle,
            METRICS_PORT: '0',
        LOG_LEVEL: 'warn',
      },
      logFile: path.join(dir, 'logs', `${strategy}-worker.log`),
    });
    try {
      const started = Date.now();
      const handle = await client.workflow.start(LICENSE_WORKFLOW_TYPES.deactivation, {
        taskQueue,
        workflowId: `bench-${strategy}-${started}`,
        args: [{ batchDate: '2025-06-01', batchSize: pageSize, pageConcurrency }],
      });
      const summary = (await handle.result()) as LicenseDeactivationSummary;
      const wallSeconds = (Date.now() - started) / 1000;
      const rss = peakRssMb(worker.pid);
      const db = createDb<LicenseDatabase>(url);
      const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM agent_profiles WHERE status = 'DEACTIVATED'`.execute(db);
      await db.destroy();
      const measured: Measured = {
        strategy,
        agents: count,
        pageSize,
        pageConcurrency,
        wallSeconds: Number(wallSeconds.toFixed(2)),
        agentsPerSecond: Math.round(summary.agentsDeactivated / wallSeconds),
        peakWorkerRssMb: rss,
        history: await historyStats(client, handle.workflowId, handle.firstExecutionRunId),
        summary: {
          agentsDeactivated: summary.agentsDeactivated,
          notificationsQueued: summary.notificationsQueued,
          failures: summary.failures,
          pages: summary.pages,
          executions: summary.executions,
        },
        verifiedDeactivated: rows[0]?.n ?? 0,
      };
      log(`${strategy}: ${measured.agentsPerSecond} agents/s, ${measured.wallSeconds} s, peak RSS ${rss} MB`);
      return measured;
    } finally {
      await worker.stop();
    }
  }

  try {
    const fleetUrl = await prepare('bench_fleet', agents);
    const fleet = await measure('fleet-set-based', fleetUrl, agents, 'apps/license-worker/src/main.ts', LICENSE_TASK_QUEUE, batchSize, concurrency);
    const baselineUrl = await prepare('bench_baseline', baselineAgents);
    const baseline = await measure('seed-row-at-a-time', baselineUrl, baselineAgents, 'bench/src/baseline-worker.ts', BASELINE_TASK_QUEUE, 100, 1);

    const speedup = fleet.agentsPerSecond / baseline.agentsPerSecond;
    const projectedMillionSeconds = 1_000_000 / fleet.agentsPerSecond;
    const result = {
      benchmark: 'license-deactivation',
      at: new Date().toISOString(),
      machine: machine(),
      fleet,
      baseline,
      ratio: { speedup: Number(speedup.toFixed(1)) },
      targets: {
        millionUnderSeconds: { target: TARGETS.millionSeconds, measuredOrProjected: Number(projectedMillionSeconds.toFixed(1)), measuredAt: agents, pass: projectedMillionSeconds < TARGETS.millionSeconds },
        speedupAtLeast: { target: TARGETS.speedup, measured: Number(speedup.toFixed(1)), pass: speedup >= TARGETS.speedup },
        largestPayloadUnderBytes: { target: TARGETS.payloadBytes, measured: fleet.history.largestPayloadBytes, pass: fleet.history.largestPayloadBytes < TARGETS.payloadBytes },
        workerMemoryUnderMb: { target: TARGETS.workerMemoryMb, measured: fleet.peakWorkerRssMb, pass: fleet.peakWorkerRssMb < TARGETS.workerMemoryMb },
        allDeactivated: { target: agents, measured: fleet.verifiedDeactivated, pass: fleet.verifiedDeactivated === agents && baseline.verifiedDeactivated === baselineAgents },
      },
    };
    const file = writeResult(`license-deactivation-${agents}.json`, result);
    printRows([
      ['agents deactivated', `${fleet.verifiedDeactivated} / ${agents}`, 'all'],
      ['wall time', `${fleet.wallSeconds} s`, agents >= 1_000_000 ? `< ${TARGETS.millionSeconds} s` : `(1M projected: ${projectedMillionSeconds.toFixed(0)} s < ${TARGETS.millionSeconds} s)`],
      ['agents per second', String(fleet.agentsPerSecond), `>= ${Math.round(1_000_000 / TARGETS.millionSeconds)}`],
      ['page size / concurrency', `${fleet.pageSize} / ${fleet.pageConcurrency}`, ''],
      ['vs row-at-a-time baseline', `${speedup.toFixed(1)}x (${baseline.agentsPerSecond}/s)`, `>= ${TARGETS.speedup}x`],
      ['largest payload', `${fleet.history.largestPayloadBytes} B`, `< ${TARGETS.payloadBytes} B`],
      ['peak worker RSS', `${fleet.peakWorkerRssMb} MB`, `< ${TARGETS.workerMemoryMb} MB`],
      ['runs / max events per run', `${fleet.history.runs} / ${Math.max(...fleet.history.eventsPerRun)}`, 'continue-as-new suggested at 4,096'],
    ]);
    console.log(`\nwritten to ${file}`);
  } finally {
    await connection.close();
    await infra.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
