import { create, type MessageInitShape, type MessageShape } from '@bufbuild/protobuf';
import { accountTypeOf, DictBridgeService, grpcServiceDefinition, keyTypeOf, personTypeOf, type BridgeOperation } from '@fleet/vsync-dict-bridge';
import type { SyntheticEntry } from '@fleet/vsync-dict-bridge/testing';
import { Client, credentials, type ChannelCredentials, type ChannelOptions, type ServiceError } from '@grpc/grpc-js';

type Method<Op extends BridgeOperation> = (typeof DictBridgeService)['method'][Op];
export type Request<Op extends BridgeOperation> = MessageInitShape<Method<Op>['input']>;
export type Response<Op extends BridgeOperation> = MessageShape<Method<Op>['output']>;

export interface TestClient {
  call<Op extends BridgeOperation>(op: Op, request: Request<Op>): Promise<Response<Op>>;
  close(): void;
}

/** A plain @grpc/grpc-js client over the same service definition the simulator serves: what goes over the wire is real. */
export function bridgeClient(address: string, creds: ChannelCredentials = credentials.createInsecure(), options: ChannelOptions = {}): TestClient {
  const definition = grpcServiceDefinition(DictBridgeService);
  const client = new Client(address, creds, options);
  return {
    call(op, request) {
      const method = definition[op]!;
      const message = create(DictBridgeService.method[op].input, request as never);
      return new Promise((resolve, reject) => {
        client.makeUnaryRequest(method.path, method.requestSerialize, method.responseDeserialize, message, { deadline: Date.now() + 10_000 }, (err, res) =>
          err ? reject(err) : resolve(res as never),
        );
      });
    },
    close: () => client.close(),
  };
}

/** The error a call ends with (fails the test when it succeeds). */
export async function grpcError(call: Promise<unknown>): Promise<ServiceError> {
  try {
    await call;
  } catch (err) {
    return err as ServiceError;
  }
  throw new Error('expected the call to fail');
}

export async function waitUntil<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** An entry as createEntry carries it. */
export function entryMessage(e: SyntheticEntry) {
  return {
    key: e.key,
    keyType: keyTypeOf(e.keyType),
    account: { participant: e.participant, branch: e.branch, accountNumber: e.accountNumber, accountType: accountTypeOf(e.accountType) },
    owner: { type: personTypeOf(e.ownerTaxIdNumber), taxIdNumber: e.ownerTaxIdNumber, name: e.ownerName, tradeName: e.ownerTradeName },
  };
}
