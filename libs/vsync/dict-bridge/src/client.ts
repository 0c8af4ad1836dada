import type { DescMethodUnary, MessageInitShape, MessageShape } from '@bufbuild/protobuf';
import { create } from '@bufbuild/protobuf';
import { ChannelCredentials, Client, credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import { DictBridgeService } from './gen/fleet/dict/bridge/v1/bridge_pb';
import { grpcServiceDefinition } from './grpc-adapter';
import { createBuckets, DICT_RATE_LIMITS, POLICY_OF, type BridgeOperation, type RateLimit, type RatePolicy } from './rate-limits';
import type { TokenBucket } from '@fleet/shared-limits';

type Methods = (typeof DictBridgeService)['method'];
type Input<K extends BridgeOperation> = MessageInitShape<Methods[K]['input']>;
type Output<K extends BridgeOperation> = MessageShape<Methods[K]['output']>;

export interface CallOptions {
  /** Deadline of one attempt; default the client's. */
  deadlineMs?: number;
  signal?: AbortSignal;
}

export type DictBridgeCalls = { [K in BridgeOperation]: (request: Input<K>, options?: CallOptions) => Promise<Output<K>> };

export interface TlsOptions {
  /** PEM of the CA that signed the bridge's certificate; the system's roots when absent. */
  ca?: Buffer;
  /** PEM of the client's certificate and key: mutual TLS when both are set. */
  cert?: Buffer;
  key?: Buffer;
}

export interface DictBridgeClientOptions {
  /** host:port of the bridge. */
  address: string;
  /** TLS to the bridge; plaintext when absent (local simulator only). */
  tls?: TlsOptions;
  /** Deadline of each attempt. Default 10 s. */
  deadlineMs?: number;
  /** Attempts of a call answered UNAVAILABLE before giving up. Default 3. */
  attempts?: number;
  /** First backoff between attempts, doubled each time. Default 200 ms. */
  backoffMs?: number;
  /** DICT's limits, unless overridden (a negotiated quota, tests). */
  rateLimits?: Partial<Record<RatePolicy, RateLimit>>;
  /** Longest wait for a token before failing with RESOURCE_EXHAUSTED (retryable). Default 90 s. */
  maxRateWaitMs?: number;
}

export interface DictBridgeClient extends DictBridgeCalls {
  /** The client-side buckets, one per DICT policy. */
  readonly buckets: Record<RatePolicy, TokenBucket>;
  close(): void;
}

/** TLS options from PEM files (paths from configuration). */
export function tlsFromFiles(files: { ca?: string; cert?: string; key?: string }): TlsOptions {
  const read = (path?: string) => (path ? readFileSync(path) : undefined);
  return { ca: read(files.ca), cert: read(files.cert), key: read(files.key) };
}

export function channelCredentials(tls?: TlsOptions): ChannelCredentials {
  if (!tls) return credentials.createInsecure();
  if ((tls.cert === undefined) !== (tls.key === undefined)) throw new Error('mutual TLS needs both a client certificate and its key');
  return credentials.createSsl(tls.ca ?? null, tls.key ?? null, tls.cert ?? null);
}

/**
 * The client's buckets run a little below DICT's: a token taken here must still be there when the
 * request reaches DICT, whatever the network did to the spacing between requests. (With several
 * worker processes the quota is shared: give each its part through `rateLimits`.)
 */
function clientLimits(overrides: Partial<Record<RatePolicy, RateLimit>>): Record<RatePolicy, RateLimit> {
  const limits = { ...DICT_RATE_LIMITS, ...overrides } as Record<RatePolicy, RateLimit>;
  return Object.fromEntries(
    Object.entries(limits).map(([policy, l]) => [policy, { capacity: Math.max(1, Math.floor(l.capacity * 0.98)), refillPerMinute: l.refillPerMinute * 0.95 }]),
  ) as Record<RatePolicy, RateLimit>;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });

/** A failure made here rather than by the bridge, shaped like a gRPC error. */
function localError(code: status, message: string): ServiceError {
  return Object.assign(new Error(message), { code, details: message, metadata: new Metadata() });
}

/**
 * A client of the DICT bridge: deadlines on every attempt, retry of UNAVAILABLE with backoff,
 * and client-side token buckets so DICT's per-operation limits are never exceeded.
 */
export function createDictBridgeClient(options: DictBridgeClientOptions): DictBridgeClient {
  const client = new Client(options.address, channelCredentials(options.tls));
  const definition = grpcServiceDefinition(DictBridgeService);
  const methodDefinition = (operation: BridgeOperation) => {
    const found = definition[operation];
    if (!found) throw new Error(`DictBridgeService has no method ${operation}`);
    return found;
  };
  const buckets = createBuckets(clientLimits(options.rateLimits ?? {}));
  const attempts = options.attempts ?? 3;
  const maxRateWaitMs = options.maxRateWaitMs ?? 90_000;

  const takeToken = async (policy: RatePolicy, signal?: AbortSignal) => {
    const bucket = buckets[policy];
    const giveUpAt = Date.now() + maxRateWaitMs;
    while (!bucket.tryTake()) {
      const wait = bucket.waitMs();
      if (Date.now() + wait > giveUpAt) throw localError(status.RESOURCE_EXHAUSTED, `${policy}: no token within ${maxRateWaitMs} ms (client-side DICT rate limit)`);
      await sleep(wait, signal);
    }
  };

  const unary = <K extends BridgeOperation>(operation: K, request: Input<K>, callOptions: CallOptions) => {
    const method = DictBridgeService.method[operation] as DescMethodUnary;
    const { path, requestSerialize, responseDeserialize } = methodDefinition(operation);
    const message = create(method.input, request as never);
    return new Promise<Output<K>>((resolve, reject) => {
      const call = client.makeUnaryRequest(
        path,
        requestSerialize,
        responseDeserialize as (b: Buffer) => Output<K>,
        message,
        new Metadata(),
        { deadline: Date.now() + (callOptions.deadlineMs ?? options.deadlineMs ?? 10_000) },
        (err, response) => (err || response === undefined ? reject(err ?? new Error(`${operation}: empty response`)) : resolve(response)),
      );
      callOptions.signal?.addEventListener('abort', () => call.cancel(), { once: true });
    });
  };

  const calls = {} as Record<BridgeOperation, (request: never, options?: CallOptions) => Promise<unknown>>;
  for (const operation of Object.keys(POLICY_OF) as BridgeOperation[]) {
    calls[operation] = async (request, callOptions = {}) => {
      for (let attempt = 1; ; attempt++) {
        await takeToken(POLICY_OF[operation], callOptions.signal);
        try {
          return await unary(operation, request, callOptions);
        } catch (err) {
          // DICT refused for its limit: the quota is shared (other processes), so pace from now on as if empty.
          if ((err as ServiceError).code === status.RESOURCE_EXHAUSTED) buckets[POLICY_OF[operation]].drain();
          if ((err as ServiceError).code !== status.UNAVAILABLE || attempt >= attempts || callOptions.signal?.aborted) throw err;
          await sleep((options.backoffMs ?? 200) * 2 ** (attempt - 1) * (0.5 + Math.random()), callOptions.signal);
        }
      }
    };
  }
  return { ...(calls as unknown as DictBridgeCalls), buckets, close: () => client.close() };
}
