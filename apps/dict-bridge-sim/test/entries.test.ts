import { randomUUID } from 'node:crypto';
import { attributesOfEntry, computeCid, EntryOperationReason, PersonType } from '@fleet/vsync-dict-bridge';
import { syntheticEntry } from '@fleet/vsync-dict-bridge/testing';
import { status } from '@grpc/grpc-js';
import { startDictBridgeSim, type DictBridgeSim } from '../src';
import { bridgeClient, entryMessage, grpcError, type TestClient } from './client';

let sim: DictBridgeSim;
let client: TestClient;
const PARTICIPANT = '12345678';

beforeAll(async () => {
  sim = await startDictBridgeSim({ seed: 4 });
  client = bridgeClient(sim.grpcAddress);
  for (const keyType of ['CPF', 'CNPJ', 'PHONE', 'EMAIL', 'EVP'] as const) await sim.seedSynthetic(keyType, 50);
});
afterAll(async () => {
  client.close();
  await sim.close();
});

const byCid = (cid: string) => client.call('getEntryByCid', { cid, requestingParticipant: PARTICIPANT });

it('returns the entry of an active CID with its RequestId: the nine attributes and the CID can be recomputed from it', async () => {
  for (const keyType of ['CPF', 'CNPJ', 'PHONE', 'EMAIL', 'EVP'] as const) {
    const e = syntheticEntry(keyType, 17);
    const cid = computeCid(e.requestId, e);
    const res = await byCid(cid);
    expect(res.cid).toBe(cid);
    expect(res.requestId).toBe(e.requestId);
    const { requestId: _r, ...attributes } = e;
    expect(attributesOfEntry(res.entry!)).toEqual(attributes);
    expect(computeCid(res.requestId, attributesOfEntry(res.entry!))).toBe(cid);
    expect(res.entry!.owner!.type).toBe(keyType === 'CNPJ' ? PersonType.LEGAL_PERSON : PersonType.NATURAL_PERSON);
    expect(res.entry!.creationDate).toBeDefined();
  }
  // Upper-case hex names the same CID.
  const e = syntheticEntry('EVP', 3);
  expect((await byCid(computeCid(e.requestId, e).toUpperCase())).entry?.key).toBe(e.key);
});

it('answers NOT_FOUND for a CID that is no longer active or never was, INVALID_ARGUMENT for a malformed one', async () => {
  const e = syntheticEntry('EMAIL', 9);
  const old = sim.updateEntry('EMAIL', e.key, { ownerName: 'Outro Nome' })!;
  expect((await grpcError(byCid(old.previousCid))).code).toBe(status.NOT_FOUND);
  expect((await byCid(old.cid)).entry?.owner?.name).toBe('Outro Nome');
  expect((await byCid(old.cid)).requestId).toBe(e.requestId);
  sim.removeEntry('EMAIL', e.key);
  expect((await grpcError(byCid(old.cid))).code).toBe(status.NOT_FOUND);
  expect((await grpcError(byCid('ab'.repeat(32)))).code).toBe(status.NOT_FOUND);
  expect((await grpcError(byCid('xyz'))).code).toBe(status.INVALID_ARGUMENT);
  expect((await grpcError(client.call('getEntryByCid', { cid: old.cid, requestingParticipant: '00000001' }))).code).toBe(status.PERMISSION_DENIED);
});

describe('createEntry', () => {
  it('creates an entry whose CID is the spec’s, and answers a repeated request like the first', async () => {
    const e = syntheticEntry('PHONE', 500);
    const request = { entry: entryMessage(e), reason: EntryOperationReason.RECONCILIATION, requestId: e.requestId };
    const first = await client.call('createEntry', request);
    const { requestId: _r, ...attributes } = e;
    expect(attributesOfEntry(first.entry!)).toEqual(attributes);
    expect(sim.getEntry('PHONE', e.key)?.cid).toBe(computeCid(e.requestId, e));
    const count = sim.entryCount('PHONE');
    const vsync = sim.vsync('PHONE');
    const again = await client.call('createEntry', request);
    expect(again.entry).toEqual(first.entry);
    expect(sim.entryCount('PHONE')).toBe(count);
    expect(sim.vsync('PHONE')).toBe(vsync);
  });

  it('refuses an existing key (ALREADY_EXISTS), a RequestId reused with other parameters, a bad reason, RequestId or participant', async () => {
    const existing = syntheticEntry('CPF', 1);
    const dup = await grpcError(client.call('createEntry', { entry: entryMessage(existing), reason: EntryOperationReason.USER_REQUESTED, requestId: randomUUID() }));
    expect(dup.code).toBe(status.ALREADY_EXISTS);
    expect(dup.metadata.get('dict-error')).toEqual(['EntryAlreadyExists']);
    const other = await grpcError(client.call('createEntry', { entry: { ...entryMessage(existing), owner: { ...entryMessage(existing).owner, taxIdNumber: '99999999999' } }, reason: EntryOperationReason.USER_REQUESTED, requestId: randomUUID() }));
    expect(other.metadata.get('dict-error')).toEqual(['EntryKeyOwnedByDifferentPerson']);

    const a = syntheticEntry('CPF', 700);
    const requestId = randomUUID();
    await client.call('createEntry', { entry: entryMessage(a), reason: EntryOperationReason.USER_REQUESTED, requestId });
    const reused = await grpcError(client.call('createEntry', { entry: entryMessage(syntheticEntry('CPF', 701)), reason: EntryOperationReason.USER_REQUESTED, requestId }));
    expect(reused.code).toBe(status.INVALID_ARGUMENT);
    expect(reused.metadata.get('dict-error')).toEqual(['RequestIdAlreadyUsed']);

    const b = syntheticEntry('CPF', 702);
    const reason = await grpcError(client.call('createEntry', { entry: entryMessage(b), reason: EntryOperationReason.FRAUD, requestId: randomUUID() }));
    expect(reason.metadata.get('dict-error')).toEqual(['InvalidReason']);
    expect((await grpcError(client.call('createEntry', { entry: entryMessage(b), reason: EntryOperationReason.USER_REQUESTED, requestId: 'not-a-uuid' }))).code).toBe(status.INVALID_ARGUMENT);
    expect((await grpcError(client.call('createEntry', { entry: entryMessage(b), reason: EntryOperationReason.USER_REQUESTED }))).code).toBe(status.INVALID_ARGUMENT);
    expect((await grpcError(client.call('createEntry', { entry: entryMessage({ ...b, participant: '87654321' }), reason: EntryOperationReason.USER_REQUESTED, requestId: randomUUID() }))).code).toBe(status.PERMISSION_DENIED);
    expect((await grpcError(client.call('createEntry', { entry: { ...entryMessage(b), owner: undefined }, reason: EntryOperationReason.USER_REQUESTED, requestId: randomUUID() }))).code).toBe(status.INVALID_ARGUMENT);
    expect(sim.getEntry('CPF', b.key)).toBeUndefined();
    expect(sim.stats().errors.createEntry).toBe(8);
  });
});

describe('updateEntry and deleteEntry', () => {
  it('updates keeping the original RequestId and recomputing the CID', async () => {
    const e = syntheticEntry('CNPJ', 20);
    const next = syntheticEntry('CNPJ', 20, PARTICIPANT, 1);
    const res = await client.call('updateEntry', { key: e.key, account: entryMessage(next).account, owner: entryMessage(next).owner, reason: EntryOperationReason.BRANCH_TRANSFER });
    const { requestId: _r, ...attributes } = next;
    expect(attributesOfEntry(res.entry!)).toEqual(attributes);
    expect(sim.getEntry('CNPJ', e.key)).toMatchObject({ requestId: e.requestId, cid: computeCid(e.requestId, next) });
  });

  it('refuses an unknown key, a change of tax id, and an EVP update for any reason but RFB_VALIDATION', async () => {
    const e = syntheticEntry('EVP', 5);
    const next = syntheticEntry('EVP', 5, PARTICIPANT, 1);
    const update = (reason: EntryOperationReason, over = {}) => client.call('updateEntry', { key: e.key, account: entryMessage(next).account, owner: { ...entryMessage(next).owner, ...over }, reason });
    expect((await grpcError(update(EntryOperationReason.RECONCILIATION))).metadata.get('dict-error')).toEqual(['InvalidReason']);
    expect((await grpcError(update(EntryOperationReason.RFB_VALIDATION, { taxIdNumber: '12312312312' }))).code).toBe(status.INVALID_ARGUMENT);
    await update(EntryOperationReason.RFB_VALIDATION);
    expect(sim.getEntry('EVP', e.key)?.cid).toBe(computeCid(e.requestId, next));
    expect((await grpcError(client.call('updateEntry', { key: 'nobody@example.com', account: entryMessage(next).account, owner: entryMessage(next).owner, reason: EntryOperationReason.USER_REQUESTED }))).code).toBe(status.NOT_FOUND);
  });

  it('deletes, then answers NOT_FOUND for the same key', async () => {
    const e = syntheticEntry('PHONE', 30);
    const count = sim.entryCount('PHONE');
    await client.call('deleteEntry', { key: e.key, participant: PARTICIPANT, reason: EntryOperationReason.RECONCILIATION });
    expect(sim.entryCount('PHONE')).toBe(count - 1);
    expect(sim.getEntry('PHONE', e.key)).toBeUndefined();
    expect((await grpcError(client.call('deleteEntry', { key: e.key, participant: PARTICIPANT, reason: EntryOperationReason.RECONCILIATION }))).code).toBe(status.NOT_FOUND);
    expect((await grpcError(client.call('deleteEntry', { key: syntheticEntry('PHONE', 31).key, participant: PARTICIPANT }))).code).toBe(status.INVALID_ARGUMENT);
    // A deleted key can be registered again.
    await client.call('createEntry', { entry: entryMessage(e), reason: EntryOperationReason.USER_REQUESTED, requestId: randomUUID() });
    expect(sim.entryCount('PHONE')).toBe(count);
  });
});
