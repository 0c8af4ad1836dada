import { dayInTimeZone, defineDomain } from '@fleet/shared-domain';
import { vsyncEvents } from './events';
import { vsyncReconciliationInputSchema, vsyncVerificationInputSchema } from './schemas';
import { decideReconciliationUpdate, reconciliationStateQuery, reconciliationWorkflowId } from './vsync-reconciliation';
import { manualVerificationWorkflowId, verificationProgressQuery } from './vsync-verification';

/** The vsync domain's task queue: only the vsync worker polls it. */
export const VSYNC_TASK_QUEUE = 'vsync';

/** Days of the vsync domain (a verification's day, a reconciliation's id) are days in Brasília time. */
export const VSYNC_TIME_ZONE = 'America/Sao_Paulo';

/** PIX DICT synchronisation: daily VSync verification of the five key types, CID reconciliation on divergence. */
export const vsyncDomain = defineDomain({
  name: 'vsync',
  taskQueue: VSYNC_TASK_QUEUE,
  project: 'vsync-worker',
  timeZone: VSYNC_TIME_ZONE,
  workflows: {
    verification: {
      type: 'vsyncVerificationWorkflow',
      input: vsyncVerificationInputSchema,
      id: (input, nonce) => manualVerificationWorkflowId(input.day ?? dayInTimeZone(new Date(), VSYNC_TIME_ZONE), nonce),
      queries: { progress: verificationProgressQuery },
    },
    reconciliation: {
      type: 'vsyncReconciliationWorkflow',
      input: vsyncReconciliationInputSchema,
      id: (input) => reconciliationWorkflowId(input.keyType, input.day),
      queries: { state: reconciliationStateQuery },
      updates: { decide: decideReconciliationUpdate },
    },
  },
  events: vsyncEvents,
});

export const VSYNC_PROJECT = vsyncDomain.project;
export const VSYNC_WORKFLOW_TYPES = {
  verification: vsyncDomain.workflows.verification.type,
  reconciliation: vsyncDomain.workflows.reconciliation.type,
} as const;

