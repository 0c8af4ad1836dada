import { dayInTimeZone, defineDomain } from '@fleet/shared-domain';
import { licenseEvents } from './events';
import { deactivationProgressQuery, manualDeactivationWorkflowId } from './license-deactivation';
import { licenseRenewalWorkflowId } from './license-renewal';
import { licenseRenewalRemindersWorkflowId } from './license-renewal-reminders';
import { licenseDeactivationInputSchema, licenseRenewalInputSchema, licenseRenewalRemindersInputSchema } from './schemas';

/** The license domain's task queue: only the license worker polls it. */
export const LICENSE_TASK_QUEUE = 'license';

/** Business dates of the license domain are days in this time zone. */
export const LICENSE_TIME_ZONE = 'Asia/Kolkata';

/** The reason recorded on an agent deactivated by the daily check; reinstatement reverses only these. */
export const LICENSE_EXPIRED_REASON = 'LICENSE_EXPIRED';
export const LICENSE_RENEWED_REASON = 'LICENSE_RENEWED';

const today = () => dayInTimeZone(new Date(), LICENSE_TIME_ZONE);

/** Insurance agents' licenses: daily deactivation of expired licenses, renewal reminders, reinstatement on renewal. */
export const licenseDomain = defineDomain({
  name: 'license',
  taskQueue: LICENSE_TASK_QUEUE,
  project: 'license-worker',
  timeZone: LICENSE_TIME_ZONE,
  workflows: {
    deactivation: {
      type: 'licenseDeactivationWorkflow',
      input: licenseDeactivationInputSchema,
      id: (input, nonce) => manualDeactivationWorkflowId(input.batchDate ?? today(), input.dryRun ?? false, nonce),
      queries: { progress: deactivationProgressQuery },
    },
    reminders: {
      type: 'licenseRenewalRemindersWorkflow',
      input: licenseRenewalRemindersInputSchema,
      id: (input, nonce) => licenseRenewalRemindersWorkflowId(input.runDate ?? today(), nonce),
    },
    renewal: {
      type: 'licenseRenewalWorkflow',
      input: licenseRenewalInputSchema,
      id: (input) => licenseRenewalWorkflowId(input.licenseId, input.renewalDate),
    },
  },
  events: licenseEvents,
});

export const LICENSE_PROJECT = licenseDomain.project;
export const LICENSE_WORKFLOW_TYPES = {
  deactivation: licenseDomain.workflows.deactivation.type,
  reminders: licenseDomain.workflows.reminders.type,
  renewal: licenseDomain.workflows.renewal.type,
} as const;
