import { POLICY_OF, type BridgeOperation } from '@fleet/vsync-dict-bridge';
import { z } from 'zod';

export const BRIDGE_OPERATIONS = Object.keys(POLICY_OF) as BridgeOperation[];

const operationFaults = z.strictObject({
  /** Added before every answer of the operation, success or failure. */
  latencyMs: z.number().int().min(0).optional(),
  /** A uniform extra delay of 0..latencyJitterMs on top. */
  latencyJitterMs: z.number().int().min(0).optional(),
  /** The share of calls (0..1) answered UNAVAILABLE before any state changes: a retry is safe. */
  unavailableRate: z.number().min(0).max(1).optional(),
});

export const faultsSchema = operationFaults.extend({
  /** Per-operation values, each overriding the global one it names. */
  perOperation: z.partialRecord(z.enum(BRIDGE_OPERATIONS as [BridgeOperation, ...BridgeOperation[]]), operationFaults).optional(),
  /** The next n CID files end in ERROR instead of AVAILABLE. */
  fileErrorNext: z.number().int().min(0).optional(),
  /** CID files stay PROCESSING this much longer after they are written. */
  fileProcessingExtraMs: z.number().int().min(0).optional(),
  /** The next download serves altered bytes of the same length: only a SHA-256 check catches it. */
  corruptNextDownload: z.boolean().optional(),
  /** The next download stops half way, short of its Content-Length. */
  truncateNextDownload: z.boolean().optional(),
  /** Events show in listCidSetEvents only this long after their timestamp ("events may appear a few seconds late"). */
  eventsDelayMs: z.number().int().min(0).optional(),
});

export type OperationFaults = z.infer<typeof operationFaults>;
export type SimFaults = z.infer<typeof faultsSchema>;

/** The faults in force; one-shot faults are consumed by `take*`. */
export class FaultState {
  private current: SimFaults = {};

  constructor(
    initial: SimFaults | undefined,
    private readonly random: () => number,
  ) {
    if (initial) this.set(initial);
  }

  get(): SimFaults {
    return structuredClone(this.current);
  }

  /** Merges: named fields replace, `perOperation` entries replace per operation. Throws when invalid. */
  set(partial: SimFaults): SimFaults {
    const p = faultsSchema.parse(partial);
    const perOperation = p.perOperation ? { ...this.current.perOperation, ...p.perOperation } : this.current.perOperation;
    this.current = { ...this.current, ...p, ...(perOperation ? { perOperation } : {}) };
    return this.get();
  }

  clear(): void {
    this.current = {};
  }

  private of<K extends keyof OperationFaults>(op: BridgeOperation, field: K): OperationFaults[K] {
    return this.current.perOperation?.[op]?.[field] ?? this.current[field];
  }

  /** The delay before answering a call of `op`. */
  latencyMs(op: BridgeOperation): number {
    const base = this.of(op, 'latencyMs') ?? 0;
    const jitter = this.of(op, 'latencyJitterMs') ?? 0;
    return base + (jitter > 0 ? Math.floor(this.random() * (jitter + 1)) : 0);
  }

  /** Whether this call of `op` is answered UNAVAILABLE. */
  unavailable(op: BridgeOperation): boolean {
    const rate = this.of(op, 'unavailableRate') ?? 0;
    return rate > 0 && this.random() < rate;
  }

  takeFileError(): boolean {
    const n = this.current.fileErrorNext ?? 0;
    if (n <= 0) return false;
    this.current.fileErrorNext = n - 1;
    return true;
  }

  takeCorruptDownload(): boolean {
    if (!this.current.corruptNextDownload) return false;
    this.current.corruptNextDownload = false;
    return true;
  }

  takeTruncateDownload(): boolean {
    if (!this.current.truncateNextDownload) return false;
    this.current.truncateNextDownload = false;
    return true;
  }

  get fileProcessingExtraMs(): number {
    return this.current.fileProcessingExtraMs ?? 0;
  }

  get eventsDelayMs(): number {
    return this.current.eventsDelayMs ?? 0;
  }
}
