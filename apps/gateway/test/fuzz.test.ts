import { createLogger } from '@fleet/shared-observability';
import { runSchemathesis, SCHEMATHESIS_VERSION } from '@fleet/tools-infra/schemathesis';
import { createTestContext, testEnv, waitFor, type ManagedProcess, type TestContext } from '@fleet/tools-infra/testing';
import { VSYNC_TASK_QUEUE, type VsyncActivities } from '@fleet/vsync-contracts';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ALL_SCOPES } from './conformance';
import { testGatewayConfig } from './gateway-config';
import { startLicenseWorkerProcess } from './license-worker-process';
import { startTicketingWorkerProcess } from './ticketing-worker-process';
import { startGateway, type RunningGateway } from '../src/gateway';

// Schemathesis, an OpenAPI fuzzer, against every operation of the document the gateway serves,
// with a key holding every scope: no server error, no response outside its documented schema.
try {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
} catch {
  // installed already in this process
}

const logger = createLogger('gateway', 'silent');
const KEY = 'fuzz-key-123';

/** The vsync worker's workflows with activities that answer at once (the DICT bridge is not what is tested here). */
const vsyncActivities: Partial<VsyncActivities> = {
  async verifyKeyType({ keyType }) {
    return { keyType, result: 'OK', vsync: '00'.repeat(32), entries: 10, dictVerificationId: `v-${keyType}`, verifiedAt: new Date().toISOString() };
  },
  async finishVerificationRun() {
    // nothing to record here
  },
};

let ctx: TestContext;
let licenseWorker: ManagedProcess;
let ticketingWorker: ManagedProcess;
let connection: NativeConnection;
let vsyncWorker: Worker;
let vsyncRunning: Promise<void>;
let gateway: RunningGateway;

beforeAll(async () => {
  ctx = await createTestContext('gateway-fuzz');
  licenseWorker = startLicenseWorkerProcess(ctx, 'gateway-fuzz').process;
  ticketingWorker = startTicketingWorkerProcess(ctx, 'gateway-fuzz').process;
  connection = await NativeConnection.connect({ address: ctx.temporal.address });
  vsyncWorker = await Worker.create({
    connection,
    namespace: ctx.temporal.namespace,
    taskQueue: VSYNC_TASK_QUEUE,
    workflowBundle: { codePath: ctx.bundle('vsync-worker') },
    activities: vsyncActivities,
  });
  vsyncRunning = vsyncWorker.run();
  gateway = await startGateway(
    testGatewayConfig(ctx, { GATEWAY_API_KEYS: `fuzz=${KEY}:${ALL_SCOPES}`, GATEWAY_RATE_LIMIT_PER_MINUTE: '1000000' }),
    logger,
  );
  // The ticketing routes answer once its worker polls (it registers the tickets' search attributes first).
  await waitFor('the ticketing worker to answer', async () => {
    const res = await fetch(`http://127.0.0.1:${gateway.port}/api/v0/ticketing/config`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ calendars: {}, rules: [] }),
    });
    return res.status === 200;
  }, 60_000, 250);
}, 90_000);

afterAll(async () => {
  await gateway?.close();
  vsyncWorker?.shutdown();
  await vsyncRunning;
  await connection?.close();
  await licenseWorker?.stop();
  await ticketingWorker?.stop();
  await ctx?.close();
});

it(`Schemathesis ${SCHEMATHESIS_VERSION}: every operation, no server error, every response as documented`, async () => {
  const origin = `http://127.0.0.1:${gateway.port}`;
  // The document as served (behind authentication, like every /api route).
  const res = await fetch(`${origin}/api/v0/openapi.json`, { headers: { authorization: `Bearer ${KEY}` } });
  expect(res.status).toBe(200);
  const dir = path.join(testEnv('dir'), 'schemathesis');
  mkdirSync(dir, { recursive: true });
  const work = mkdtempSync(path.join(dir, 'run-'));
  const schema = path.join(work, 'openapi.json');
  writeFileSync(schema, await res.text());

  const run = await runSchemathesis({
    schema,
    baseUrl: origin,
    headers: { Authorization: `Bearer ${KEY}` },
    checks: ['not_a_server_error', 'response_schema_conformance'],
    // stateful: follows the document's links from a start to the run it started, with real ids.
    phases: ['examples', 'coverage', 'fuzzing', 'stateful'],
    maxExamples: 12,
    seed: 20260401,
    workers: 1, // Python 3.11's ast is not thread-safe: Hypothesis' lambda parsing failed with 2 workers ('AST constructor recursion depth mismatch')
    extraArgs: ['--generation-database', 'none', '--report', 'junit', '--report-dir', work],
    cwd: work,
    timeoutMs: 330_000,
  });
  // The summary: operations, phases, test cases and what failed, if anything.
  const lines = run.output.split('\n');
  // Its closing '=== N warnings in Ns ===' line is left out: CI reads a pytest-shaped closing line as pytest's.
  const summary = lines.slice(lines.findIndex((l) => /SUMMARY/.test(l))).filter((l) => !/^=+ .* in [\d.]+s =+$/.test(l.trim()));
  console.log([...lines.filter((l) => /^ \S+\s+(Examples|Coverage|Fuzzing|Stateful) \(in /.test(l)), ...summary].join('\n'));
  expect(run.status).toBe(0);
  // The JUnit report: every operation of the document tested, none failed.
  const junit = readFileSync(path.join(work, readdirSync(work).find((f) => f.startsWith('junit'))!), 'utf8');
  expect(junit).toMatch(/<testsuites errors="0" failures="0"/);
  const testcases = [...junit.matchAll(/<testcase name="([^"]+)"/g)].map((m) => m[1] as string);
  expect(testcases).toContain('Stateful tests');
  const tested = testcases.filter((name) => /^[A-Z]+ \//.test(name)).sort();
  const documented = Object.entries(JSON.parse(readFileSync(schema, 'utf8')).paths as Record<string, object>)
    .flatMap(([p, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${p}`))
    .sort();
  expect(tested).toEqual(documented);
}, 400_000);
