import { ApplicationFailure } from '@temporalio/workflow';
import { RECONCILIATION_DEFAULTS, RECONCILIATION_LIMITS, VSYNC_KEY_TYPES, type KeyType, type ReconciliationOptions } from '@fleet/vsync-contracts';

const invalid = (message: string) => ApplicationFailure.nonRetryable(message, 'InvalidInput');

/** The reconciliation's options with defaults, each checked against its bounds (a bad one fails the workflow, no retry). */
export function reconciliationOptions(given: Partial<ReconciliationOptions> = {}): ReconciliationOptions {
  const options = { ...RECONCILIATION_DEFAULTS };
  for (const [name, value] of Object.entries(given) as [keyof ReconciliationOptions, number | undefined][]) {
    const limits = RECONCILIATION_LIMITS[name];
    if (!limits) throw invalid(`unknown reconciliation option ${name}`);
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < limits.min || value > limits.max) {
      throw invalid(`${name} must be a number from ${limits.min} to ${limits.max}, got ${String(value)}`);
    }
    options[name] = value;
  }
  return options;
}

export function checkKeyType(keyType: unknown): KeyType {
  if (!VSYNC_KEY_TYPES.includes(keyType as KeyType)) throw invalid(`keyType must be one of ${VSYNC_KEY_TYPES.join(', ')}, got ${String(keyType)}`);
  return keyType as KeyType;
}

export function checkDay(day: unknown): string {
  if (typeof day !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(day)) throw invalid(`day must be a date YYYY-MM-DD, got ${String(day)}`);
  return day;
}
