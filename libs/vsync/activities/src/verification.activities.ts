import { ApplicationFailure } from '@temporalio/common';
import { SyncVerificationResult, keyTypeOf } from '@fleet/vsync-dict-bridge';
import { readVsyncs, recordVerification, recordVerificationRun } from '@fleet/vsync-data-access';
import { vsyncEvents, type VsyncActivities } from '@fleet/vsync-contracts';
import type { VsyncActivityDeps } from './deps';
import { dictCall } from './support';

/** The daily verification's activities: a key type's VSync sent to DICT, the day's run logged and published. */
export function createVerificationActivities({ db, bridge, participant, outbox, logger, metrics }: VsyncActivityDeps): Pick<VsyncActivities, 'verifyKeyType' | 'finishVerificationRun'> {
  return {
    async verifyKeyType({ keyType, requestedBy }) {
      const [local] = await readVsyncs(db, [keyType]);
      if (!local) throw ApplicationFailure.nonRetryable(`no VSync row for ${keyType}: migrations not applied?`, 'VsyncState');
      const response = await dictCall('createSyncVerification', () =>
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

    /** The run's log row and its summary event, in one transaction, once. */
    async finishVerificationRun(summary) {
      await db.transaction().execute(async (trx) => {
        if (!(await recordVerificationRun(trx, summary.runId, summary.day, summary))) return;
        await outbox.append(trx, vsyncEvents.verificationSummary, [
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
  };
}
