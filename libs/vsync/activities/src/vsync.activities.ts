import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import {
  FileStatus,
  SyncVerificationResult,
  attributesOfEntry,
  isNotFound,
  keyTypeOf,
  toActivityFailure,
  type DictBridgeClient,
} from '@fleet/vsync-dict-bridge';
import type { Outbox } from '@fleet/shared-events';
import type { Logger } from '@fleet/shared-observability';
import {
  applyCorrectionBatch,
  CidFileMismatchError,
  claimReconciliation,
  diffStaged,
  finishReconciliationLog,
  lastOkAt,
  nextPendingDivergences,
  notePhase,
  readVsyncs,
  recalculateVsync,
  recordEventDivergences,
  recordVerification,
  recordVerificationRun,
  stageCidFile,
  type ResolvedDivergence,
  type VsyncDatabase,
} from '@fleet/vsync-data-access';
import { vsyncEvents, type AppliedCounts, type CidFileStatus, type VsyncActivities } from '@fleet/vsync-contracts';
import { sql, type Kysely } from 'kysely';
import { Readable } from 'node:stream';
import type { Pool } from 'pg';
import { collectCidEvents } from './cid-events';
import { forEachLimited } from '@fleet/shared-limits';
import type { VsyncMetrics } from './metrics';

export interface VsyncActivityDeps {
  db: Kysely<VsyncDatabase>;
  /** For COPY streams, which kysely does not do. */
  pool: Pool;
  bridge: DictBridgeClient;
  /** This participant's ISPB. */
  participant: string;
  outbox: Outbox;
  logger: Logger;
  /** getEntryByCid calls in flight while applying corrections (the client's buckets still pace them). */
  lookupConcurrency?: number;
  metrics?: VsyncMetrics;
}

/** Calls the bridge; its errors become activity failures that say whether a retry can help. */
async function dict<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw toActivityFailure(err, operation);
  }
}

const FILE_STATUS: Record<FileStatus, CidFileStatus['status'] | undefined> = {
  [FileStatus.UNSPECIFIED]: undefined,
  [FileStatus.REQUESTED]: 'REQUESTED',
  [FileStatus.PROCESSING]: 'PROCESSING',
  [FileStatus.AVAILABLE]: 'AVAILABLE',
  [FileStatus.UNAVAILABLE]: 'UNAVAILABLE',
  [FileStatus.ERROR]: 'ERROR',
};

/** Heartbeats at most once a second (progress on long work is visible, history is not flooded). */
function heartbeater() {
  let last = 0;
  return (details: unknown) => {
    if (Date.now() - last < 1000) return;
    last = Date.now();
    Context.current().heartbeat(details);
  };
}

export function createVsyncActivities(deps: VsyncActivityDeps): VsyncActivities {
  const { db, bridge, participant, outbox, logger, metrics } = deps;

  const fileStatus = (file: { id: bigint; status: FileStatus; url: string; bytes: bigint; sha256: string } | undefined): CidFileStatus => {
    const status = file && FILE_STATUS[file.status];
    if (!file || !status) throw ApplicationFailure.nonRetryable(`the bridge answered a CID file without a status`, 'DictBridgeProtocol');
    return status === 'AVAILABLE'
      ? { fileId: String(file.id), status, url: file.url, bytes: Number(file.bytes), sha256: file.sha256 }
      : { fileId: String(file.id), status };
  };

  return {
    async verifyKeyType({ keyType, requestedBy }) {
      const [local] = await readVsyncs(db, [keyType]);
      if (!local) throw ApplicationFailure.nonRetryable(`no VSync row for ${keyType}: migrations not applied?`, 'VsyncState');
      const response = await dict('createSyncVerification', () =>
        bridge.createSyncVerification({ syncVerification: { participant, keyType: keyTypeOf(keyType), participantSyncVerifier: local.vsync } }),
      );
      const answer = response.syncVerification;
      const result = answer?.result === SyncVerificationResult.OK ? 'OK' : answer?.result === SyncVerificationResult.NOK ? 'NOK' : undefined;
      if (!answer || !result) throw ApplicationFailure.nonRetryable('the bridge answered a verification without OK or NOK', 'DictBridgeProtocol');
      const verification = {
        keyType,
        result,
        vsync: local.vsync,
        entries: local.entries,
        dictVerificationId: String(answer.id),
        verifiedAt: new Date().toISOString(),
      } as const;
      await recordVerification(db, { ...verification, requestedBy });
      metrics?.verifications.inc({ key_type: keyType, result });
      logger.info({ keyType, result, entries: local.entries }, 'VSync verified');
      return verification;
    },

    async finishVerificationRun(summary) {
      await db.transaction().execute(async (tx) => {
        if (!(await recordVerificationRun(tx, summary.runId, summary.day, summary))) return;
        await outbox.append(tx, vsyncEvents.verificationSummary, [
          {
            subject: summary.day,
            data: {
              day: summary.day,
              results: Object.fromEntries(summary.verifications.map((v) => [v.keyType, v.result])),
              reconciliationsStarted: summary.reconciliations.filter((r) => r.started).map((r) => r.workflowId),
            },
          },
        ]);
      });
    },

    async beginReconciliation(input) {
      const claim = await claimReconciliation(db, input);
      const ok = await lastOkAt(db, input.keyType);
      return { ...claim, lastOkAt: ok ? ok.toISOString() : null };
    },

    async collectEventDivergences({ reconciliationId, keyType, since, maxPages }) {
      const beat = heartbeater();
      // Events may be listed a few seconds late, and a change at the last OK's instant must not be missed.
      const from = new Date(new Date(since).getTime() - 5 * 60_000);
      const collected = await dict('listCidSetEvents', () => collectCidEvents(bridge, { participant, keyType, from, to: new Date(), maxPages, onPage: beat }));
      if (!collected.complete) return { enough: false, events: collected.events, pages: collected.pages, divergences: { onlyInDict: 0, onlyLocal: 0 } };
      const divergences = await recordEventDivergences(db, reconciliationId, keyType, collected.net);
      return { enough: true, events: collected.events, pages: collected.pages, divergences };
    },

    async requestCidFile({ keyType }) {
      const response = await dict('createCidSetFile', () => bridge.createCidSetFile({ participant, keyType: keyTypeOf(keyType) }));
      return fileStatus(response.cidSetFile);
    },

    async getCidFile({ fileId }) {
      const response = await dict('getCidSetFile', () => bridge.getCidSetFile({ id: BigInt(fileId), requestingParticipant: participant }));
      return fileStatus(response.cidSetFile);
    },

    async stageCidFile({ reconciliationId, url, bytes, sha256 }) {
      const beat = heartbeater();
      const timer = metrics?.cidFileStaging.startTimer();
      const response = await fetch(url, { signal: Context.current().cancellationSignal });
      if (!response.ok || !response.body) {
        const failure = `CID file download ${url}: HTTP ${response.status}`;
        throw response.status >= 500 ? ApplicationFailure.retryable(failure, 'CidFileDownload') : ApplicationFailure.nonRetryable(failure, 'CidFileDownload');
      }
      try {
        const staged = await stageCidFile(deps.pool, {
          reconciliationId,
          body: Readable.fromWeb(response.body as never),
          bytes,
          sha256,
          onProgress: (done) => beat({ bytes: done, of: bytes }),
        });
        logger.info({ reconciliationId, cids: staged.cids, bytes }, 'CID file staged');
        timer?.();
        return staged;
      } catch (err) {
        // A corrupted download is worth another attempt; the rolled-back staging holds nothing of it.
        if (err instanceof CidFileMismatchError) throw ApplicationFailure.retryable(err.message, 'CidFileMismatch');
        throw err;
      }
    },

    async diffStagedFile({ reconciliationId, keyType }) {
      return diffStaged(db, reconciliationId, keyType);
    },

    async applyCorrections({ reconciliationId, keyType, batchSize }) {
      const beat = heartbeater();
      const total: AppliedCounts = { added: 0, updated: 0, removed: 0, vanished: 0 };
      for (;;) {
        const pending = await nextPendingDivergences(db, reconciliationId, batchSize);
        if (pending.length === 0) break;
        // DICT is the source of truth: a CID only in DICT is fetched to learn its entry.
        const resolved: ResolvedDivergence[] = await forEachLimited(pending, deps.lookupConcurrency ?? 16, Infinity, async (d) => {
          if (d.kind !== 'only_in_dict') return d;
          try {
            const found = await bridge.getEntryByCid({ cid: d.cid, requestingParticipant: participant });
            if (!found.entry) throw ApplicationFailure.nonRetryable(`getEntryByCid ${d.cid}: an answer without the entry`, 'DictBridgeProtocol');
            const attributes = attributesOfEntry(found.entry);
            if (attributes.keyType !== keyType) throw ApplicationFailure.nonRetryable(`CID ${d.cid} is a ${attributes.keyType} entry, not ${keyType}`, 'DictBridgeProtocol');
            return { ...d, entry: { ...attributes, requestId: found.requestId } };
          } catch (err) {
            if (isNotFound(err)) return { ...d, entry: null };
            throw toActivityFailure(err, 'getEntryByCid');
          }
        });
        const applied = await applyCorrectionBatch(db, reconciliationId, keyType, resolved);
        for (const [action, n] of Object.entries(applied)) if (n > 0) metrics?.corrections.inc({ key_type: keyType, action }, n);
        for (const k of Object.keys(total) as (keyof AppliedCounts)[]) total[k] += applied[k];
        beat(total);
      }
      // What earlier attempts applied counts too: the totals are the reconciliation's, not this attempt's.
      const { rows } = await sql<{ outcome: string; n: number }>`
        SELECT outcome, count(*)::bigint AS n FROM vsync_divergences
        WHERE reconciliation_id = ${reconciliationId} AND applied_at IS NOT NULL GROUP BY outcome`.execute(db);
      const n = (o: string) => Number(rows.find((r) => r.outcome === o)?.n ?? 0);
      return { added: n('added'), updated: n('updated'), removed: n('removed'), vanished: n('vanished') };
    },

    async recalculateVsync({ keyType }) {
      const recalculation = await recalculateVsync(db, keyType, { repair: true });
      if (!recalculation.agree) logger.error(recalculation, 'the incremental VSync disagreed with the full recalculation: repaired');
      if (recalculation.corruptEntries > 0) logger.error(recalculation, 'entries whose CID is not the HMAC of their attributes');
      return recalculation;
    },

    async noteReconciliation({ reconciliationId, keyType, phase, notify, divergences }) {
      await db.transaction().execute(async (tx) => {
        await notePhase(tx, reconciliationId, phase);
        if (!notify) return;
        // Once per kind: a retried activity does not notify twice.
        const fresh = await sql`
          UPDATE vsync_reconciliations SET notified = array_append(notified, ${notify})
          WHERE reconciliation_id = ${reconciliationId} AND NOT (${notify} = ANY(notified))`.execute(tx);
        if (Number(fresh.numAffectedRows ?? 0) === 0) return;
        await outbox.append(tx, vsyncEvents.reconciliationNotification, [
          { subject: reconciliationId, data: { reconciliationId, keyType, kind: notify, divergences: divergences ?? null } },
        ]);
      });
    },

    async finishReconciliation(result) {
      const { timings, ...rest } = result as typeof result & { timings?: Record<string, number> };
      await db.transaction().execute(async (tx) => {
        const finished = await finishReconciliationLog(tx, result.reconciliationId, result.outcome, rest, timings ?? {});
        if (!finished) return;
        metrics?.reconciliations.inc({ key_type: result.keyType, outcome: result.outcome });
        await outbox.append(tx, vsyncEvents.reconciliationCompleted, [
          {
            subject: result.reconciliationId,
            data: {
              reconciliationId: result.reconciliationId,
              keyType: result.keyType,
              outcome: result.outcome,
              path: result.path,
              divergences: result.divergences,
              applied: result.applied,
              finalVerification: result.finalVerification,
            },
          },
        ]);
      });
    },
  };
}
