/** The license domain's task queue: only the license worker polls it. */
export const LICENSE_TASK_QUEUE = 'license';

/** Business dates of the license domain are days in this time zone. */
export const LICENSE_TIME_ZONE = 'Asia/Kolkata';

/** The app that owns the license workflows and their schedules (`apps/license-worker/workflows.yaml`). */
export const LICENSE_PROJECT = 'license-worker';

export const LICENSE_WORKFLOW_TYPES = {
  deactivation: 'licenseDeactivationWorkflow',
  reminders: 'licenseRenewalRemindersWorkflow',
  renewal: 'licenseRenewalWorkflow',
} as const;

/** The reason recorded on an agent deactivated by the daily check; reinstatement reverses only these. */
export const LICENSE_EXPIRED_REASON = 'LICENSE_EXPIRED';
export const LICENSE_RENEWED_REASON = 'LICENSE_RENEWED';
