// The bridge client's TLS configuration (PEM files, as the worker reads them) against the simulator requiring mutual TLS.
import { startDictBridgeSim, type DictBridgeSim } from '@fleet/dict-bridge-sim';
import { createDictBridgeClient, EMPTY_VSYNC, KeyType, SyncVerificationResult, tlsFromFiles } from '@fleet/vsync-dict-bridge';
import { status, type ServiceError } from '@grpc/grpc-js';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const dir = mkdtempSync(path.join(tmpdir(), 'bridge-tls-'));
const file = (name: string) => path.join(dir, name);
let sim: DictBridgeSim;

beforeAll(async () => {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=test-ca');
  for (const [name, cn] of [['server', 'localhost'], ['client', 'participant-12345678']]) {
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '1');
  }
  sim = await startDictBridgeSim({ tls: { certChain: readFileSync(file('server.pem')), privateKey: readFileSync(file('server.key')), rootCerts: readFileSync(file('ca.pem')), requireClientCert: true } });
});
afterAll(async () => {
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

const request = { syncVerification: { participant: '12345678', keyType: KeyType.CPF, participantSyncVerifier: EMPTY_VSYNC } };
const address = () => `localhost:${sim.grpcAddress.split(':')[1]}`;

it('reaches a bridge that requires mutual TLS with the CA and client certificate files configured', async () => {
  const client = createDictBridgeClient({ address: address(), tls: tlsFromFiles({ ca: file('ca.pem'), cert: file('client.pem'), key: file('client.key') }) });
  expect((await client.createSyncVerification(request)).syncVerification?.result).toBe(SyncVerificationResult.OK);
  client.close();
});

it('is refused without a client certificate, and a certificate without its key is a configuration error', async () => {
  const client = createDictBridgeClient({ address: address(), attempts: 1, tls: tlsFromFiles({ ca: file('ca.pem') }) });
  expect(((await client.createSyncVerification(request).catch((e: unknown) => e)) as ServiceError).code).toBe(status.UNAVAILABLE);
  client.close();
  expect(() => createDictBridgeClient({ address: address(), tls: tlsFromFiles({ ca: file('ca.pem'), cert: file('client.pem') }) })).toThrow(/needs both a client certificate and its key/);
});
