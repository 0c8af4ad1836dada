import { timestampFromMs, timestampMs, type Timestamp } from '@bufbuild/protobuf/wkt';
import { CidSetEventType, EntryOperationReason, KeyType, vsyncOf } from '@fleet/vsync-dict-bridge';
import { syntheticEntry } from '@fleet/vsync-dict-bridge/testing';
import { status } from '@grpc/grpc-js';
import { startDictBridgeSim, type DictBridgeSim } from '../src';
import { bridgeClient, entryMessage, grpcError, type Response, type TestClient } from './client';

let sim: DictBridgeSim;
let client: TestClient;
const PARTICIPANT = '12345678';
const MAX_PER_MS = 5;

beforeAll(async () => {
  sim = await startDictBridgeSim({
    seed: 3,
    maxEventsPerMs: MAX_PER_MS,
    rateLimits: { CIDS_EVENTS_LIST: { refillPerMinute: 600_000, capacity: 10_000 } },
  });
  client = bridgeClient(sim.grpcAddress);
});
afterAll(async () => {
  client.close();
  await sim.close();
});

const list = (init: { keyType: KeyType; startTime?: Timestamp; endTime?: Timestamp; limit?: number }) => client.call('listCidSetEvents', { participant: PARTICIPANT, ...init });
type Event = Response<'listCidSetEvents'>['cidSetEvents'][number];
const xor = (vsync: string, cid: string) => vsyncOf([vsync, cid]);

it('logs no event for entries seeded before history began; an empty window reports the VSync in force', async () => {
  sim.addEntries(Array.from({ length: 100 }, (_, i) => syntheticEntry('CPF', i)));
  const page = await list({ keyType: KeyType.CPF });
  expect(page.cidSetEvents).toEqual([]);
  expect(page.hasMoreElements).toBe(false);
  expect(page.syncVerifierStart).toBe(sim.vsync('CPF'));
  expect(page.syncVerifierEnd).toBe(sim.vsync('CPF'));
});

it('logs ADDED for a create, REMOVED + ADDED for an update, REMOVED for a delete, each with the VSync after it', async () => {
  const since = Date.now();
  const v0 = sim.vsync('CPF');
  const fresh = syntheticEntry('CPF', 1000);
  const created = await client.call('createEntry', { entry: entryMessage(fresh), reason: EntryOperationReason.USER_REQUESTED, requestId: fresh.requestId });
  expect(created.entry?.key).toBe(fresh.key);
  const cidCreated = sim.getEntry('CPF', fresh.key)!.cid;
  const updated = syntheticEntry('CPF', 5, PARTICIPANT, 1);
  const cidBeforeUpdate = sim.getEntry('CPF', updated.key)!.cid;
  await client.call('updateEntry', { key: updated.key, account: entryMessage(updated).account, owner: entryMessage(updated).owner, reason: EntryOperationReason.RECONCILIATION });
  const cidAfterUpdate = sim.getEntry('CPF', updated.key)!.cid;
  const deleted = syntheticEntry('CPF', 6);
  const cidDeleted = sim.getEntry('CPF', deleted.key)!.cid;
  await client.call('deleteEntry', { key: deleted.key, participant: PARTICIPANT, reason: EntryOperationReason.RECONCILIATION });

  const page = await list({ keyType: KeyType.CPF, startTime: timestampFromMs(since) });
  expect(page.cidSetEvents.map((e) => [e.type, e.cid])).toEqual([
    [CidSetEventType.ADDED, cidCreated],
    [CidSetEventType.REMOVED, cidBeforeUpdate],
    [CidSetEventType.ADDED, cidAfterUpdate],
    [CidSetEventType.REMOVED, cidDeleted],
  ]);
  expect(page.syncVerifierStart).toBe(xor(v0, cidCreated));
  expect(page.syncVerifierEnd).toBe(sim.vsync('CPF'));
  expect(sim.vsync('CPF')).toBe(vsyncOf([v0, cidCreated, cidBeforeUpdate, cidAfterUpdate, cidDeleted]));
  expect(page.startTime).toEqual(page.cidSetEvents[0]!.timestamp);
  expect(page.endTime).toEqual(page.cidSetEvents.at(-1)!.timestamp);
  expect(page.hasMoreElements).toBe(false);
  const times = page.cidSetEvents.map((e) => timestampMs(e.timestamp!));
  expect(times).toEqual([...times].sort((a, b) => a - b));
  expect(times[0]).toBeGreaterThanOrEqual(since);
  // An update to the same attributes changes nothing and logs nothing.
  await client.call('updateEntry', { key: updated.key, account: entryMessage(updated).account, owner: entryMessage(updated).owner, reason: EntryOperationReason.RECONCILIATION });
  expect((await list({ keyType: KeyType.CPF, startTime: timestampFromMs(since) })).cidSetEvents).toHaveLength(4);
});

it('pages with both bounds inclusive: asking again from the last timestamp seen, de-duplicated, gives every event once and in order', async () => {
  const since = Date.now();
  const injected = sim.inject({ keyType: 'PHONE', missingLocally: 450, missingInDict: 0 });
  // 450 events at 5 per millisecond reach 90 ms ahead of the clock; events show once their time has come.
  await new Promise((r) => setTimeout(r, 200));
  const all: Event[] = [];
  const seen = new Set<string>();
  let startTime = timestampFromMs(since);
  let pages = 0;
  let last: Response<'listCidSetEvents'> | undefined;
  for (;;) {
    last = await list({ keyType: KeyType.PHONE, startTime, limit: 100 });
    pages++;
    for (const e of last.cidSetEvents) {
      const id = `${e.type}:${e.cid}:${timestampMs(e.timestamp!)}`;
      if (!seen.has(id)) all.push(e);
      seen.add(id);
    }
    if (!last.hasMoreElements) break;
    startTime = last.endTime!;
    expect(pages).toBeLessThan(50);
  }
  expect(all.map((e) => e.cid)).toEqual(injected.missingLocally.map((m) => m.cid));
  expect(last.syncVerifierEnd).toBe(sim.vsync('PHONE'));
  // No more than MAX_PER_MS events share a millisecond, so pages of 100 always move forward.
  const perMs = new Map<number, number>();
  for (const e of all) perMs.set(timestampMs(e.timestamp!), (perMs.get(timestampMs(e.timestamp!)) ?? 0) + 1);
  expect(Math.max(...perMs.values())).toBeLessThanOrEqual(MAX_PER_MS);

  // Both bounds inclusive: a window of one millisecond holds every event of that millisecond.
  const t = timestampMs(all[150]!.timestamp!);
  const one = await list({ keyType: KeyType.PHONE, startTime: timestampFromMs(t), endTime: timestampFromMs(t) });
  expect(one.cidSetEvents.length).toBe(perMs.get(t));
  expect(one.cidSetEvents.every((e) => timestampMs(e.timestamp!) === t)).toBe(true);
  // SyncVerifierStart is the VSync after the first event listed: undo it to get the VSync before.
  const firstIndex = all.findIndex((e) => timestampMs(e.timestamp!) === t);
  const after = await list({ keyType: KeyType.PHONE, startTime: timestampFromMs(since), limit: firstIndex + 1 });
  expect(after.syncVerifierEnd).toBe(one.syncVerifierStart);
});

it('refuses a limit above 200, a negative one, and a start after the end; 0 means the default of 100', async () => {
  expect((await grpcError(list({ keyType: KeyType.PHONE, limit: 201 }))).code).toBe(status.INVALID_ARGUMENT);
  expect((await grpcError(list({ keyType: KeyType.PHONE, limit: -1 }))).code).toBe(status.INVALID_ARGUMENT);
  expect((await list({ keyType: KeyType.PHONE, limit: 200 })).cidSetEvents).toHaveLength(200);
  expect((await list({ keyType: KeyType.PHONE })).cidSetEvents).toHaveLength(100);
  expect((await grpcError(list({ keyType: KeyType.PHONE, startTime: timestampFromMs(2000), endTime: timestampFromMs(1000) }))).code).toBe(status.INVALID_ARGUMENT);
  expect((await grpcError(list({ keyType: KeyType.UNSPECIFIED }))).code).toBe(status.INVALID_ARGUMENT);
  expect((await grpcError(client.call('listCidSetEvents', { participant: '99999999', keyType: KeyType.PHONE }))).code).toBe(status.PERMISSION_DENIED);
});

it('shows events late when told to', async () => {
  sim.setFaults({ eventsDelayMs: 400 });
  try {
    const since = Date.now();
    sim.removeEntry('CPF', syntheticEntry('CPF', 50).key);
    expect((await list({ keyType: KeyType.CPF, startTime: timestampFromMs(since) })).cidSetEvents).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 450));
    expect((await list({ keyType: KeyType.CPF, startTime: timestampFromMs(since) })).cidSetEvents).toHaveLength(1);
  } finally {
    sim.clearFaults();
  }
});

it('keeps every CID ever generated mapped to its key', async () => {
  const e = syntheticEntry('CPF', 60);
  const first = sim.getEntry('CPF', e.key)!.cid;
  const change = sim.updateEntry('CPF', e.key, { accountType: 'SVGS' })!;
  expect(change.previousCid).toBe(first);
  sim.removeEntry('CPF', e.key);
  expect(sim.keyOfCid(first)).toEqual({ keyType: 'CPF', key: e.key });
  expect(sim.keyOfCid(change.cid)).toEqual({ keyType: 'CPF', key: e.key });
  expect(sim.keyOfCid('0'.repeat(64))).toBeUndefined();
});
