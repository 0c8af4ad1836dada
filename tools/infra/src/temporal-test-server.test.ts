import { execFileSync } from 'node:child_process';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { timeSkippingEnv } from './temporal-test-server';
import { waitFor } from './testing/wait';
import { release, sleepThreeDays, waiting, waitTwoDaysForRelease } from './testing/time-skipping.workflows';

// The SDK's own error lines only.
try {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
} catch {
  // installed already in this process
}

const DAY = 24 * 60 * 60 * 1000;

describe('time-skipping test server (Java, from Maven Central)', () => {
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;

  beforeAll(async () => {
    // The first use resolves the server with Maven and makes its class-data archive (a minute or two, once).
    env = await timeSkippingEnv();
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'time-skipping',
      workflowsPath: require.resolve('./testing/time-skipping.workflows'),
    });
    running = worker.run();
  }, 10 * 60_000);

  afterAll(async () => {
    worker?.shutdown();
    await running;
    await env?.teardown();
  });

  it('is a time-skipping server', () => {
    expect(env.supportsTimeSkipping).toBe(true);
  });

  it('listens on 127.0.0.1 only (the stock server listens on every interface)', () => {
    const port = env.address.split(':').pop() ?? '';
    const listening = execFileSync('ss', ['-Hltn', `sport = :${port}`], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
    expect(listening.length).toBeGreaterThan(0);
    // The JVM's dual-stack socket shows IPv4 loopback in its IPv6-mapped form.
    for (const line of listening) expect([`127.0.0.1:${port}`, `[::ffff:127.0.0.1]:${port}`]).toContain(line.split(/\s+/)[3]);
  });

  it('runs a workflow sleeping three days in seconds', async () => {
    const started = Date.now();
    const slept = await env.client.workflow.execute(sleepThreeDays, { taskQueue: 'time-skipping', workflowId: 'sleep-3-days' });
    expect(slept).toBeGreaterThanOrEqual(3 * DAY);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('fires a condition timeout of two days in seconds, and a signal before it wins', async () => {
    const started = Date.now();
    const timedOut = await env.client.workflow.execute(waitTwoDaysForRelease, { taskQueue: 'time-skipping', workflowId: 'wait-2-days' });
    expect(timedOut.released).toBe(false);
    expect(timedOut.waitedMs).toBeGreaterThanOrEqual(2 * DAY);

    const handle = await env.client.workflow.start(waitTwoDaysForRelease, { taskQueue: 'time-skipping', workflowId: 'wait-2-days-released' });
    await waitFor('the workflow to wait', () => handle.query(waiting));
    await env.sleep('1 day');
    await handle.signal(release);
    const releasedEarly = await handle.result();
    expect(releasedEarly.released).toBe(true);
    expect(releasedEarly.waitedMs).toBeGreaterThanOrEqual(DAY);
    expect(releasedEarly.waitedMs).toBeLessThan(2 * DAY);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
