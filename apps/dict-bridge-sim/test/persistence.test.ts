import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import { EntryOperationReason, FileStatus, KEY_TYPES, KeyType, SyncVerificationResult, type DictKeyType } from '@fleet/vsync-dict-bridge';
import { syntheticEntry } from '@fleet/vsync-dict-bridge/testing';
import { startDictBridgeSim, type DictBridgeSim } from '../src';
import { bridgeClient, entryMessage, waitUntil } from './client';

const PARTICIPANT = '12345678';
const POLL_FREELY = { CIDS_FILES_READ: { refillPerMinute: 600_000, capacity: 10_000 }, CIDS_EVENTS_LIST: { refillPerMinute: 600_000, capacity: 10_000 } };

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'dict-sim-data-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Everything a participant can observe of DICT, per key type, plus a few entries in full. */
async function observe(sim: DictBridgeSim) {
  const client = bridgeClient(sim.grpcAddress);
  try {
    const perType: Record<string, unknown> = {};
    for (const kt of KEY_TYPES) {
      const events = await client.call('listCidSetEvents', { participant: PARTICIPANT, keyType: KeyType[kt], startTime: timestampFromMs(0), limit: 200 });
      perType[kt] = {
        entries: sim.entryCount(kt),
        vsync: sim.vsync(kt),
        cids: [...sim.cids(kt)].sort(),
        events: events.cidSetEvents.map((e) => [e.type, e.cid, String(e.timestamp?.seconds), e.timestamp?.nanos]),
        verification: (await client.call('createSyncVerification', { syncVerification: { participant: PARTICIPANT, keyType: KeyType[kt], participantSyncVerifier: sim.vsync(kt) } })).syncVerification?.result,
      };
    }
    return perType;
  } finally {
    client.close();
  }
}

it('keeps entries, every CID, the event log, the VSyncs and the CID files across a restart on the same data folder', async () => {
  const first = await startDictBridgeSim({ dataDir: dir, seed: 1, fileProcessingDelayMs: 20, rateLimits: POLL_FREELY });
  let fileId: bigint;
  let removedCid: string;
  let before: Awaited<ReturnType<typeof observe>>;
  const kept = syntheticEntry('EMAIL', 3);
  let keptEntry: ReturnType<DictBridgeSim['getEntry']>;
  try {
    expect(first.restored).toEqual({ entries: 0, keyTypes: [], files: 0 });
    await first.seedSynthetic('CPF', 300);
    await first.seedSynthetic('EMAIL', 20, { logEvents: true });
    first.inject({ keyType: 'CPF', missingLocally: 3, missingInDict: 2, attributeDrift: 2 });
    removedCid = first.removeEntry('EMAIL', syntheticEntry('EMAIL', 7).key)!;
    first.updateEntry('EMAIL', kept.key, { branch: '9999' });
    const client = bridgeClient(first.grpcAddress);
    const created = await client.call('createEntry', { entry: entryMessage(syntheticEntry('PHONE', 1)), reason: EntryOperationReason.USER_REQUESTED, requestId: syntheticEntry('PHONE', 1).requestId });
    expect(created.entry?.key).toBe(syntheticEntry('PHONE', 1).key);
    fileId = (await client.call('createCidSetFile', { participant: PARTICIPANT, keyType: KeyType.CPF })).cidSetFile!.id;
    await waitUntil('the file', async () => ((await client.call('getCidSetFile', { id: fileId, requestingParticipant: PARTICIPANT })).cidSetFile?.status === FileStatus.AVAILABLE ? true : undefined));
    client.close();
    before = await observe(first);
    keptEntry = first.getEntry('EMAIL', kept.key);
    expect(keptEntry).toMatchObject({ branch: '9999', requestId: kept.requestId });
    expect(first.persistence()).toMatchObject({ dir });
  } finally {
    await first.close();
  }
  expect(readdirSync(dir).sort()).toEqual(['CPF.snapshot', 'EMAIL.snapshot', 'PHONE.snapshot', 'files', 'files.json']);

  const second = await startDictBridgeSim({ dataDir: dir, seed: 2, fileProcessingDelayMs: 20, rateLimits: POLL_FREELY });
  try {
    expect(second.restored).toEqual({ entries: 300 + 3 - 2 + 20 - 1 + 1, keyTypes: ['CPF', 'PHONE', 'EMAIL'], files: 1 });
    expect(second.persistence()).toMatchObject({ dir, unsavedChanges: 0 });
    expect(await observe(second)).toEqual(before);
    expect(Object.values(before).every((t) => (t as { verification: SyncVerificationResult }).verification === SyncVerificationResult.OK)).toBe(true);
    expect(second.getEntry('EMAIL', kept.key)).toEqual(keptEntry);
    expect(second.keyOfCid(removedCid)).toEqual({ keyType: 'EMAIL', key: syntheticEntry('EMAIL', 7).key });

    // The file is still served, at this run's address, with the size and SHA-256 it was given.
    const client = bridgeClient(second.grpcAddress);
    const file = (await client.call('getCidSetFile', { id: fileId, requestingParticipant: PARTICIPANT })).cidSetFile!;
    expect(file).toMatchObject({ status: FileStatus.AVAILABLE, url: `${second.httpUrl}/cids/files/${fileId}` });
    const body = Buffer.from(await (await fetch(file.url)).arrayBuffer());
    expect(BigInt(body.length)).toBe(file.bytes);
    expect(createHash('sha256').update(body).digest('hex')).toBe(file.sha256);
    expect(body.toString().trim().split('\n').sort()).toEqual((before.CPF as { cids: string[] }).cids);
    // Ids go on; keys known before are known now; new changes log events after the old ones.
    expect((await client.call('createCidSetFile', { participant: PARTICIPANT, keyType: KeyType.CPF })).cidSetFile!.id).toBe(fileId + 1n);
    client.close();
    expect(() => second.addEntries([kept])).toThrow(/has an entry already/);
    const lastEvent = (before.EMAIL as { events: unknown[][] }).events.at(-1)!;
    second.removeEntry('EMAIL', syntheticEntry('EMAIL', 8).key);
    const after = (await observe(second)).EMAIL as { events: unknown[][] };
    expect(after.events.slice(0, -1)).toEqual((before.EMAIL as { events: unknown[][] }).events);
    expect(Number(after.events.at(-1)![2])).toBeGreaterThanOrEqual(Number(lastEvent[2]));
    await second.flush();
    expect(second.persistence()?.unsavedChanges).toBe(0);
  } finally {
    await second.close();
  }

  // A snapshot of another participant is refused, and so is a damaged one, naming the file.
  await expect(startDictBridgeSim({ dataDir: dir, participant: '87654321' })).rejects.toThrow(`${path.join(dir, 'CPF.snapshot')} holds DICT data of participant ${PARTICIPANT}, not 87654321`);
  const snapshot = path.join(dir, 'PHONE.snapshot');
  const bytes = readFileSync(snapshot);
  bytes.writeUInt8(bytes.readUInt8(bytes.length - 40) ^ 1, bytes.length - 40);
  writeFileSync(snapshot, bytes);
  await expect(startDictBridgeSim({ dataDir: dir })).rejects.toThrow(`${snapshot}: its checksum does not match (damaged)`);
});

describe('the simulator as its own process with DICT_SIM_DATA_DIR', () => {
  const root = path.resolve(__dirname, '../../..');
  const children: ChildProcess[] = [];
  afterAll(() => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL')));

  function startProcess(extraEnv: Record<string, string> = {}) {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'apps/dict-bridge-sim/src/main.ts')], {
      cwd: root,
      env: { ...process.env, DICT_SIM_GRPC_PORT: '0', DICT_SIM_HTTP_PORT: '0', DICT_SIM_PARTICIPANT: PARTICIPANT, DICT_SIM_DATA_DIR: dir, LOG_LEVEL: 'info', ...extraEnv },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    const logs: Record<string, unknown>[] = [];
    createInterface({ input: child.stdout! }).on('line', (line) => logs.push(JSON.parse(line) as Record<string, unknown>));
    const log = (msg: string) => waitUntil(`"${msg}" log`, async () => logs.find((l) => l.msg === msg), 60_000);
    return { child, logs, log, exited: new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code))) };
  }

  it('comes back after a SIGKILL with what it had saved, and does not seed again the key types it kept', async () => {
    const one = startProcess();
    const { httpUrl } = await one.log('DICT bridge simulator listening');
    const admin = (route: string, body?: string) => fetch(`${String(httpUrl)}/admin/${route}`, { method: body === undefined ? 'GET' : 'POST', body }).then((r) => r.json() as Promise<Record<string, unknown>>);
    await admin('entries', [{ synthetic: { keyType: 'CPF', count: 500 } }, { synthetic: { keyType: 'EVP', count: 200 } }].map((l) => JSON.stringify(l)).join('\n'));
    await admin('inject', JSON.stringify({ keyType: 'CPF', missingLocally: 4, missingInDict: 3, attributeDrift: 2 }));
    await waitUntil('the snapshot written', async () => ((await admin('health')).persistence as { unsavedChanges: number }).unsavedChanges === 0 || undefined);
    const vsyncs = async (get: typeof admin) => Object.fromEntries(await Promise.all(KEY_TYPES.map(async (kt: DictKeyType) => [kt, await get(`vsync/${kt}`)])));
    const before = await vsyncs(admin);
    expect(before.CPF).toMatchObject({ entries: 500 + 4 - 3 });
    one.child.kill('SIGKILL');
    expect(await one.exited).toBe('SIGKILL');

    const two = startProcess({ DICT_SIM_SEED_PER_KEY_TYPE: '50' });
    const loaded = await two.log('DICT bridge simulator state loaded');
    expect(loaded).toMatchObject({ entries: 701, keyTypes: ['CPF', 'EVP'] });
    const listening = await two.log('DICT bridge simulator listening');
    await two.log('seeding done');
    const admin2 = (route: string) => fetch(`${String(listening.httpUrl)}/admin/${route}`).then((r) => r.json() as Promise<Record<string, unknown>>);
    const after = await vsyncs(admin2);
    expect({ CPF: after.CPF, EVP: after.EVP }).toEqual({ CPF: before.CPF, EVP: before.EVP });
    expect(after.EMAIL).toMatchObject({ entries: 50 });
    expect(two.logs.filter((l) => l.msg === 'not seeded: it kept its entries').map((l) => l.keyType)).toEqual(['CPF', 'EVP']);
    two.child.kill('SIGTERM');
    expect(await two.exited).toBe(0);
  });
});
