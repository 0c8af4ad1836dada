import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import { CidSetEventType, computeCid, EMPTY_VSYNC, EntryOperationReason, KeyType, SyncVerificationResult, vsyncOf } from '@fleet/vsync-dict-bridge';
import { syntheticEntry } from '@fleet/vsync-dict-bridge/testing';
import { status } from '@grpc/grpc-js';
import { driftedAttributes, startDictBridgeSim, type DictBridgeSim, type DictBridgeSimOptions } from '../src';
import { bridgeClient, entryMessage, grpcError, type TestClient } from './client';

const PARTICIPANT = '12345678';
const open: { sim: DictBridgeSim; client: TestClient }[] = [];
afterEach(async () => {
  for (const { sim, client } of open.splice(0)) {
    client.close();
    await sim.close();
  }
});

async function start(options: DictBridgeSimOptions) {
  const sim = await startDictBridgeSim(options);
  const client = bridgeClient(sim.grpcAddress);
  open.push({ sim, client });
  return { sim, client };
}

const verification = (client: TestClient, keyType = KeyType.CPF) =>
  client.call('createSyncVerification', { syncVerification: { participant: PARTICIPANT, keyType, participantSyncVerifier: EMPTY_VSYNC } });

describe('rate limits', () => {
  it('refuses with RESOURCE_EXHAUSTED once the policy’s bucket is empty, counting refusals per operation', async () => {
    const { sim, client } = await start({ rateLimits: { SYNC_VERIFICATIONS_WRITE: { refillPerMinute: 1, capacity: 3 } } });
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => verification(client)));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(3);
    const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as { code: number; metadata: { get(k: string): unknown[] } }] : []));
    expect(refused.map((e) => e.code)).toEqual([status.RESOURCE_EXHAUSTED, status.RESOURCE_EXHAUSTED]);
    expect(Number(refused[0]!.metadata.get('retry-after-ms')[0])).toBeGreaterThan(0);
    expect(refused[0]!.metadata.get('dict-error')).toEqual(['RateLimited']);
    expect(sim.stats().calls.createSyncVerification).toBe(5);
    expect(sim.stats().refusedByRateLimit.createSyncVerification).toBe(2);
    // Other policies have their own buckets.
    await client.call('listCidSetEvents', { participant: PARTICIPANT, keyType: KeyType.CPF });
  });

  it('makes createEntry and deleteEntry share ENTRIES_WRITE, as DICT does', async () => {
    const { sim, client } = await start({ rateLimits: { ENTRIES_WRITE: { refillPerMinute: 1, capacity: 2 } } });
    const e = syntheticEntry('EMAIL', 1);
    await client.call('createEntry', { entry: entryMessage(e), reason: EntryOperationReason.USER_REQUESTED, requestId: e.requestId });
    await client.call('deleteEntry', { key: e.key, participant: PARTICIPANT, reason: EntryOperationReason.USER_REQUESTED });
    expect((await grpcError(client.call('createEntry', { entry: entryMessage(e), reason: EntryOperationReason.USER_REQUESTED, requestId: e.requestId }))).code).toBe(status.RESOURCE_EXHAUSTED);
    expect(sim.stats().refusedByRateLimit).toMatchObject({ createEntry: 1, deleteEntry: 0 });
  });

  it('takes a token before injecting UNAVAILABLE: DICT counts every request it answers but its own 500s', async () => {
    const { sim, client } = await start({ rateLimits: { SYNC_VERIFICATIONS_WRITE: { refillPerMinute: 1, capacity: 4 } }, faults: { unavailableRate: 1 } });
    const codes = [];
    for (let i = 0; i < 6; i++) codes.push((await grpcError(verification(client))).code);
    expect(codes).toEqual([...Array(4).fill(status.UNAVAILABLE), status.RESOURCE_EXHAUSTED, status.RESOURCE_EXHAUSTED]);
    expect(sim.stats().injectedUnavailable.createSyncVerification).toBe(4);
  });
});

describe('injected faults', () => {
  it('answers UNAVAILABLE at about the rate set, and only the injected failures count as such', async () => {
    const { sim, client } = await start({ seed: 42, faults: { unavailableRate: 0.3 }, rateLimits: { SYNC_VERIFICATIONS_WRITE: { refillPerMinute: 60_000, capacity: 10_000 } } });
    const outcomes = await Promise.allSettled(Array.from({ length: 600 }, () => verification(client)));
    const failed = outcomes.filter((o) => o.status === 'rejected');
    expect(failed.every((o) => (o.reason as { code: number }).code === status.UNAVAILABLE)).toBe(true);
    // 600 draws at 0.3: mean 180, standard deviation about 11.
    expect(failed.length).toBeGreaterThan(140);
    expect(failed.length).toBeLessThan(220);
    expect(sim.stats().injectedUnavailable.createSyncVerification).toBe(failed.length);
    expect(sim.stats().verifications.OK).toBe(600 - failed.length);
  });

  it('fails before any state change, so retrying until success applies each change exactly once', async () => {
    const { sim, client } = await start({ seed: 7, faults: { unavailableRate: 0.5 } });
    const entries = Array.from({ length: 60 }, (_, i) => syntheticEntry('PHONE', i));
    let failures = 0;
    for (const e of entries) {
      for (;;) {
        try {
          await client.call('createEntry', { entry: entryMessage(e), reason: EntryOperationReason.USER_REQUESTED, requestId: e.requestId });
          break;
        } catch (err) {
          expect((err as { code: number }).code).toBe(status.UNAVAILABLE);
          failures++;
        }
      }
    }
    expect(failures).toBeGreaterThan(10);
    expect(sim.entryCount('PHONE')).toBe(60);
    expect(sim.vsync('PHONE')).toBe(vsyncOf(entries.map((e) => computeCid(e.requestId, e))));
    sim.clearFaults();
    const events = await client.call('listCidSetEvents', { participant: PARTICIPANT, keyType: KeyType.PHONE, limit: 200 });
    expect(events.cidSetEvents).toHaveLength(60);
  });

  it('applies per-operation faults over the global ones, and latency with jitter', async () => {
    const { sim, client } = await start({ faults: { latencyMs: 0, perOperation: { getEntryByCid: { unavailableRate: 1 } } } });
    sim.addEntries([syntheticEntry('CPF', 1)]);
    const cid = sim.getEntry('CPF', syntheticEntry('CPF', 1).key)!.cid;
    expect((await grpcError(client.call('getEntryByCid', { cid, requestingParticipant: PARTICIPANT }))).code).toBe(status.UNAVAILABLE);
    expect((await verification(client)).syncVerification?.result).toBe(SyncVerificationResult.NOK);

    sim.setFaults({ latencyMs: 150, latencyJitterMs: 50, perOperation: { getEntryByCid: {} } });
    let started = Date.now();
    await client.call('getEntryByCid', { cid, requestingParticipant: PARTICIPANT });
    expect(Date.now() - started).toBeGreaterThanOrEqual(145);
    sim.setFaults({ perOperation: { createSyncVerification: { latencyMs: 0, latencyJitterMs: 0 } } });
    started = Date.now();
    await verification(client);
    expect(Date.now() - started).toBeLessThan(140);
    expect(sim.faults()).toMatchObject({ latencyMs: 150, perOperation: { getEntryByCid: {}, createSyncVerification: { latencyMs: 0 } } });
    expect(() => sim.setFaults({ unavailableRate: 2 })).toThrow();
  });
});

describe('inject', () => {
  it('adds entries missing locally, removes entries from DICT and drifts attributes, returning what it did', async () => {
    const { sim, client } = await start({ seed: 9 });
    await sim.seedSynthetic('EVP', 1000);
    const before = new Set(sim.cids('EVP'));
    const since = Date.now();
    const result = sim.inject({ keyType: 'EVP', missingLocally: 5, missingInDict: 4, attributeDrift: 3 });
    expect(result.missingLocally).toHaveLength(5);
    expect(result.missingInDict).toHaveLength(4);
    expect(result.attributeDrift).toHaveLength(3);
    expect(result.vsync).toBe(sim.vsync('EVP'));
    expect(sim.vsync('EVP')).toBe(vsyncOf(sim.cids('EVP')));
    expect(sim.entryCount('EVP')).toBe(1000 + 5 - 4);

    // Added: synthetic entries past the seeded ones, new to a participant seeded the same way.
    expect(result.missingLocally.map((m) => m.key)).toEqual([1000, 1001, 1002, 1003, 1004].map((i) => syntheticEntry('EVP', i).key));
    for (const m of result.missingLocally) expect(before.has(m.cid)).toBe(false);
    // Removed: distinct entries that were active.
    const touched = [...result.missingInDict.map((m) => m.key), ...result.attributeDrift.map((d) => d.key)];
    expect(new Set(touched).size).toBe(7);
    for (const m of result.missingInDict) {
      expect(before.has(m.cid)).toBe(true);
      expect(sim.getEntry('EVP', m.key)).toBeUndefined();
    }
    // Drifted: same key and RequestId, the synthetic generator's variant 1.
    const indexOfKey = new Map(Array.from({ length: 1000 }, (_, i) => [syntheticEntry('EVP', i).key, i]));
    for (const d of result.attributeDrift) {
      const { cid, createdAt: _t, ...entry } = sim.getEntry('EVP', d.key)!;
      expect(before.has(d.previousCid)).toBe(true);
      expect(cid).toBe(d.cid);
      expect(entry).toEqual(syntheticEntry('EVP', indexOfKey.get(d.key)!, PARTICIPANT, 1));
    }

    // Logged: 5 ADDED, 4 REMOVED, 3 REMOVED + ADDED.
    const events = await client.call('listCidSetEvents', { participant: PARTICIPANT, keyType: KeyType.EVP, startTime: timestampFromMs(since), limit: 200 });
    expect(events.cidSetEvents.filter((e) => e.type === CidSetEventType.ADDED)).toHaveLength(8);
    expect(events.cidSetEvents.filter((e) => e.type === CidSetEventType.REMOVED)).toHaveLength(7);
  });

  it('drifts a synthetic entry to exactly the generator’s next variant', () => {
    for (const keyType of ['CPF', 'CNPJ', 'PHONE', 'EMAIL', 'EVP'] as const) {
      for (const i of [0, 9999, 123_456]) {
        expect(driftedAttributes(syntheticEntry(keyType, i))).toEqual(syntheticEntry(keyType, i, PARTICIPANT, 1));
        expect(driftedAttributes(syntheticEntry(keyType, i, PARTICIPANT, 1))).toEqual(syntheticEntry(keyType, i, PARTICIPANT, 2));
      }
    }
  });

  it('logs nothing when told so, and refuses to remove more entries than there are', async () => {
    const { sim, client } = await start({});
    await sim.seedSynthetic('CNPJ', 10);
    const since = Date.now();
    sim.inject({ keyType: 'CNPJ', missingLocally: 2, missingInDict: 2, logEvents: false });
    expect((await client.call('listCidSetEvents', { participant: PARTICIPANT, keyType: KeyType.CNPJ, startTime: timestampFromMs(since) })).cidSetEvents).toEqual([]);
    const vsync = sim.vsync('CNPJ');
    expect(() => sim.inject({ keyType: 'CNPJ', missingInDict: 5, attributeDrift: 6 })).toThrow(/cannot pick 11/);
    expect(sim.vsync('CNPJ')).toBe(vsync);
  });
});
