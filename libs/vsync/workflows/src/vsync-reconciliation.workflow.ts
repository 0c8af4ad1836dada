import { CancellationScope, ContinueAsNew, condition, continueAsNew, log, proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import { describeIssues, parseInput, rootCauseMessage } from '@fleet/shared-domain';
import {
  approvalDecisionSchema,
  decideReconciliationUpdate,
  vsyncDomain,
  reconciliationStateQuery,
  type AppliedCounts,
  type ApprovalDecision,
  type DivergenceCounts,
  type ReconciliationInput,
  type ReconciliationOutcome,
  type ReconciliationPhase,
  type ReconciliationResult,
  type ReconciliationState,
  type VsyncActivities,
} from '@fleet/vsync-contracts';
import { reconciliationOptions } from './options';

// Every policy below gives up: bad data (PostgreSQL data and constraint errors, validation) and
// DICT refusing a request fail the first attempt (the worker and the bridge client make them
// non-retryable); what a retry can fix is retried for a bounded time; then the reconciliation
// fails with the reason, releasing its key type (see `released`).

// Database work (claim, phases, diff, recalculation, log): an outage is retried (1 s backing off
// to 1 min) for up to an hour.
const db = proxyActivities<VsyncActivities>({
  startToCloseTimeout: '15 minutes',
  scheduleToCloseTimeout: '1 hour',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
// Releasing the key type after a failure: the one write that must land, or the key type stays
// claimed; retried for a day while the database is away.
const releasing = proxyActivities<VsyncActivities>({
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '1 day',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});
// Calls to DICT through the bridge: transient failures retried 30 times (2 s backing off to 1 min:
// about 25 minutes; the client already retries UNAVAILABLE and paces itself by DICT's buckets).
const bridge = proxyActivities<VsyncActivities>({
  startToCloseTimeout: '3 minutes',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 30 },
});
// Long streaming work (staging a CID file, applying corrections) reports progress by heartbeat, so
// a stalled worker is noticed within a minute; 10 attempts (a corrupted download is one: its
// SHA-256 is checked), each resuming where the last committed.
const streaming = proxyActivities<VsyncActivities>({
  startToCloseTimeout: '4 hours',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
});

const total = (d: DivergenceCounts) => d.onlyInDict + d.onlyLocal;
const addApplied = (a: AppliedCounts, b: AppliedCounts): AppliedCounts => ({
  added: a.added + b.added,
  updated: a.updated + b.updated,
  removed: a.removed + b.removed,
  vanished: a.vanished + b.vanished,
});

/**
 * Brings the local base of one key type back in line with DICT (DICT is the source of truth),
 * then verifies again. Cheap path first: the CID events since the last OK. Otherwise DICT's CID
 * file: requested, polled for hours if need be, streamed into a staging table and diffed in SQL;
 * only counts travel through this history, never CIDs. Above the approval threshold a person
 * approves or rejects first.
 */
export async function vsyncReconciliationWorkflow(input: ReconciliationInput): Promise<ReconciliationResult> {
  // Input no retry can fix fails the workflow at once, naming each bad field; the continuation is the workflow's own.
  const { continuation: _carried, ...given } = input;
  const { reconciliation } = vsyncDomain.workflows;
  const { keyType, day, options: givenOptions } = parseInput(reconciliation.type, reconciliation.input, given);
  const options = reconciliationOptions(givenOptions);
  const reconciliationId = workflowInfo().workflowId;
  const startedAt = new Date().toISOString();
  const timings: Record<string, number> = {};

  const state: ReconciliationState = {
    reconciliationId,
    keyType,
    phase: 'starting',
    path: null,
    round: input.continuation?.round ?? 1,
    fileId: input.continuation?.fileId ?? null,
    fileStatus: null,
    divergences: null,
    applied: { added: 0, updated: 0, removed: 0, vanished: 0 },
    approval: { required: false, decision: null, by: null },
    outcome: null,
  };
  let decision: ApprovalDecision | null = null;
  setHandler(reconciliationStateQuery, () => state);
  setHandler(
    decideReconciliationUpdate,
    // Answers once the decision has taken effect (the state shows it), not with the state before it.
    async (d) => {
      decision = d;
      await condition(() => state.approval.decision !== null);
      return { ...state, approval: { ...state.approval } };
    },
    {
      // A refused decision never enters history: outside its phase, twice, or not a decision.
      validator: (d) => {
        if (state.phase !== 'awaiting-approval' || decision) throw new Error(`reconciliation ${reconciliationId} is not waiting for approval (phase ${state.phase})`);
        const parsed = approvalDecisionSchema.safeParse(d);
        if (!parsed.success) throw new Error(`not a decision: ${describeIssues(parsed.error)}`);
      },
    },
  );

  let phaseStarted = Date.now();
  const enter = async (phase: ReconciliationPhase, notify?: string) => {
    timings[state.phase] = (timings[state.phase] ?? 0) + (Date.now() - phaseStarted);
    phaseStarted = Date.now();
    // The phase shows (to queries, to the decide validator) once it is recorded and notified.
    await db.noteReconciliation({ reconciliationId, keyType, phase, notify, divergences: state.divergences ?? undefined });
    state.phase = phase;
  };

  const finish = async (outcome: ReconciliationOutcome, finalVerification: 'OK' | 'NOK' | null): Promise<ReconciliationResult> => {
    timings[state.phase] = (timings[state.phase] ?? 0) + (Date.now() - phaseStarted);
    state.phase = 'done';
    state.outcome = outcome;
    const result: ReconciliationResult = { ...state, outcome, finalVerification, startedAt, finishedAt: new Date().toISOString() };
    await db.finishReconciliation({ ...result, timings } as ReconciliationResult);
    return result;
  };

  /** Waits for approval when there are more divergences than the threshold; false when not to apply. */
  const approved = async (divergences: DivergenceCounts): Promise<ReconciliationOutcome | null> => {
    if (total(divergences) <= options.approvalThreshold) return null;
    state.approval.required = true;
    await enter('awaiting-approval', 'approval-required');
    const decided = await condition(() => decision !== null, `${options.approvalTimeoutHours} hours`);
    if (!decided) {
      state.approval.decision = 'expired';
      await db.noteReconciliation({ reconciliationId, keyType, phase: 'awaiting-approval', notify: 'approval-expired', divergences });
      return 'approval-expired';
    }
    const d = decision as unknown as ApprovalDecision;
    state.approval = { required: true, decision: d.approve ? 'approved' : 'rejected', by: d.by };
    return d.approve ? null : 'rejected';
  };

  /** Applies every recorded correction, recalculates the VSync and asks DICT again. */
  const applyAndVerify = async (): Promise<'OK' | 'NOK'> => {
    await enter('applying');
    state.applied = addApplied(state.applied, await streaming.applyCorrections({ reconciliationId, keyType, batchSize: options.applyBatchSize }));
    await enter('verifying');
    await db.recalculateVsync({ keyType });
    const verification = await bridge.verifyKeyType({ keyType, requestedBy: reconciliationId });
    return verification.result;
  };

  /**
   * After a failure (or a cancellation), logs the reconciliation as failed with the reason and
   * frees its key type; otherwise every later reconciliation of the key type would be skipped.
   */
  const released = async (err: unknown): Promise<void> => {
    timings[state.phase] = (timings[state.phase] ?? 0) + (Date.now() - phaseStarted);
    state.phase = 'done';
    state.outcome = 'failed';
    const result: ReconciliationResult = { ...state, outcome: 'failed', finalVerification: null, startedAt, finishedAt: new Date().toISOString() };
    try {
      await CancellationScope.nonCancellable(() => releasing.finishReconciliation({ ...result, timings, error: rootCauseMessage(err) } as ReconciliationResult));
    } catch (releaseErr) {
      log.error('reconciliation failed and its key type could not be released', { reconciliationId, error: rootCauseMessage(releaseErr) });
    }
  };

  const claim = await db.beginReconciliation({ reconciliationId, keyType, day, triggeredBy: input.triggeredBy });
  if (!claim.claimed) return finish('skipped', null);

  /** The reconciliation proper, once the key type is claimed. */
  const reconcile = async (lastOkAt: string | null): Promise<ReconciliationResult> => {
    // The cheap path: DICT's CID events since the key type was last in sync.
    if (!input.continuation && lastOkAt && options.maxEventPages > 0) {
      await enter('reading-events');
      const events = await bridge.collectEventDivergences({ reconciliationId, keyType, since: lastOkAt, maxPages: options.maxEventPages });
      if (events.enough) {
        state.path = 'events';
        state.divergences = events.divergences;
        const stop = await approved(events.divergences);
        if (stop) return finish(stop, null);
        if ((await applyAndVerify()) === 'OK') return finish('completed', 'OK');
      }
    }

    // The full path: DICT's CID file.
    state.path = 'file';
    let continuation = input.continuation;
    for (; state.round <= options.maxRounds; state.round++) {
      let fileRequests = continuation?.fileRequests ?? 0;
      let available: { url: string; bytes: number; sha256: string } | null = null;
      while (!available) {
        if (!continuation) {
          if (fileRequests >= options.fileRequestsPerRound) {
            await enter(state.phase, 'file-error');
            return finish('file-error', null);
          }
          await enter('requesting-file');
          const requested = await bridge.requestCidFile({ reconciliationId, keyType });
          fileRequests += 1;
          state.fileId = requested.fileId;
          continuation = { round: state.round, fileId: requested.fileId, fileRequests, pollingSince: new Date().toISOString() };
        }
        await enter('waiting-for-file');
        const deadline = new Date(continuation.pollingSince).getTime() + options.fileWaitHours * 3_600_000;
        for (;;) {
          const file = await bridge.getCidFile({ fileId: continuation.fileId });
          state.fileStatus = file.status;
          if (file.status === 'AVAILABLE' && file.url && file.bytes !== undefined && file.sha256) {
            available = { url: file.url, bytes: file.bytes, sha256: file.sha256 };
            break;
          }
          if (file.status === 'ERROR' || file.status === 'UNAVAILABLE') {
            continuation = undefined; // ask for another file
            break;
          }
          if (Date.now() + options.filePollIntervalSeconds * 1000 > deadline) {
            await enter('waiting-for-file', 'file-timeout');
            return finish('file-timeout', null);
          }
          await sleep(`${options.filePollIntervalSeconds} seconds`);
          // Hours of polling would outgrow one history: carry on in a fresh one.
          if (workflowInfo().continueAsNewSuggested) {
            await continueAsNew<typeof vsyncReconciliationWorkflow>({ ...input, continuation });
          }
        }
      }
      continuation = undefined;
      await enter('staging-file');
      await streaming.stageCidFile({ reconciliationId, keyType, ...available });
      await enter('diffing');
      state.divergences = await db.diffStagedFile({ reconciliationId, keyType });
      if (total(state.divergences) === 0 && state.round > 1) return finish('unresolved', 'NOK');
      const stop = await approved(state.divergences);
      if (stop) return finish(stop, null);
      if ((await applyAndVerify()) === 'OK') return finish('completed', 'OK');
    }
    await enter(state.phase, 'unresolved');
    return finish('unresolved', 'NOK');
  };

  try {
    return await reconcile(claim.lastOkAt);
  } catch (err) {
    if (err instanceof ContinueAsNew) throw err; // the claim goes on with the next run
    await released(err);
    throw err;
  }
}
