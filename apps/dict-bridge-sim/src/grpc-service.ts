import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { create, type MessageInitShape, type MessageShape } from '@bufbuild/protobuf';
import { timestampFromDate, timestampFromMs, timestampMs, timestampNow } from '@bufbuild/protobuf/wkt';
import {
  accountTypeName,
  accountTypeOf,
  attributesOfEntry,
  AccountType,
  computeCid,
  DictBridgeService,
  EntryOperationReason,
  keyTypeName,
  keyTypeOf,
  personTypeOf,
  POLICY_OF,
  SyncVerificationResult,
  type BridgeOperation,
  type DictKeyType,
  type KeyType,
  type RatePolicy,
  type TokenBucket,
} from '@fleet/vsync-dict-bridge';
import type { Logger } from '@fleet/shared-observability';
import { status, type handleUnaryCall, type UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Dict } from './dict';
import { alreadyExists, badRequest, DictError, forbidden, notFound } from './errors';
import { BRIDGE_OPERATIONS, type FaultState } from './faults';
import type { CidFileRecord, CidFiles } from './files';
import type { SimStats } from './stats';
import type { StoredEntry } from './store/key-type-store';

type Method<Op extends BridgeOperation> = (typeof DictBridgeService)['method'][Op];
type Handlers = { [Op in BridgeOperation]: (req: MessageShape<Method<Op>['input']>) => MessageInitShape<Method<Op>['output']> };

export interface ServiceContext {
  dict: Dict;
  files: CidFiles;
  faults: FaultState;
  buckets: Record<RatePolicy, TokenBucket>;
  stats: () => SimStats;
  logger: Logger;
}

const HEX64 = /^[0-9a-fA-F]{64}$/;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const ISPB = /^\d{8}$/;
const MAX_EVENTS_LIMIT = 200;
const DEFAULT_EVENTS_LIMIT = 100;
const CREATE_REASONS = new Set([EntryOperationReason.USER_REQUESTED, EntryOperationReason.RECONCILIATION]);
const UPDATE_REASONS = new Set([EntryOperationReason.USER_REQUESTED, EntryOperationReason.BRANCH_TRANSFER, EntryOperationReason.RECONCILIATION, EntryOperationReason.RFB_VALIDATION]);

/** The DictBridgeService implementation: DICT's answers, rate limits and injected faults. */
export function createBridgeService(ctx: ServiceContext): UntypedServiceImplementation {
  const { dict } = ctx;
  let lastVerificationId = 0n;
  // RequestIds of entries created through createEntry: a repeat with other parameters is refused.
  const cidByRequestId = new Map<string, string>();

  const checkParticipant = (value: string, field: string): void => {
    if (!ISPB.test(value)) throw badRequest(`${field} must be an ISPB of 8 digits, got ${JSON.stringify(value)}`);
    if (value !== dict.participant) throw forbidden(`${field} ${value} is not the participant of this connection (${dict.participant})`);
  };

  const handlers: Handlers = {
    createSyncVerification(req) {
      const sv = req.syncVerification;
      if (!sv) throw badRequest('SyncVerification is required');
      checkParticipant(sv.participant, 'Participant');
      const keyType = requireKeyType(sv.keyType);
      if (!HEX64.test(sv.participantSyncVerifier)) throw badRequest('ParticipantSyncVerifier must be 64 hexadecimal characters');
      // DICT answers OK or NOK only: its own VSync is never part of the answer.
      const ok = sv.participantSyncVerifier.toLowerCase() === dict.store(keyType).vsync();
      ctx.stats().verifications[ok ? 'OK' : 'NOK']++;
      return {
        syncVerification: { id: ++lastVerificationId, participant: sv.participant, keyType: sv.keyType, participantSyncVerifier: sv.participantSyncVerifier, result: ok ? SyncVerificationResult.OK : SyncVerificationResult.NOK },
        ...envelope(),
      };
    },

    createCidSetFile(req) {
      checkParticipant(req.participant, 'Participant');
      return { cidSetFile: fileMessage(ctx.files.create(requireKeyType(req.keyType))), ...envelope() };
    },

    getCidSetFile(req) {
      checkParticipant(req.requestingParticipant, 'RequestingParticipant');
      const file = ctx.files.get(req.id);
      if (!file) throw notFound(`no CID file ${req.id}`);
      return { cidSetFile: fileMessage(file), ...envelope() };
    },

    listCidSetEvents(req) {
      checkParticipant(req.participant, 'Participant');
      const keyType = requireKeyType(req.keyType);
      const limit = req.limit === 0 ? DEFAULT_EVENTS_LIMIT : req.limit;
      if (limit < 1 || limit > MAX_EVENTS_LIMIT) throw badRequest(`Limit must be between 1 and ${MAX_EVENTS_LIMIT}, got ${req.limit}`);
      const start = req.startTime ? timestampMs(req.startTime) : -Infinity;
      const requestedEnd = req.endTime ? timestampMs(req.endTime) : Infinity;
      if (start > requestedEnd) throw badRequest('StartTime is after EndTime');
      // Events show only once they are `eventsDelayMs` old (and never ahead of the clock).
      const end = Math.min(requestedEnd, Date.now() - ctx.faults.eventsDelayMs);
      const store = dict.store(keyType);
      const log = store.events;
      const first = log.firstAtOrAfter(start);
      let i = first;
      for (; i < log.length && i - first < limit && log.time(i) <= end; i++);
      const last = i - 1;
      const hasMoreElements = i < log.length && log.time(i) <= end;
      const page = { participant: req.participant, keyType: req.keyType, hasMoreElements, ...envelope() };
      if (last < first) {
        // No event in the window: the VSync was the same all through it.
        const vsync = first < log.length ? log.vsyncBefore(first, store.cids.view(log.cidId(first))) : log.length > 0 ? log.vsyncAfter(log.length - 1) : store.vsync();
        return { ...page, startTime: req.startTime, endTime: Number.isFinite(end) ? timestampFromMs(end) : undefined, syncVerifierStart: vsync, syncVerifierEnd: vsync, cidSetEvents: [] };
      }
      const cidSetEvents = [];
      for (let k = first; k <= last; k++) cidSetEvents.push({ type: log.type(k), cid: store.cids.hex(log.cidId(k)), timestamp: timestampFromMs(log.time(k)) });
      return {
        ...page,
        startTime: timestampFromMs(log.time(first)),
        endTime: timestampFromMs(log.time(last)),
        syncVerifierStart: log.vsyncAfter(first),
        syncVerifierEnd: log.vsyncAfter(last),
        cidSetEvents,
      };
    },

    getEntryByCid(req) {
      checkParticipant(req.requestingParticipant, 'RequestingParticipant');
      if (!HEX64.test(req.cid)) throw badRequest('Cid must be 64 hexadecimal characters');
      const cid = req.cid.toLowerCase();
      const found = dict.activeByCid(Buffer.from(cid, 'hex'));
      if (!found) throw notFound(`no active entry has CID ${cid}`);
      const entry = found.store.stored(found.slot);
      return { cid, entry: extendedEntry(entry), requestId: entry.requestId, ...envelope() };
    },

    createEntry(req) {
      const e = req.entry;
      if (!e?.account || !e.owner) throw badRequest('Entry with Account and Owner is required', 'EntryInvalid');
      const keyType = requireKeyType(e.keyType);
      if (!CREATE_REASONS.has(req.reason)) throw badRequest('Reason must be USER_REQUESTED or RECONCILIATION', 'InvalidReason');
      if (!UUID_V4.test(req.requestId)) throw badRequest(`RequestId must be a UUID v4, got ${JSON.stringify(req.requestId)}`);
      checkParticipant(e.account.participant, 'Account.Participant');
      if (!e.key || !e.owner.taxIdNumber || !e.owner.name || !e.account.accountNumber || e.account.accountType === AccountType.UNSPECIFIED) {
        throw badRequest('Key, Owner.TaxIdNumber, Owner.Name, Account.AccountNumber and Account.AccountType are required', 'EntryInvalid');
      }
      const requestId = req.requestId.toLowerCase();
      const attributes = attributesOfEntry(e);
      const cid = computeCid(requestId, attributes);
      const earlier = cidByRequestId.get(requestId);
      if (earlier !== undefined && earlier !== cid) throw badRequest('RequestId was used before with other parameters', 'RequestIdAlreadyUsed');
      const store = dict.store(keyType);
      const current = store.get(e.key);
      if (current) {
        // A repeated request (its CID exists already) gets the first answer again.
        if (current.cid === cid) return { entry: extendedEntry(current), ...envelope() };
        if (current.ownerTaxIdNumber !== attributes.ownerTaxIdNumber) throw alreadyExists(`key ${e.key} belongs to another person`, 'EntryKeyOwnedByDifferentPerson');
        throw alreadyExists(`key ${e.key} is registered already`);
      }
      store.put({ ...attributes, requestId }, true);
      cidByRequestId.set(requestId, cid);
      return { entry: extendedEntry(store.stored(store.slotOf(e.key))), ...envelope() };
    },

    updateEntry(req) {
      if (!req.key) throw badRequest('Key is required');
      const found = dict.activeByKey(req.key);
      if (!found) throw notFound(`no entry for key ${req.key}`);
      const { store, slot } = found;
      if (!UPDATE_REASONS.has(req.reason)) throw badRequest('Reason must be USER_REQUESTED, BRANCH_TRANSFER, RECONCILIATION or RFB_VALIDATION', 'InvalidReason');
      // DICT allows an EVP (random key) to change only for RFB_VALIDATION.
      if (store.keyType === 'EVP' && req.reason !== EntryOperationReason.RFB_VALIDATION) throw badRequest('an EVP entry can be updated only with reason RFB_VALIDATION', 'InvalidReason');
      if (!req.account || !req.owner) throw badRequest('Account and Owner are required', 'EntryInvalid');
      checkParticipant(req.account.participant, 'Account.Participant');
      const current = store.stored(slot);
      if (req.owner.taxIdNumber && req.owner.taxIdNumber !== current.ownerTaxIdNumber) throw badRequest('only the account, the name and the trade name can change', 'EntryInvalid');
      if (!req.owner.name || !req.account.accountNumber || req.account.accountType === AccountType.UNSPECIFIED) {
        throw badRequest('Owner.Name, Account.AccountNumber and Account.AccountType are required', 'EntryInvalid');
      }
      // The original RequestId stays: the CID is recomputed from the new attributes.
      store.put(
        {
          ...entryOf(current),
          ownerName: req.owner.name,
          ownerTradeName: req.owner.tradeName,
          participant: req.account.participant,
          branch: req.account.branch,
          accountNumber: req.account.accountNumber,
          accountType: accountTypeName(req.account.accountType),
        },
        true,
      );
      return { entry: extendedEntry(store.stored(slot)), ...envelope() };
    },

    deleteEntry(req) {
      if (!req.key) throw badRequest('Key is required');
      checkParticipant(req.participant, 'Participant');
      if (req.reason === EntryOperationReason.UNSPECIFIED || !(req.reason in EntryOperationReason)) throw badRequest('Reason is required', 'InvalidReason');
      const found = dict.activeByKey(req.key);
      if (!found) throw notFound(`no entry for key ${req.key}`);
      found.store.remove(req.key, true);
      return { key: req.key, ...envelope() };
    },
  };

  return Object.fromEntries(BRIDGE_OPERATIONS.map((op) => [op, unary(ctx, op, handlers[op] as (req: unknown) => object)]));
}

function unary(ctx: ServiceContext, op: BridgeOperation, handle: (req: unknown) => object): handleUnaryCall<unknown, unknown> {
  const output = DictBridgeService.method[op].output;
  return (call, callback) => {
    answer(ctx, op, () => create(output, handle(call.request) as never)).then(
      (response) => callback(null, response),
      (err: unknown) => {
        if (err instanceof DictError) return callback(err.toServiceError());
        ctx.logger.error({ err, op }, 'simulator bug');
        callback({ code: status.INTERNAL, details: err instanceof Error ? err.message : String(err) });
      },
    );
  };
}

/**
 * The order of a call: latency, then the rate limit, then an injected UNAVAILABLE, then the work.
 * DICT takes a token from every request it answers except its own 500s ("status diferente de 500:
 * subtrai 1"), so a refused or injected-UNAVAILABLE call costs a token, as a retry does on the
 * client's bucket. The work is synchronous: a call changes state completely or not at all.
 */
async function answer<T>(ctx: ServiceContext, op: BridgeOperation, work: () => T): Promise<T> {
  const stats = ctx.stats();
  stats.calls[op]++;
  const delay = ctx.faults.latencyMs(op);
  if (delay > 0) await sleep(delay);
  const policy = POLICY_OF[op];
  const bucket = ctx.buckets[policy];
  if (!bucket.tryTake()) {
    ctx.stats().refusedByRateLimit[op]++;
    throw new DictError(status.RESOURCE_EXHAUSTED, 'RateLimited', `${policy} has no token left`, { 'retry-after-ms': String(bucket.waitMs()) });
  }
  if (ctx.faults.unavailable(op)) {
    ctx.stats().injectedUnavailable[op]++;
    throw new DictError(status.UNAVAILABLE, 'ServiceUnavailable', 'injected fault; nothing was done');
  }
  try {
    return work();
  } catch (err) {
    if (err instanceof DictError) ctx.stats().errors[op]++;
    throw err;
  }
}

function requireKeyType(k: KeyType): DictKeyType {
  try {
    return keyTypeName(k);
  } catch {
    throw badRequest('KeyType must be CPF, CNPJ, PHONE, EMAIL or EVP');
  }
}

function envelope() {
  return { responseTime: timestampNow(), correlationId: randomBytes(16).toString('hex') };
}

function fileMessage(f: CidFileRecord) {
  return {
    id: f.id,
    status: f.status,
    participant: f.participant,
    keyType: keyTypeOf(f.keyType),
    requestTime: timestampFromDate(f.requestTime),
    creationTime: f.creationTime && timestampFromDate(f.creationTime),
    url: f.url ?? '',
    bytes: f.bytes ?? 0n,
    sha256: f.sha256 ?? '',
  };
}

function entryOf({ cid: _cid, createdAt: _createdAt, ...entry }: StoredEntry) {
  return entry;
}

/** The entry as DICT returns it; `attributesOfEntry` of it gives back the nine attributes exactly. */
export function extendedEntry(e: StoredEntry) {
  const created = timestampFromDate(e.createdAt);
  return {
    key: e.key,
    keyType: keyTypeOf(e.keyType),
    account: { participant: e.participant, branch: e.branch, accountNumber: e.accountNumber, accountType: accountTypeOf(e.accountType), openingDate: created },
    owner: { type: personTypeOf(e.ownerTaxIdNumber), taxIdNumber: e.ownerTaxIdNumber, name: e.ownerName, tradeName: e.ownerTradeName },
    creationDate: created,
    keyOwnershipDate: created,
  };
}
