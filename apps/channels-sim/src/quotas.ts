import { z } from 'zod';
import { CHANNELS, type Channel } from './channels';

/** A token bucket: `burst` calls at once, refilled at `ratePerSecond`. */
export const quotaSchema = z.strictObject({
  ratePerSecond: z.number().positive(),
  /** Bucket size; the rate rounded up (at least 1) when left out. */
  burst: z.number().int().min(1).optional(),
});
export type Quota = z.infer<typeof quotaSchema>;

/** Per channel, e.g. {"meta":{"ratePerSecond":2}}; channels left out keep the default. */
export const channelQuotasSchema = z.partialRecord(z.enum(CHANNELS), quotaSchema);
export type ChannelQuotas = z.infer<typeof channelQuotasSchema>;

/** `POST /admin/quotas`: a channel's quota, or one account's when `account` is given. */
export const setQuotaSchema = quotaSchema.extend({ channel: z.enum(CHANNELS), account: z.string().min(1).optional() });

export const DEFAULT_QUOTA: Quota = { ratePerSecond: 10 };

export interface QuotaState {
  allowed: boolean;
  limit: number;
  ratePerSecond: number;
  remaining: number;
  /** Until the next call would be accepted: 0 while a call is left. */
  resetMs: number;
  /** Share of the bucket in use, 0-100 (what Meta reports as call_count). */
  usagePercent: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Quotas per (channel, account), each account with a bucket of its own. */
export class Quotas {
  private channelQuotas: ChannelQuotas;
  private accountQuotas = new Map<string, Quota>();
  private buckets = new Map<string, Bucket>();

  constructor(
    private readonly initial: ChannelQuotas = {},
    private readonly now: () => number = () => performance.now(),
  ) {
    this.channelQuotas = { ...initial };
  }

  quotaOf(channel: Channel, account: string): Required<Quota> {
    const q = this.accountQuotas.get(`${channel}/${account}`) ?? this.channelQuotas[channel] ?? DEFAULT_QUOTA;
    return { ratePerSecond: q.ratePerSecond, burst: q.burst ?? Math.max(1, Math.ceil(q.ratePerSecond)) };
  }

  set(channel: Channel, quota: Quota, account?: string): void {
    if (account) {
      this.accountQuotas.set(`${channel}/${account}`, quota);
      this.buckets.delete(`${channel}/${account}`);
    } else {
      this.channelQuotas[channel] = quota;
      for (const key of this.buckets.keys()) if (key.startsWith(`${channel}/`)) this.buckets.delete(key);
    }
  }

  list() {
    return { channels: Object.fromEntries(CHANNELS.map((c) => [c, this.channelQuotas[c] ?? DEFAULT_QUOTA])), accounts: Object.fromEntries(this.accountQuotas) };
  }

  /** Takes one call from the account's bucket when one is left. */
  take(channel: Channel, account: string): QuotaState {
    const { ratePerSecond, burst } = this.quotaOf(channel, account);
    const key = `${channel}/${account}`;
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * ratePerSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    const remaining = Math.floor(bucket.tokens);
    const resetMs = remaining >= 1 ? 0 : Math.ceil(((1 - bucket.tokens) / ratePerSecond) * 1000);
    return { allowed, limit: burst, ratePerSecond, remaining, resetMs, usagePercent: Math.round((1 - bucket.tokens / burst) * 100) };
  }

  reset(): void {
    this.channelQuotas = { ...this.initial };
    this.accountQuotas.clear();
    this.buckets.clear();
  }
}
