import { ApplicationFailure } from '@temporalio/common';
import { attributesOfEntry, isNotFound, toActivityFailure } from '@fleet/vsync-dict-bridge';
import { forEachLimited } from '@fleet/shared-limits';
import {
  applyCorrectionBatch,
  claimReconciliation,
  countAppliedCorrections,
  diffStaged,
  finishReconciliationLog,
  lastOkAt,
  markNotified,
  nextPendingDivergences,
  notePhase,
  recalculateVsync,
  recordEventDivergences,
  type ResolvedDivergence,
} from '@fleet/vsync-data-access';
import { vsyncEvents, type AppliedCounts, type VsyncActivities } from '@fleet/vsync-contracts';
import { collectCidEvents } from './cid-events';
import type { VsyncActivityDeps } from './deps';
import { dictCall, heartbeater } from './support';

type ReconciliationActivities = Pick<
  VsyncActivities,
  | 'beginReconciliation'
  | 'collectEventDivergences'
  | 'diffStagedFile'
  | 'applyCorrections'
  | 'recalculateVsync'
  | 'noteReconciliation'
  | 'finishReconciliation'
>;

/**
 * A reconciliation's activities: its claim on the key type and its log, the divergences found
 * (from DICT's CID events or a staged CID file), the corrections applied, the VSync recalculated.
 */
export function createReconciliationActivities(deps: VsyncActivityDeps): ReconciliationActivities {
  const { db, bridge, participant, outbox, logger, metrics } = deps;
  return {
    async beginReconciliation(input) {
      const claim = await db.transaction().execute((trx) => claimReconciliation(trx, input));
      const ok = await lastOkAt(db, input.keyType);
      return { ...claim, lastOkAt: ok ? ok.toISOString() : null };
    },

    async collectEventDivergences({ reconciliationId, keyType, since, maxPages }) {
      const beat = heartbeater();
      // Events may be listed a few seconds late, and a change at the last OK's instant must not be missed.
      const from = new Date(new Date(since).getTime() - 5 * 60_000);
      const collected = await dictCall('listCidSetEvents', () => collectCidEvents(bridge, { participant, keyType, from, to: new Date(), maxPages, onPage: beat }));
      if (!collected.complete) return { enough: false, events: collected.events, pages: collected.pages, divergences: { onlyInDict: 0, onlyLocal: 0 } };
      const divergences = await db.transaction().execute((trx) => recordEventDivergences(trx, reconciliationId, keyType, collected.net));
      return { enough: true, events: collected.events, pages: collected.pages, divergences };
    },

    async diffStagedFile({ reconciliationId, keyType }) {
      return db.transaction().execute((trx) => diffStaged(trx, reconciliationId, keyType));
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
        const applied = await db.transaction().execute((trx) => applyCorrectionBatch(trx, reconciliationId, keyType, resolved));
        for (const [action, n] of Object.entries(applied)) if (n > 0) metrics?.corrections.inc({ key_type: keyType, action }, n);
        for (const k of Object.keys(total) as (keyof AppliedCounts)[]) total[k] += applied[k];
        beat(total);
      }
      // What earlier attempts applied counts too: the totals are the reconciliation's, not this attempt's.
      return countAppliedCorrections(db, reconciliationId);
    },

    async recalculateVsync({ keyType }) {
      // One snapshot of the entries and the incremental VSync; a repair racing a change fails to serialize and is retried.
      const recalculation = await db
        .transaction()
        .setIsolationLevel('repeatable read')
        .execute((trx) => recalculateVsync(trx, keyType, { repair: true }));
      if (!recalculation.agree) logger.error(recalculation, 'the incremental VSync disagreed with the full recalculation: repaired');
      if (recalculation.corruptEntries > 0) logger.error(recalculation, 'entries whose CID is not the HMAC of their attributes');
      return recalculation;
    },

    async noteReconciliation({ reconciliationId, keyType, phase, notify, divergences }) {
      await db.transaction().execute(async (trx) => {
        await notePhase(trx, reconciliationId, phase);
        // Once per kind: a retried activity does not notify twice.
        if (!notify || !(await markNotified(trx, reconciliationId, notify))) return;
        await outbox.append(trx, vsyncEvents.reconciliationNotification, [
          { subject: reconciliationId, data: { reconciliationId, keyType, kind: notify, divergences: divergences ?? null } },
        ]);
      });
    },

    async finishReconciliation(result) {
      const { timings, ...rest } = result as typeof result & { timings?: Record<string, number> };
      const finished = await db.transaction().execute(async (trx) => {
        if (!(await finishReconciliationLog(trx, result.reconciliationId, result.outcome, rest, timings ?? {}))) return false;
        await outbox.append(trx, vsyncEvents.reconciliationCompleted, [
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
        return true;
      });
      if (finished) metrics?.reconciliations.inc({ key_type: result.keyType, outcome: result.outcome });
    },
  };
}
