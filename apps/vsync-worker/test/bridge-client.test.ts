// The shared bridge client against the DICT simulator (here, not in the client lib: the simulator depends on that lib).
import { startDictBridgeSim, type DictBridgeSim } from '@fleet/dict-bridge-sim';
import { status, type ServiceError } from '@grpc/grpc-js';
import { ApplicationFailure } from '@temporalio/common';
import { createDictBridgeClient, KeyType, toActivityFailure, type DictBridgeClient } from '@fleet/vsync-dict-bridge';

const PARTICIPANT = '12345678';
let sim: DictBridgeSim;
const clients: DictBridgeClient[] = [];
const client = (options: Omit<Parameters<typeof createDictBridgeClient>[0], 'address'> = {}) => {
  const c = createDictBridgeClient({ address: sim.grpcAddress, backoffMs: 20, ...options });
  clients.push(c);
  return c;
};
const verification = { syncVerification: { participant: PARTICIPANT, keyType: KeyType.EVP, participantSyncVerifier: '0'.repeat(64) } };

beforeEach(async () => {
  // Verifications: 3 at once, then one a second; slow enough that 4 calls in a row never earn a
  // fresh token on a busy machine, fast enough to be full again by the client's next (6 s later).
  sim = await startDictBridgeSim({ participant: PARTICIPANT, seed: 3, rateLimits: { CIDS_FILES_READ: { capacity: 5, refillPerMinute: 60 }, SYNC_VERIFICATIONS_WRITE: { capacity: 3, refillPerMinute: 60 } } });
});
afterEach(async () => {
  clients.splice(0).forEach((c) => c.close());
  await sim.close();
});

it('retries UNAVAILABLE, then gives up with a failure Temporal retries; a refused request is not retried', async () => {
  sim.setFaults({ perOperation: { createSyncVerification: { unavailableRate: 1 } } });
  const err = (await client({ attempts: 3 }).createSyncVerification(verification).catch((e: unknown) => e)) as ServiceError;
  expect(err.code).toBe(status.UNAVAILABLE);
  expect(sim.stats().calls.createSyncVerification).toBe(3);
  expect(toActivityFailure(err, 'createSyncVerification')).toMatchObject({ type: 'DictBridgeUNAVAILABLE', nonRetryable: false });

  sim.clearFaults();
  const refused = await client().getCidSetFile({ id: 1n, requestingParticipant: '99999999' }).catch((e: unknown) => e);
  const failure = toActivityFailure(refused, 'getCidSetFile');
  expect(failure).toBeInstanceOf(ApplicationFailure);
  expect(failure).toMatchObject({ type: 'DictBridgePERMISSION_DENIED', nonRetryable: true });
});

it('paces calls with its own bucket so DICT never refuses one', async () => {
  const c = client({ rateLimits: { CIDS_FILES_READ: { capacity: 5, refillPerMinute: 60 } } });
  const file = (await c.createCidSetFile({ participant: PARTICIPANT, keyType: KeyType.EVP })).cidSetFile!;
  const started = Date.now();
  for (let i = 0; i < 7; i++) await c.getCidSetFile({ id: file.id, requestingParticipant: PARTICIPANT });
  // 4 from the bucket at once, then one a little more than a second apart.
  expect(Date.now() - started).toBeGreaterThan(2500);
  expect(sim.stats().refusedByRateLimit.getCidSetFile).toBe(0);
});

it('after DICT refuses for its limit (a quota shared with others), paces from an empty bucket', async () => {
  const c = client(); // DICT's published limits: 50 verifications, more than this DICT allows
  const results = [];
  for (let i = 0; i < 6; i++) results.push(await c.createSyncVerification(verification).then(() => 'ok', (e: ServiceError) => status[e.code]));
  expect(results).toEqual(['ok', 'ok', 'ok', 'RESOURCE_EXHAUSTED', 'ok', 'ok']);
  expect(sim.stats().refusedByRateLimit.createSyncVerification).toBe(1);
});

it('fails a call past its deadline', async () => {
  sim.setFaults({ latencyMs: 300 });
  const err = (await client({ deadlineMs: 100 }).getEntryByCid({ cid: 'ab'.repeat(32), requestingParticipant: PARTICIPANT }).catch((e: unknown) => e)) as ServiceError;
  expect(err.code).toBe(status.DEADLINE_EXCEEDED);
  expect(toActivityFailure(err, 'getEntryByCid')).toMatchObject({ nonRetryable: false });
});
