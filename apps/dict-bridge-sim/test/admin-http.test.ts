import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { computeCid, KeyType, SyncVerificationResult, vsyncOf } from '@fleet/vsync-dict-bridge';
import { syntheticEntry } from '@fleet/vsync-dict-bridge/testing';
import { startDictBridgeSim, type DictBridgeSim } from '../src';
import { bridgeClient } from './client';

const PARTICIPANT = '12345678';

describe('admin HTTP API', () => {
  let sim: DictBridgeSim;
  beforeAll(async () => {
    sim = await startDictBridgeSim({ seed: 5 });
  });
  afterAll(() => sim.close());

  const admin = async (method: string, route: string, body?: string) => {
    const res = await fetch(`${sim.httpUrl}/admin/${route}`, { method, body });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('seeds from NDJSON entries and from the generator, and reports VSyncs, CIDs and stats', async () => {
    const lines = [syntheticEntry('CPF', 0), syntheticEntry('CPF', 1)].map((e) => JSON.stringify(e));
    lines.push(JSON.stringify({ synthetic: { keyType: 'CPF', from: 2, count: 998 } }), '');
    expect(await admin('POST', 'entries', lines.join('\n'))).toEqual({ status: 200, body: { added: 1000 } });
    const expected = vsyncOf(Array.from({ length: 1000 }, (_, i) => syntheticEntry('CPF', i)).map((e) => computeCid(e.requestId, e)));
    expect(await admin('GET', 'vsync/CPF')).toEqual({ status: 200, body: { keyType: 'CPF', vsync: expected, entries: 1000 } });
    const cids = (await (await fetch(`${sim.httpUrl}/admin/cids/CPF`)).text()).trim().split('\n');
    expect(new Set(cids)).toEqual(new Set(sim.cids('CPF')));
    expect(cids).toHaveLength(1000);
    // A duplicate is refused and named by its line.
    const dup = await admin('POST', 'entries', JSON.stringify(syntheticEntry('CPF', 0)));
    expect(dup.status).toBe(400);
    expect(String(dup.body.error)).toMatch(/^line 1: .*has an entry already/);
    expect((await admin('GET', 'stats')).body).toMatchObject({ calls: { createSyncVerification: 0 } });
  });

  it('sets, shows and clears faults, and injects divergences', async () => {
    expect((await admin('POST', 'faults', JSON.stringify({ unavailableRate: 0.25, perOperation: { getCidSetFile: { latencyMs: 10 } } }))).body).toEqual({
      unavailableRate: 0.25,
      perOperation: { getCidSetFile: { latencyMs: 10 } },
    });
    expect(sim.faults().unavailableRate).toBe(0.25);
    expect((await admin('POST', 'faults', JSON.stringify({ unavailableRate: 3 }))).status).toBe(400);
    expect((await admin('DELETE', 'faults')).body).toEqual({});
    const injected = await admin('POST', 'inject', JSON.stringify({ keyType: 'CPF', missingLocally: 2, missingInDict: 1, attributeDrift: 1 }));
    expect(injected.status).toBe(200);
    expect(injected.body).toMatchObject({ keyType: 'CPF', vsync: sim.vsync('CPF') });
    expect(injected.body.missingLocally).toHaveLength(2);
    expect((await admin('POST', 'inject', JSON.stringify({ keyType: 'NOPE' }))).status).toBe(400);
    expect((await admin('GET', 'nothing-here')).status).toBe(404);
    expect((await admin('POST', 'stats/reset')).status).toBe(200);
  });
});

describe('the simulator as its own process', () => {
  it('starts from the environment, seeds every key type, answers, and stops cleanly on SIGTERM', async () => {
    const root = path.resolve(__dirname, '../../..');
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'apps/dict-bridge-sim/src/main.ts')], {
      cwd: root,
      env: { ...process.env, DICT_SIM_GRPC_PORT: '0', DICT_SIM_HTTP_PORT: '0', DICT_SIM_PARTICIPANT: PARTICIPANT, DICT_SIM_SEED_PER_KEY_TYPE: '200', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const logs: Record<string, unknown>[] = [];
    const waitForLog = (msg: string) =>
      new Promise<Record<string, unknown>>((resolve, reject) => {
        const found = logs.find((l) => l.msg === msg);
        if (found) return resolve(found);
        const timer = setTimeout(() => reject(new Error(`no "${msg}" log`)), 60_000);
        const check = () => {
          const hit = logs.find((l) => l.msg === msg);
          if (hit) {
            clearTimeout(timer);
            resolve(hit);
          } else setTimeout(check, 20);
        };
        check();
      });
    createInterface({ input: child.stdout }).on('line', (line) => logs.push(JSON.parse(line) as Record<string, unknown>));
    try {
      const listening = await waitForLog('DICT bridge simulator listening');
      await waitForLog('seeding done');
      const health = (await (await fetch(`${String(listening.httpUrl)}/admin/health`)).json()) as Record<string, unknown>;
      expect(health).toEqual({ participant: PARTICIPANT, grpcAddress: listening.grpcAddress, httpUrl: listening.httpUrl, persistence: null });
      const client = bridgeClient(String(listening.grpcAddress));
      const vsync = vsyncOf(Array.from({ length: 200 }, (_, i) => syntheticEntry('EVP', i)).map((e) => computeCid(e.requestId, e)));
      const answer = await client.call('createSyncVerification', { syncVerification: { participant: PARTICIPANT, keyType: KeyType.EVP, participantSyncVerifier: vsync } });
      client.close();
      expect(answer.syncVerification?.result).toBe(SyncVerificationResult.OK);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      await waitForLog('DICT bridge simulator stopped');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('refuses a bad configuration naming the variable', async () => {
    const root = path.resolve(__dirname, '../../..');
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'apps/dict-bridge-sim/src/main.ts')], {
      cwd: root,
      env: { ...process.env, DICT_SIM_PARTICIPANT: '123', DICT_SIM_FAULTS: '{"unavailableRate":' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    expect(await new Promise((resolve) => child.once('exit', resolve))).toBe(1);
    expect(stderr).toMatch(/DICT_SIM_PARTICIPANT: expected an ISPB of 8 digits/);
    expect(stderr).toMatch(/DICT_SIM_FAULTS: expected JSON/);
  });
});
