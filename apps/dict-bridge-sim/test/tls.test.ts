import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EMPTY_VSYNC, KeyType, SyncVerificationResult } from '@fleet/vsync-dict-bridge';
import { credentials, status } from '@grpc/grpc-js';
import { startDictBridgeSim, type DictBridgeSim } from '../src';
import { bridgeClient, grpcError } from './client';

// DICT is reached over mutual TLS: the simulator can require a client certificate too.
const dir = mkdtempSync(path.join(tmpdir(), 'dict-sim-tls-'));
const pem = (name: string) => readFileSync(path.join(dir, name));

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

let sim: DictBridgeSim;

beforeAll(async () => {
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=test-ca');
  for (const name of ['server', 'client']) {
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name === 'server' ? 'localhost' : 'participant-12345678'}`);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '1');
  }
  sim = await startDictBridgeSim({ tls: { certChain: pem('server.pem'), privateKey: pem('server.key'), rootCerts: pem('ca.pem'), requireClientCert: true } });
});
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

const verify = (client: ReturnType<typeof bridgeClient>) =>
  client.call('createSyncVerification', { syncVerification: { participant: '12345678', keyType: KeyType.CPF, participantSyncVerifier: EMPTY_VSYNC } });
const options = { 'grpc.ssl_target_name_override': 'localhost' };

it('answers a client presenting a certificate from the CA, and no one else', async () => {
  const good = bridgeClient(sim.grpcAddress, credentials.createSsl(pem('ca.pem'), pem('client.key'), pem('client.pem')), options);
  expect((await verify(good)).syncVerification?.result).toBe(SyncVerificationResult.OK);
  good.close();
  const anonymous = bridgeClient(sim.grpcAddress, credentials.createSsl(pem('ca.pem')), options);
  // The handshake fails: the call never reaches the service.
  expect((await grpcError(verify(anonymous))).code).toBe(status.UNAVAILABLE);
  anonymous.close();
  expect(sim.stats().calls.createSyncVerification).toBe(1);
});
