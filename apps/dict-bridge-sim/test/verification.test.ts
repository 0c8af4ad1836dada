import { computeCid, EMPTY_VSYNC, KeyType, SyncVerificationResult, vsyncOf } from '@fleet/vsync-dict-bridge';
import { syntheticEntry } from '@fleet/vsync-dict-bridge/testing';
import { status } from '@grpc/grpc-js';
import { startDictBridgeSim, type DictBridgeSim } from '../src';
import { bridgeClient, grpcError, type TestClient } from './client';

let sim: DictBridgeSim;
let client: TestClient;

beforeAll(async () => {
  sim = await startDictBridgeSim({ seed: 1 });
  client = bridgeClient(sim.grpcAddress);
});
afterAll(async () => {
  client.close();
  await sim.close();
});

const verify = (keyType: KeyType, participantSyncVerifier: string, participant = '12345678') =>
  client.call('createSyncVerification', { syncVerification: { participant, keyType, participantSyncVerifier } });

it('keeps each VSync equal to the XOR of the active CIDs, and 64 zeros for an empty key type', async () => {
  expect(sim.vsync('CNPJ')).toBe(EMPTY_VSYNC);
  sim.addEntries(Array.from({ length: 500 }, (_, i) => syntheticEntry('CPF', i)));
  expect(sim.entryCount('CPF')).toBe(500);
  expect(sim.vsync('CPF')).toBe(vsyncOf(sim.cids('CPF')));
  const eighth = syntheticEntry('CPF', 8);
  sim.removeEntry('CPF', syntheticEntry('CPF', 7).key);
  sim.updateEntry('CPF', eighth.key, { ownerName: 'Maria Souza' });
  expect(sim.entryCount('CPF')).toBe(499);
  expect(sim.vsync('CPF')).toBe(vsyncOf(sim.cids('CPF')));
  // Computed apart from the simulator: entry 7 gone, entry 8 with its new name and its original RequestId.
  const expected = Array.from({ length: 500 }, (_, i) => syntheticEntry('CPF', i))
    .filter((_, i) => i !== 7)
    .map((e) => computeCid(e.requestId, e.key === eighth.key ? { ...e, ownerName: 'Maria Souza' } : e));
  expect(sim.vsync('CPF')).toBe(vsyncOf(expected));
});

it('answers OK when the participant VSync is DICT’s, NOK otherwise, with increasing ids and never DICT’s own VSync', async () => {
  const ok = await verify(KeyType.CPF, sim.vsync('CPF'));
  expect(ok.syncVerification?.result).toBe(SyncVerificationResult.OK);
  // Upper case hex is the same number.
  expect((await verify(KeyType.CPF, sim.vsync('CPF').toUpperCase())).syncVerification?.result).toBe(SyncVerificationResult.OK);
  const nok = await verify(KeyType.CPF, EMPTY_VSYNC);
  expect(nok.syncVerification?.result).toBe(SyncVerificationResult.NOK);
  expect(nok.syncVerification?.participantSyncVerifier).toBe(EMPTY_VSYNC);
  expect(JSON.stringify(nok, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).not.toContain(sim.vsync('CPF'));
  expect(nok.syncVerification!.id).toBeGreaterThan(ok.syncVerification!.id);
  expect((await verify(KeyType.CNPJ, EMPTY_VSYNC)).syncVerification?.result).toBe(SyncVerificationResult.OK);
  expect(nok.correlationId).toMatch(/^[0-9a-f]{32}$/);
  expect(sim.stats().verifications).toEqual({ OK: 3, NOK: 1 });
});

it('refuses another participant, a malformed verifier and an unspecified key type', async () => {
  expect((await grpcError(verify(KeyType.CPF, EMPTY_VSYNC, '87654321'))).code).toBe(status.PERMISSION_DENIED);
  expect((await grpcError(verify(KeyType.CPF, EMPTY_VSYNC, '1234'))).code).toBe(status.INVALID_ARGUMENT);
  const badVerifier = await grpcError(verify(KeyType.CPF, 'abc'));
  expect(badVerifier.code).toBe(status.INVALID_ARGUMENT);
  expect(badVerifier.metadata.get('dict-error')).toEqual(['BadRequest']);
  expect((await grpcError(verify(KeyType.CPF, 'g'.repeat(64)))).code).toBe(status.INVALID_ARGUMENT);
  expect((await grpcError(verify(KeyType.UNSPECIFIED, EMPTY_VSYNC))).code).toBe(status.INVALID_ARGUMENT);
  expect((await grpcError(client.call('createSyncVerification', {}))).code).toBe(status.INVALID_ARGUMENT);
});
