import type { RunningConsumer } from '@fleet/shared-events';
import { waitFor } from '@fleet/tools-infra/testing';
import { decideReconciliationUpdate, reconciliationStateQuery, reconciliationWorkflowId, vsyncEvents, type KeyType, type ReconciliationResult } from '@fleet/vsync-contracts';
import { readVsyncs } from '@fleet/vsync-data-access';
import { collectEvents, outboxEvents } from './events';
import { createDictBridgeClient, KeyType as BridgeKeyType } from '@fleet/vsync-dict-bridge';
import { FAST, PARTICIPANT, vsyncTestEnv, type VsyncTestEnv } from './harness';
import { recordHistory } from './histories';

let env: VsyncTestEnv;
const consumers: RunningConsumer[] = [];
const DAY = '2026-11-22';

beforeAll(async () => {
  env = await vsyncTestEnv('vsync-reconciliation');
  await env.startWorker();
});
afterAll(async () => {
  await Promise.all(consumers.map((c) => c.stop()));
  await env?.close();
});

/** The local base of a key type holds exactly what DICT holds. */
async function expectInSync(keyType: KeyType) {
  const [local] = await readVsyncs(env.db, [keyType]);
  expect(local).toEqual({ keyType, vsync: env.sim.vsync(keyType), entries: env.sim.entryCount(keyType) });
}

const childResult = (keyType: KeyType, day = DAY) => env.ctx.client.workflow.getHandle(reconciliationWorkflowId(keyType, day)).result() as Promise<ReconciliationResult>;

it('verifies all five key types OK when in sync, and publishes the day summary', async () => {
  const summaries = await collectEvents(env, vsyncEvents.verificationSummary, consumers);
  for (const keyType of ['CPF', 'CNPJ', 'PHONE', 'EMAIL'] as const) await env.seedBoth(keyType, 30);
  await env.seedBoth('EVP', 0);
  const summary = await env.verify({ day: '2026-11-20' }, 'verification-all-ok');
  await recordHistory(env.ctx.client, 'verification-all-ok', 'verification-all-ok');
  expect(summary.verifications.map((v) => [v.keyType, v.result])).toEqual([
    ['CPF', 'OK'],
    ['CNPJ', 'OK'],
    ['PHONE', 'OK'],
    ['EMAIL', 'OK'],
    ['EVP', 'OK'],
  ]);
  expect(summary.verifications.find((v) => v.keyType === 'EVP')!.vsync).toBe('0'.repeat(64));
  expect(summary.reconciliations).toEqual([]);
  await waitFor('the summary event', () => summaries.length >= 1, 30_000);
  expect(summaries[0]).toMatchObject({ type: 'fleet.vsync.verification-summary', subject: '2026-11-20', data: { results: { CPF: 'OK', EVP: 'OK' }, reconciliationsStarted: [] } });
});

it('reconciles keys missing locally, keys missing in DICT and attribute drift through a CID file, then verifies OK', async () => {
  const completions = await collectEvents(env, vsyncEvents.reconciliationCompleted, consumers);
  await env.seedBoth('EVP', 200);
  const injected = env.sim.inject({ keyType: 'EVP', missingLocally: 5, missingInDict: 4, attributeDrift: 3, logEvents: false });
  expect(injected).toBeDefined();
  const summary = await env.verify({ day: DAY, keyTypes: ['EVP'], reconciliation: FAST }, 'verification-nok');
  expect(summary.verifications[0]!.result).toBe('NOK');
  expect(summary.reconciliations).toEqual([{ keyType: 'EVP', workflowId: reconciliationWorkflowId('EVP', DAY), started: true }]);

  const result = await childResult('EVP');
  expect(result).toMatchObject({
    outcome: 'completed',
    path: 'file',
    finalVerification: 'OK',
    divergences: { onlyInDict: 8, onlyLocal: 7 },
    applied: { added: 5, updated: 3, removed: 4, vanished: 0 },
    approval: { required: false },
  });
  await expectInSync('EVP');
  await recordHistory(env.ctx.client, 'verification-nok', 'verification-nok-starts-reconciliation');
  await recordHistory(env.ctx.client, reconciliationWorkflowId('EVP', DAY), 'reconciliation-file-path');
  await waitFor('the completion event', () => completions.some((e) => e.subject === reconciliationWorkflowId('EVP', DAY)), 30_000);
  const log = await env.db.selectFrom('vsync_reconciliations').selectAll().where('reconciliation_id', '=', reconciliationWorkflowId('EVP', DAY)).executeTakeFirstOrThrow();
  expect(log).toMatchObject({ active: false, outcome: 'completed', phase: 'done' });
  expect(Object.keys(log.timings)).toEqual(expect.arrayContaining(['waiting-for-file', 'staging-file', 'diffing', 'applying', 'verifying']));
  // The staging rows are gone once done.
  expect(await env.db.selectFrom('vsync_cid_staging').selectAll().execute()).toEqual([]);
});

it('takes the cheap path (CID events since the last OK) when DICT changed after a verification', async () => {
  await env.seedBoth('CPF', 40, 1000);
  const ok = await env.verify({ day: '2026-11-21', keyTypes: ['CPF'] });
  expect(ok.verifications[0]!.result).toBe('OK');
  env.sim.inject({ keyType: 'CPF', missingLocally: 2, missingInDict: 2, attributeDrift: 2, logEvents: true });

  const result = await env.reconcile('CPF', FAST, 'reconciliation-events');
  await recordHistory(env.ctx.client, 'reconciliation-events', 'reconciliation-events-path');
  expect(result).toMatchObject({ outcome: 'completed', path: 'events', finalVerification: 'OK', divergences: { onlyInDict: 4, onlyLocal: 4 }, applied: { added: 2, updated: 2, removed: 2 } });
  await expectInSync('CPF');
});

it('waits for approval above the threshold; approved, it applies and verifies OK', async () => {
  await env.seedBoth('PHONE', 150, 1000);
  env.sim.inject({ keyType: 'PHONE', missingInDict: 120, logEvents: false });
  const handle = await env.ctx.client.workflow.start('vsyncReconciliationWorkflow', {
    taskQueue: 'vsync',
    workflowId: `approve-${Date.now()}`,
    args: [{ keyType: 'PHONE', day: DAY, options: { ...FAST, maxEventPages: 0 } }],
  });
  await waitFor('awaiting approval', async () => (await handle.query(reconciliationStateQuery)).phase === 'awaiting-approval', 60_000);
  const before = (await readVsyncs(env.db, ['PHONE']))[0]!;
  expect(before.entries).toBe(180); // nothing applied while waiting
  const notifications = await outboxEvents(env, 'reconciliation-notification');
  expect(notifications.map((n) => n.envelope.data)).toContainEqual(expect.objectContaining({ reconciliationId: handle.workflowId, kind: 'approval-required', divergences: { onlyInDict: 0, onlyLocal: 120 } }));

  const state = await handle.executeUpdate(decideReconciliationUpdate, { args: [{ approve: true, by: 'ops@fleet' }] });
  // The answer is the state once the decision took effect, not the state before it.
  expect(state).toMatchObject({ phase: 'awaiting-approval', approval: { required: true, decision: 'approved', by: 'ops@fleet' } });
  // A second decision is refused: the reconciliation is no longer waiting.
  const refused = await handle.executeUpdate(decideReconciliationUpdate, { args: [{ approve: false, by: 'someone-else' }] }).catch((err: Error) => err);
  expect(String((refused as Error & { cause?: Error }).cause?.message)).toMatch(/not waiting for approval/);
  const result = await handle.result();
  expect(result).toMatchObject({ outcome: 'completed', finalVerification: 'OK', applied: { removed: 120 }, approval: { required: true, decision: 'approved', by: 'ops@fleet' } });
  await expectInSync('PHONE');
  await recordHistory(env.ctx.client, handle.workflowId, 'reconciliation-approved');
});

it('rejected, it applies nothing; unanswered, it notifies and stops', async () => {
  await env.seedBoth('EMAIL', 150, 1000);
  env.sim.inject({ keyType: 'EMAIL', missingLocally: 110, logEvents: false });
  const before = (await readVsyncs(env.db, ['EMAIL']))[0]!;
  const handle = await env.ctx.client.workflow.start('vsyncReconciliationWorkflow', {
    taskQueue: 'vsync',
    workflowId: `reject-${Date.now()}`,
    args: [{ keyType: 'EMAIL', day: DAY, options: { ...FAST, maxEventPages: 0 } }],
  });
  await waitFor('awaiting approval', async () => (await handle.query(reconciliationStateQuery)).phase === 'awaiting-approval', 60_000);
  await handle.executeUpdate(decideReconciliationUpdate, { args: [{ approve: false, by: 'ops@fleet', reason: 'looks wrong' }] });
  expect(await handle.result()).toMatchObject({ outcome: 'rejected', applied: { added: 0, removed: 0 }, approval: { decision: 'rejected' } });
  expect((await readVsyncs(env.db, ['EMAIL']))[0]).toEqual(before);
  await recordHistory(env.ctx.client, handle.workflowId, 'reconciliation-rejected');

  const expiring = await env.ctx.client.workflow.start('vsyncReconciliationWorkflow', {
    taskQueue: 'vsync',
    workflowId: `expire-${Date.now()}`,
    args: [{ keyType: 'EMAIL', day: DAY, options: { ...FAST, maxEventPages: 0, approvalTimeoutHours: 0.001 } }],
  });
  expect(await expiring.result()).toMatchObject({ outcome: 'approval-expired', approval: { decision: 'expired' } });
  expect((await readVsyncs(env.db, ['EMAIL']))[0]).toEqual(before);
  const kinds = (await outboxEvents(env, 'reconciliation-notification')).filter((n) => (n.envelope.data as { reconciliationId: string }).reconciliationId === expiring.workflowId).map((n) => (n.envelope.data as { kind: string }).kind);
  expect(kinds).toEqual(['approval-required', 'approval-expired']);
  await recordHistory(env.ctx.client, expiring.workflowId, 'reconciliation-approval-expired');
});

it('never runs two reconciliations of a key type at once', async () => {
  await env.seedBoth('CNPJ', 120, 1000);
  env.sim.inject({ keyType: 'CNPJ', missingInDict: 101, logEvents: false });
  const first = await env.ctx.client.workflow.start('vsyncReconciliationWorkflow', {
    taskQueue: 'vsync',
    workflowId: `first-${Date.now()}`,
    args: [{ keyType: 'CNPJ', day: DAY, options: { ...FAST, maxEventPages: 0 } }],
  });
  await waitFor('awaiting approval', async () => (await first.query(reconciliationStateQuery)).phase === 'awaiting-approval', 60_000);
  const second = await env.reconcile('CNPJ');
  expect(second).toMatchObject({ outcome: 'skipped' });
  await first.executeUpdate(decideReconciliationUpdate, { args: [{ approve: true, by: 'ops@fleet' }] });
  expect(await first.result()).toMatchObject({ outcome: 'completed' });
  await expectInSync('CNPJ');
});

it('stops with a notification when the CID file is not ready within the wait, and resumes polling a file it carried across continue-as-new', async () => {
  await env.seedBoth('EVP', 10, 5000);
  env.sim.setFaults({ fileProcessingExtraMs: 60_000 });
  const slow = await env.reconcile('EVP', { ...FAST, maxEventPages: 0, fileWaitHours: 0.001 }, 'reconciliation-file-timeout');
  expect(slow).toMatchObject({ outcome: 'file-timeout', path: 'file', fileStatus: 'PROCESSING', finalVerification: null });
  const kinds = (await outboxEvents(env, 'reconciliation-notification')).filter((n) => (n.envelope.data as { reconciliationId: string }).reconciliationId === 'reconciliation-file-timeout');
  expect(kinds.map((n) => (n.envelope.data as { kind: string }).kind)).toEqual(['file-timeout']);
  env.sim.clearFaults();

  // What a run continued as new carries: the file being polled, not a new request.
  env.sim.inject({ keyType: 'EVP', missingLocally: 3, logEvents: false });
  const requestedBefore = env.sim.stats().files.requested;
  const bridge = createDictBridgeClient({ address: env.sim.grpcAddress });
  const file = (await bridge.createCidSetFile({ participant: PARTICIPANT, keyType: BridgeKeyType.EVP })).cidSetFile!;
  bridge.close();
  const resumed = await env.ctx.client.workflow.execute('vsyncReconciliationWorkflow', {
    taskQueue: 'vsync',
    workflowId: 'reconciliation-resumed',
    args: [{ keyType: 'EVP', day: DAY, options: FAST, continuation: { round: 1, fileId: String(file.id), fileRequests: 1, pollingSince: new Date().toISOString() } }],
  });
  expect(resumed).toMatchObject({ outcome: 'completed', path: 'file', fileId: String(file.id), applied: { added: 3 }, finalVerification: 'OK' });
  expect(env.sim.stats().files.requested).toBe(requestedBefore + 1); // only the one made above
  await expectInSync('EVP');
});

it('fails at once, naming the field, on a bad input (no retry, nothing touched)', async () => {
  const failure = async (run: Promise<unknown>) => String(((await run.catch((e: unknown) => e)) as { cause?: Error }).cause?.message);
  expect(await failure(env.reconcile('EVP', { fileWaitHours: 0.0001 }))).toMatch(/options\.fileWaitHours: Too small: expected number to be >=0\.001/);
  expect(await failure(env.reconcile('PIX' as never))).toMatch(/keyType: Invalid option: expected one of "CPF"\|"CNPJ"\|"PHONE"\|"EMAIL"\|"EVP"/);
  expect(await failure(env.verify({ day: '22/11/2026' }))).toMatch(/day: expected a real calendar date YYYY-MM-DD/);
});
