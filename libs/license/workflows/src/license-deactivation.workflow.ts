import { continueAsNew, log, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  DEACTIVATION_DEFAULTS as DEFAULTS,
  LICENSE_TIME_ZONE,
  addDays,
  dayInTimeZone,
  deactivationProgressQuery,
  licenseDomain,
  type DeactivatePageResult,
  type DeactivationContinuation,
  type DeactivationTotals,
  type LicenseActivities,
  type LicenseDeactivationInput,
  type LicenseDeactivationSummary,
} from '@fleet/license-contracts';
import { parseInput, rootCauseMessage } from '@fleet/shared-domain';

// Reads and audit writes: a database outage is retried (1 s apart, backing off to 30 s) for up to
// 4 hours, then the batch fails with the reason and the next day's run finds the same agents.
// Unbounded, a run waiting out a long outage would make the daily schedule (overlap: skip) skip
// every run after it. Bad data never waits that long: the worker makes PostgreSQL data and
// constraint errors and validation failures non-retryable, so they fail the first attempt.
const { startBatch, previewExpired, findExpiredPage, recordPageFailure, finishBatch } = proxyActivities<LicenseActivities>({
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '4 hours',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

const emptyTotals = (): DeactivationTotals => ({
  expiredLicenses: 0,
  agentsDeactivated: 0,
  portalAccessDisabled: 0,
  commissionsStopped: 0,
  notificationsQueued: 0,
  failures: 0,
  failedPages: 0,
  pages: 0,
});

/**
 * WF-AGT-PRF-007: deactivates agents whose license expired before the batch date (less a grace
 * period). Pages through them with a keyset cursor, only page bounds and counts in history, and
 * continues as new with the cursor and running totals, so a batch of any size fits.
 */
export async function licenseDeactivationWorkflow(input: LicenseDeactivationInput = {}): Promise<LicenseDeactivationSummary> {
  // Input no retry can fix fails the workflow at once, naming each bad field; the continuation is the workflow's own.
  const { continuation: carried, ...given } = input;
  const { deactivation } = licenseDomain.workflows;
  const options = parseInput(deactivation.type, deactivation.input, given);
  const batchDate = options.batchDate ?? dayInTimeZone(new Date(), LICENSE_TIME_ZONE);
  const batchSize = options.batchSize ?? DEFAULTS.batchSize;
  const grace = options.gracePeriodDays ?? DEFAULTS.gracePeriodDays;
  const maxPagesPerRun = options.maxPagesPerRun ?? DEFAULTS.maxPagesPerRun;
  const concurrency = options.pageConcurrency ?? DEFAULTS.pageConcurrency;
  const pageTimeout = options.pageTimeoutSeconds ?? DEFAULTS.pageTimeoutSeconds;
  const dryRun = options.dryRun ?? false;
  const cutoffDate = addDays(batchDate, -grace);

  // A page is tried 4 times (1, 2 and 4 s apart), each attempt within the page timeout; a page that
  // still fails, or fails on bad data (non-retryable: one attempt), is recorded and skipped, and
  // its agents stay active for the next run.
  const { deactivatePage } = proxyActivities<LicenseActivities>({
    startToCloseTimeout: `${pageTimeout} seconds`,
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 4 },
  });

  const state: DeactivationContinuation = carried ?? {
    batchId: workflowInfo().firstExecutionRunId,
    startedAt: new Date().toISOString(),
    cursor: null,
    nextPageNo: 0,
    executions: 0,
    totals: emptyTotals(),
  };
  state.executions += 1;
  let sampleAgentIds: string[] = [];
  let wouldDeactivate: number | undefined;
  let finished = false;

  const snapshot = () => ({
    batchId: state.batchId,
    batchDate,
    cutoffDate,
    dryRun,
    batchSize,
    ...state.totals,
    sampleAgentIds,
    ...(wouldDeactivate === undefined ? {} : { wouldDeactivate }),
    executions: state.executions,
    startedAt: state.startedAt,
  });
  setHandler(deactivationProgressQuery, () => ({ ...snapshot(), state: finished ? 'COMPLETED' : 'RUNNING', cursor: state.cursor }));

  if (!carried) await startBatch({ batchId: state.batchId, operation: 'LICENSE_DEACTIVATION', batchDate, dryRun, startedAt: state.startedAt });

  if (dryRun) {
    const preview = await previewExpired({ cutoffDate, sampleSize: DEFAULTS.dryRunSampleSize });
    state.totals.expiredLicenses = preview.expiredLicenses;
    wouldDeactivate = preview.agents;
    sampleAgentIds = preview.sampleAgentIds;
  } else {
    const inFlight = new Set<Promise<void>>();
    const add = (result: DeactivatePageResult) => {
      for (const key of Object.keys(result) as (keyof DeactivatePageResult)[]) state.totals[key] += result[key];
    };
    const apply = async (pageNo: number, after: string | null, upTo: string, agentCount: number) => {
      try {
        add(await deactivatePage({ batchId: state.batchId, pageNo, batchDate, cutoffDate, after, upTo }));
      } catch (err) {
        state.totals.failures += agentCount;
        state.totals.failedPages += 1;
        const error = rootCauseMessage(err);
        log.warn('deactivation page failed', { pageNo, after, upTo, error });
        await recordPageFailure({ batchId: state.batchId, pageNo, after, upTo, agentCount, error });
      }
    };

    for (let pagesThisRun = 0; ; pagesThisRun++) {
      if (pagesThisRun >= maxPagesPerRun || workflowInfo().continueAsNewSuggested) {
        await Promise.all(inFlight);
        return continueAsNew<typeof licenseDeactivationWorkflow>({ ...given, batchDate, continuation: state });
      }
      const page = await findExpiredPage({ cutoffDate, after: state.cursor, limit: batchSize });
      if (!page) break;
      const applying = apply(state.nextPageNo, state.cursor, page.upTo, page.agentCount).finally(() => inFlight.delete(applying));
      inFlight.add(applying);
      state.cursor = page.upTo;
      state.nextPageNo += 1;
      state.totals.pages += 1;
      if (inFlight.size >= concurrency) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  }

  const finishedAt = new Date();
  const summary: LicenseDeactivationSummary = {
    ...snapshot(),
    finishedAt: finishedAt.toISOString(),
    durationMs: finishedAt.getTime() - Date.parse(state.startedAt),
  };
  await finishBatch(summary);
  finished = true;
  return summary;
}
