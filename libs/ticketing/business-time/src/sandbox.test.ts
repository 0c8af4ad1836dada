/**
 * The engine bundles with Temporal's workflow bundler (webpack) and runs inside the workflow sandbox
 * on a real dev server, answering there what it answers here, and its history replays.
 */
import { createTestContext, type TestContext } from '@fleet/tools-infra/testing';
// eslint-disable-next-line @nx/enforce-module-boundaries -- a test: it bundles and runs a workflow using this lib; the lib itself imports no worker code
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import path from 'node:path';
import { addBusinessTime } from './index';
import { at, HOUR, officeHours } from '../test/calendars';

try {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
} catch {
  // installed already in this process
}

const quiet = { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: console.error };

let ctx: TestContext;
let connection: NativeConnection;

beforeAll(async () => {
  ctx = await createTestContext('business-time-sandbox');
  connection = await NativeConnection.connect({ address: ctx.temporal.address });
});

afterAll(async () => {
  await connection?.close();
  await ctx?.close();
});

// Bundled as is, and with its data modules preloaded as libs/ticketing/workflows does (shared and
// deep-frozen in the worker's context: their lazy caches must still work).
it.each([
  ['as is', []],
  ['with its data modules preloaded', ['@js-joda/core', '@js-joda/timezone', 'date-holidays']],
])('runs in a workflow %s, with the answers it gives outside one, and replays', async (_variant, preloadModules) => {
  const { code } = await bundleWorkflowCode({ workflowsPath: path.join(__dirname, '..', 'test', 'business-time.workflows.ts'), logger: quiet, preloadModules });
  const taskQueue = `business-time-sandbox-${preloadModules.length}`;
  const worker = await Worker.create({ connection, namespace: ctx.temporal.namespace, taskQueue, workflowBundle: { code } });
  // US holidays and New York's DST: Friday 2026-09-04 15:00 EDT + 3 business days is Thursday 15:00 (Labor Day).
  const calendar = officeHours('America/New_York', { holidays: { country: 'US' } });
  const start = at('2026-09-04T15:00-04:00');
  const workflowId = `business-time-probe-${preloadModules.length}-${Date.now()}`;
  // Two runs in the same worker: the second finds whatever the first left in the shared modules.
  const [result, again] = await worker.runUntil(async () => [
    await ctx.client.workflow.execute('businessTimeProbe', { workflowId, taskQueue, args: [calendar, start, 24 * HOUR] }),
    await ctx.client.workflow.execute('businessTimeProbe', { workflowId: `${workflowId}-again`, taskQueue, args: [officeHours('Europe/Berlin', { holidays: { country: 'DE' } }), start, 24 * HOUR] }),
  ]);
  expect(again.between).toBe(24 * HOUR);

  expect(result).toEqual({ due: addBusinessTime(calendar, start, 24 * HOUR).toISOString(), between: 24 * HOUR });
  expect(result.due).toBe(new Date(at('2026-09-10T15:00-04:00')).toISOString());

  const history = await ctx.client.workflow.getHandle(workflowId).fetchHistory();
  await Worker.runReplayHistory({ workflowBundle: { code } }, history, workflowId);
}, 300_000); // bundling takes 10-20 s; more on a machine busy with other work
