import { z } from 'zod';
import { CHANNELS, type Channel } from './channels';
import { seededRandom } from '@fleet/shared-random';

export const OPERATIONS = ['create', 'update', 'remove', 'read'] as const;
export type Operation = (typeof OPERATIONS)[number];

/**
 * A fault switched on through `POST /admin/faults` (or CHANNELS_SIM_FAULTS); each POST adds one.
 * - error500: the call is answered 500 and nothing is done.
 * - timeout: the call is held `delayMs`, then its connection dropped; nothing is done.
 * - lostResponse: the call is done (a create creates, an update updates, a remove removes), then its connection dropped
 *   before any answer: the case where only a lookup by reference tells a caller whether to create
 *   again. Reads pass it by.
 * - throttle: 429 whatever the quota (Meta: code 17, subcode 2446079).
 * - disapprove: the next reviews end DISAPPROVED.
 * With `count`, the fault takes the next `count` matching calls (or reviews) and is gone; with
 * `rate`, each matching call draws (seeded); both: draws until `count` hits.
 */
export const faultSchema = z.strictObject({
  kind: z.enum(['error500', 'timeout', 'lostResponse', 'throttle', 'disapprove']),
  /** Every channel when left out. */
  channel: z.enum(CHANNELS).optional(),
  account: z.string().min(1).optional(),
  /** Every operation when left out. */
  operation: z.enum(OPERATIONS).optional(),
  rate: z.number().min(0).max(1).optional(),
  count: z.number().int().min(1).optional(),
  /** timeout: how long the call hangs before its connection is dropped. */
  delayMs: z.number().int().min(0).default(30_000),
});
export type FaultInput = z.input<typeof faultSchema>;
export type Fault = z.infer<typeof faultSchema> & { id: number; hits: number };

export class Faults {
  private faults: Fault[] = [];
  private sequence = 0;
  private random: () => number;

  constructor(private readonly seed: number) {
    this.random = seededRandom(seed);
  }

  add(input: z.infer<typeof faultSchema>): Fault {
    const fault = { ...input, id: ++this.sequence, hits: 0 };
    this.faults.push(fault);
    return fault;
  }

  list(): Fault[] {
    return this.faults;
  }

  clear(): void {
    this.faults = [];
  }

  /** No faults, and the draws start over. */
  reset(): void {
    this.faults = [];
    this.sequence = 0;
    this.random = seededRandom(this.seed);
  }

  /** The fault that hits this call, if one does (disapprove is drawn at review time instead). */
  draw(channel: Channel, account: string, operation: Operation): Fault | undefined {
    // A lost response is about work done: a read never uses one up.
    const applies = (f: Fault) => f.kind !== 'disapprove' && !(f.kind === 'lostResponse' && operation === 'read') && (!f.operation || f.operation === operation);
    return this.pick(applies, channel, account);
  }

  /** Whether a disapprove fault decides this review. */
  drawDisapproval(channel: Channel, account: string): boolean {
    return this.pick((f) => f.kind === 'disapprove', channel, account) !== undefined;
  }

  private pick(match: (f: Fault) => boolean, channel: Channel, account: string): Fault | undefined {
    for (const fault of this.faults) {
      if (!match(fault) || (fault.channel && fault.channel !== channel) || (fault.account && fault.account !== account)) continue;
      if (fault.rate !== undefined && this.random() >= fault.rate) continue;
      fault.hits++;
      if (fault.count !== undefined && fault.hits >= fault.count) this.faults = this.faults.filter((f) => f !== fault);
      return fault;
    }
    return undefined;
  }
}
