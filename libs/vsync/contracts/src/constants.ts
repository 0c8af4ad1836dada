/** The vsync domain's task queue: only the vsync worker polls it. */
export const VSYNC_TASK_QUEUE = 'vsync';

/** The app that owns the vsync workflows and their schedules (`apps/vsync-worker/workflows.yaml`). */
export const VSYNC_PROJECT = 'vsync-worker';

/** Days of the vsync domain (a verification's day, a reconciliation's id) are days in Brasília time. */
export const VSYNC_TIME_ZONE = 'America/Sao_Paulo';

export const VSYNC_EVENT_DOMAIN = 'vsync';

/** DICT's key types: one VSync each. */
export const VSYNC_KEY_TYPES = ['CPF', 'CNPJ', 'PHONE', 'EMAIL', 'EVP'] as const;
export type KeyType = (typeof VSYNC_KEY_TYPES)[number];

export const VSYNC_WORKFLOW_TYPES = {
  verification: 'vsyncVerificationWorkflow',
  reconciliation: 'reconciliationWorkflow',
} as const;

/** A calendar day, 'YYYY-MM-DD'. */
export type IsoDate = string;

/** One reconciliation per key type and day: a second verification that day finds it instead of starting another. */
export function reconciliationWorkflowId(keyType: KeyType, day: IsoDate): string {
  return `vsync-reconciliation-${keyType}-${day}`;
}

/** The calendar day an instant falls on in a time zone (pure: usable in workflow code). */
export function dayInTimeZone(instant: Date, timeZone: string): IsoDate {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
    .formatToParts(instant)
    .reduce<Record<string, string>>((acc, p) => ({ ...acc, [p.type]: p.value }), {});
  return `${parts.year}-${parts.month}-${parts.day}`;
}
