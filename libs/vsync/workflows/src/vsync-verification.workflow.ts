import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, proxyActivities, setHandler, startChild, workflowInfo } from '@temporalio/workflow';
import { parseInput } from '@fleet/shared-domain';
import {
  VSYNC_KEY_TYPES,
  vsyncDomain,
  VSYNC_TIME_ZONE,
  dayInTimeZone,
  reconciliationWorkflowId,
  verificationProgressQuery,
  type KeyType,
  type KeyTypeVerification,
  type VsyncActivities,
  type VsyncVerificationInput,
  type VsyncVerificationSummary,
} from '@fleet/vsync-contracts';
import { vsyncReconciliationWorkflow } from './vsync-reconciliation.workflow';

// DICT allows 10 verifications a minute (bucket 50): a run of five fits. A bridge or database
// outage is retried 20 times (2 s backing off to 1 min: about 16 minutes), then the run fails with
// the reason; the next daily run is well within DICT's 36 hours. DICT refusing the request
// (InvalidArgument and the like) and bad data fail the first attempt: the bridge client and the
// worker mark them non-retryable.
const { verifyKeyType, finishVerificationRun } = proxyActivities<VsyncActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 20 },
});

/**
 * The daily VSync verification (DICT asks for one at least every 36 hours): sends each key type's
 * incremental VSync, so it costs the same for ten keys or ten million. Each NOK starts a
 * reconciliation that outlives this workflow (parent-close ABANDON), one per key type and day.
 */
export async function vsyncVerificationWorkflow(raw: VsyncVerificationInput = {}): Promise<VsyncVerificationSummary> {
  const startedAt = new Date().toISOString();
  const { verification } = vsyncDomain.workflows;
  const input = parseInput(verification.type, verification.input, raw);
  const day = input.day ?? dayInTimeZone(new Date(), VSYNC_TIME_ZONE);
  const keyTypes = input.keyTypes ?? [...VSYNC_KEY_TYPES];
  const { workflowId, runId } = workflowInfo();

  const verified: KeyTypeVerification[] = [];
  setHandler(verificationProgressQuery, () => ({ verified, pending: keyTypes.filter((k) => !verified.some((v) => v.keyType === k)) }));
  await Promise.all(keyTypes.map(async (keyType) => verified.push(await verifyKeyType({ keyType, requestedBy: workflowId }))));
  const order = (v: KeyTypeVerification) => keyTypes.indexOf(v.keyType);
  const verifications = [...verified].sort((a, b) => order(a) - order(b));

  const reconciliations: VsyncVerificationSummary['reconciliations'] = [];
  if (input.reconcile !== false) {
    for (const { keyType } of verifications.filter((v) => v.result === 'NOK')) {
      reconciliations.push(await startReconciliation(keyType, day, workflowId, input));
    }
  }
  const summary: VsyncVerificationSummary = { day, verifications, reconciliations, startedAt, finishedAt: new Date().toISOString() };
  await finishVerificationRun({ ...summary, runId });
  return summary;
}

async function startReconciliation(keyType: KeyType, day: string, triggeredBy: string, input: VsyncVerificationInput) {
  const workflowId = reconciliationWorkflowId(keyType, day);
  try {
    // No retry policy or timeout of its own: a reconciliation bounds itself (file wait, approval
    // timeout, rounds), and one that fails stays failed with its reason, its key type released;
    // the next day's verification starts another (the id is per key type and day).
    await startChild(vsyncReconciliationWorkflow, {
      workflowId,
      args: [{ keyType, day, triggeredBy, options: input.reconciliation }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
    return { keyType, workflowId, started: true };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { keyType, workflowId, started: false, note: 'already running' };
    throw err;
  }
}
