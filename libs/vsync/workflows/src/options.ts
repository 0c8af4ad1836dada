import { RECONCILIATION_DEFAULTS, type ReconciliationOptions } from '@fleet/vsync-contracts';

/** The reconciliation's options: the defaults, with what was given (already checked against its bounds by the input schema). */
export function reconciliationOptions(given: Partial<ReconciliationOptions> = {}): ReconciliationOptions {
  const options = { ...RECONCILIATION_DEFAULTS };
  for (const [name, value] of Object.entries(given) as [keyof ReconciliationOptions, number | undefined][]) if (value !== undefined) options[name] = value;
  return options;
}
