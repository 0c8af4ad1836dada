import { ActivityFailure, continueAsNew, log, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  DEACTIVATION_DEFAULTS as DEFAULTS,
  DEACTIVATION_LIMITS as LIMITS,
  addDays,
  deactivationProgressQuery,
  type DeactivatePageResult,
  type DeactivationContinuation,
  type DeactivationTotals,
  type LicenseActivities,
  type LicenseDeactivationInput,
  type LicenseDeactivationSummary,
} from '@fleet/license-contracts';
import { bounded, dayOrToday } from './input';

// Reads and audit writes retry until the database is back: a batch never gives up on an outage.
const { startBatch, previewExpired, findExpiredPage, recordPageFailure, finishBatch } = proxyActivities<LicenseActivities>({
  startToCloseTimeout: '1 minute',
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
  const batchDate = dayOrToday('batchDate', input.batchDate);
  const batchSize = bounded('batchSize', input.batchSize, DEFAULTS.batchSize, LIMITS.batchSize);
  const grace = bounded('gracePeriodDays', input.gracePeriodDays, DEFAULTS.gracePeriodDays, LIMITS.gracePeriodDays);
  const maxPagesPerRun = bounded('maxPagesPerRun', input.maxPagesPerRun, DEFAULTS.maxPagesPerRun, LIMITS.maxPagesPerRun);
  const concurrency = bounded('pageConcurrency', input.pageConcurrency, DEFAULTS.pageConcurrency, LIMITS.pageConcurrency);
  const pageTimeout = bounded('pageTimeoutSeconds', input.pageTimeoutSeconds, DEFAULTS.pageTimeoutSeconds, LIMITS.pageTimeoutSeconds);
  const dryRun = input.dryRun ?? false;
  const cutoffDate = addDays(batchDate, -grace);

  // A page that keeps failing is recorded and skipped; its agents stay active for the next run.
  const { deactivatePage } = proxyActivities<LicenseActivities>({
    startToCloseTimeout: `${pageTimeout} seconds`,
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 4 },
  });

  const carried = input.continuation;
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
        const error = err instanceof ActivityFailure && err.cause ? err.cause.message : String(err);
        log.warn('deactivation page failed', { pageNo, after, upTo, error });
        await recordPageFailure({ batchId: state.batchId, pageNo, after, upTo, agentCount, error });
      }
    };

    for (let pagesThisRun = 0; ; pagesThisRun++) {
      if (pagesThisRun >= maxPagesPerRun || workflowInfo().continueAsNewSuggested) {
        await Promise.all(inFlight);
        return continueAsNew<typeof licenseDeactivationWorkflow>({ ...input, batchDate, continuation: state });
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
