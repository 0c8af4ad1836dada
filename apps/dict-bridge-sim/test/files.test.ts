import { createHash } from 'node:crypto';
import { FileStatus, KeyType } from '@fleet/vsync-dict-bridge';
import { syntheticEntry } from '@fleet/vsync-dict-bridge/testing';
import { status } from '@grpc/grpc-js';
import { CID_LINE_BYTES, startDictBridgeSim, type DictBridgeSim } from '../src';
import { bridgeClient, grpcError, waitUntil, type Response, type TestClient } from './client';

let sim: DictBridgeSim;
let client: TestClient;
const PARTICIPANT = '12345678';
// The tests poll every 20 ms: far above DICT's 10 per minute for getCidSetFile.
const POLL_FREELY = { CIDS_FILES_READ: { refillPerMinute: 600_000, capacity: 10_000 } };

beforeAll(async () => {
  sim = await startDictBridgeSim({ seed: 2, fileProcessingDelayMs: 150, rateLimits: POLL_FREELY });
  client = bridgeClient(sim.grpcAddress);
  await sim.seedSynthetic('EMAIL', 20_000);
});
afterAll(async () => {
  client.close();
  await sim.close();
});
beforeEach(() => sim.clearFaults());

type CidSetFile = NonNullable<Response<'getCidSetFile'>['cidSetFile']>;

const requestFile = async (keyType: KeyType) => (await client.call('createCidSetFile', { participant: PARTICIPANT, keyType })).cidSetFile!;
const getFile = async (id: bigint) => (await client.call('getCidSetFile', { id, requestingParticipant: PARTICIPANT })).cidSetFile!;

/** Polls the file, recording every status seen, until it settles. */
async function settle(id: bigint): Promise<{ file: CidSetFile; seen: FileStatus[] }> {
  const seen: FileStatus[] = [];
  const file = await waitUntil(`file ${id}`, async () => {
    const f = await getFile(id);
    if (seen.at(-1) !== f.status) seen.push(f.status);
    return f.status === FileStatus.PROCESSING || f.status === FileStatus.REQUESTED ? undefined : f;
  });
  return { file, seen };
}

async function download(url: string): Promise<Buffer> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  const body = Buffer.from(await res.arrayBuffer());
  expect(Number(res.headers.get('content-length'))).toBe(body.length);
  return body;
}

it('generates a file asynchronously, REQUESTED then PROCESSING then AVAILABLE, with size and SHA-256 of its body: the active CIDs, one per line', async () => {
  const requested = await requestFile(KeyType.EMAIL);
  expect(requested.status).toBe(FileStatus.REQUESTED);
  expect(requested.requestTime).toBeDefined();
  expect(requested.url).toBe('');
  const { file, seen } = await settle(requested.id);
  expect(seen[0]).toBe(FileStatus.REQUESTED);
  expect(seen.at(-1)).toBe(FileStatus.AVAILABLE);
  expect(file).toMatchObject({ id: requested.id, participant: PARTICIPANT, keyType: KeyType.EMAIL });
  expect(file.creationTime).toBeDefined();
  expect(file.url).toBe(`${sim.httpUrl}/cids/files/${file.id}`);
  expect(file.bytes).toBe(BigInt(20_000 * CID_LINE_BYTES));

  const body = await download(file.url);
  expect(BigInt(body.length)).toBe(file.bytes);
  expect(createHash('sha256').update(body).digest('hex')).toBe(file.sha256);
  // Every line, the last one included, ends with \n: no trailing blank line, no missing newline.
  expect(body.at(-1)).toBe(0x0a);
  const lines = body.toString('latin1').slice(0, -1).split('\n');
  expect(lines.every((l) => /^[0-9a-f]{64}$/.test(l))).toBe(true);
  expect(new Set(lines)).toEqual(new Set(sim.cids('EMAIL')));
  expect(lines.length).toBe(20_000);
  // No defined order: not the order the entries were added in.
  expect(lines.slice(0, 50)).not.toEqual([...sim.cids('EMAIL')].slice(0, 50));
});

it('snapshots the CIDs when processing starts: later changes are not in the file', async () => {
  const before = new Set(sim.cids('EMAIL'));
  const { id } = await requestFile(KeyType.EMAIL);
  await waitUntil('PROCESSING', async () => ((await getFile(id)).status !== FileStatus.REQUESTED ? true : undefined));
  const changed = sim.inject({ keyType: 'EMAIL', missingLocally: 3, missingInDict: 3 });
  const { file } = await settle(id);
  const lines = new Set((await download(file.url)).toString('latin1').trim().split('\n'));
  expect(lines).toEqual(before);
  for (const { cid } of changed.missingLocally) expect(lines.has(cid)).toBe(false);
});

it('writes an empty file for a key type without entries', async () => {
  const { file } = await settle((await requestFile(KeyType.CNPJ)).id);
  expect(file.status).toBe(FileStatus.AVAILABLE);
  expect(file.bytes).toBe(0n);
  expect(file.sha256).toBe(createHash('sha256').digest('hex'));
  expect((await download(file.url)).length).toBe(0);
});

it('ends a file in ERROR when told to, and keeps one PROCESSING longer when told to', async () => {
  sim.setFaults({ fileErrorNext: 1 });
  const failed = await settle((await requestFile(KeyType.EMAIL)).id);
  expect(failed.file.status).toBe(FileStatus.ERROR);
  expect(failed.file.url).toBe('');
  expect((await fetch(`${sim.httpUrl}/cids/files/${failed.file.id}`)).status).toBe(404);
  // Only the next one.
  expect((await settle((await requestFile(KeyType.EMAIL)).id)).file.status).toBe(FileStatus.AVAILABLE);

  sim.setFaults({ fileProcessingExtraMs: 1500 });
  const started = Date.now();
  const slow = await settle((await requestFile(KeyType.CNPJ)).id);
  expect(slow.file.status).toBe(FileStatus.AVAILABLE);
  expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
  expect(slow.seen).toContain(FileStatus.PROCESSING);
});

it('serves altered bytes once when told to, so the SHA-256 check fails, and a body cut short once', async () => {
  const { file } = await settle((await requestFile(KeyType.EMAIL)).id);
  sim.setFaults({ corruptNextDownload: true });
  const corrupt = await download(file.url);
  expect(BigInt(corrupt.length)).toBe(file.bytes);
  expect(createHash('sha256').update(corrupt).digest('hex')).not.toBe(file.sha256);
  expect(createHash('sha256').update(await download(file.url)).digest('hex')).toBe(file.sha256);

  sim.setFaults({ truncateNextDownload: true });
  await expect(fetch(file.url).then((res) => res.arrayBuffer())).rejects.toThrow();
  expect(createHash('sha256').update(await download(file.url)).digest('hex')).toBe(file.sha256);
  expect(sim.stats().downloads).toMatchObject({ corrupted: 1, truncated: 1 });
});

it('answers NOT_FOUND for an unknown file and 404 for an unknown download', async () => {
  expect((await grpcError(getFile(999_999n))).code).toBe(status.NOT_FOUND);
  expect((await fetch(`${sim.httpUrl}/cids/files/999999`)).status).toBe(404);
  expect((await fetch(`${sim.httpUrl}/cids/files/nope`)).status).toBe(404);
  expect((await grpcError(client.call('createCidSetFile', { participant: '87654321', keyType: KeyType.EMAIL }))).code).toBe(status.PERMISSION_DENIED);
  expect((await grpcError(client.call('getCidSetFile', { id: 1n }))).code).toBe(status.INVALID_ARGUMENT);
});

it('makes a file UNAVAILABLE once its time to live has passed', async () => {
  const short = await startDictBridgeSim({ fileProcessingDelayMs: 10, fileTtlMs: 300, rateLimits: POLL_FREELY });
  const c = bridgeClient(short.grpcAddress);
  try {
    short.addEntries([syntheticEntry('EVP', 1)]);
    const { cidSetFile } = await c.call('createCidSetFile', { participant: PARTICIPANT, keyType: KeyType.EVP });
    const get = async () => (await c.call('getCidSetFile', { id: cidSetFile!.id, requestingParticipant: PARTICIPANT })).cidSetFile!;
    const available = await waitUntil('AVAILABLE', async () => ((await get()).status === FileStatus.AVAILABLE ? await get() : undefined));
    expect((await fetch(available.url)).status).toBe(200);
    await waitUntil('UNAVAILABLE', async () => ((await get()).status === FileStatus.UNAVAILABLE ? true : undefined));
    expect((await fetch(available.url)).status).toBe(410);
  } finally {
    c.close();
    await short.close();
  }
});
