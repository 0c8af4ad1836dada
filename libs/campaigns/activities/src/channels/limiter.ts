import { learnPlatformRate, refuseUntil, reserveSlot, slotState, type CampaignsDatabase } from '@fleet/campaigns-data-access';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Kysely } from 'kysely';

/** The error type of a call held back or refused for the quota: retried after `nextRetryDelay`. */
export const CHANNEL_THROTTLED = 'ChannelThrottled';

/** A wait shorter than this is slept inside the activity (heartbeating); a longer one is a retry after it. */
const SLEEP_AT_MOST_MS = 2_000;

export interface ChannelLimiter {
  /** Waits for the channel's next call slot; throws a retryable failure (next retry after the wait) while the platform's refusal holds. */
  acquire(channel: string): Promise<void>;
  /** The platform answered 429: nobody calls before `waitMs`. */
  refused(channel: string, waitMs: number, detail: string): Promise<void>;
  /** The quota headers say the bucket is empty: nobody calls before `waitMs` (no refusal needed to learn it). */
  exhausted(channel: string, waitMs: number, detail: string): Promise<void>;
  /** The platform announced its rate (x-ratelimit-rate): calls are spaced at the lower of it and the configured rate from now on. */
  learnedRate(channel: string, ratePerSecond: number): Promise<void>;
}

/**
 * Each channel's limiter, in PostgreSQL so every worker shares it and a restart keeps it: calls
 * spaced at the lower of the channel's configured rate and the rate the platform announces in its
 * quota headers (learned from its answers, so a worker configured faster than the platform follows
 * the platform), and a "not before" set from the quota headers and Retry-After. Decisions use the
 * database's clock.
 */
export function createChannelLimiter(db: Kysely<CampaignsDatabase>, ratePerSecond: (channel: string) => number): ChannelLimiter {
  const throttled = (channel: string, waitMs: number) =>
    ApplicationFailure.create({ type: CHANNEL_THROTTLED, message: `${channel}: the platform's quota holds for ${Math.ceil(waitMs)} ms`, nextRetryDelay: Math.ceil(waitMs) });
  return {
    async acquire(channel) {
      const rate = ratePerSecond(channel);
      for (;;) {
        const slot = await reserveSlot(db, channel, rate);
        if (slot.blockedMs > SLEEP_AT_MOST_MS) throw throttled(channel, slot.blockedMs);
        const wait = Math.max(slot.waitMs, slot.blockedMs);
        if (wait > 0) await sleepHeartbeating(wait);
        if (slot.blockedMs > 0) continue; // the refusal has passed: take a slot now
        // Checked again right before the call: a refusal seen by another worker meanwhile holds this
        // one too, and a slot taken before the platform's slower rate was learned is taken again at it.
        const now = await slotState(db, channel, rate);
        if (now.blockedMs > SLEEP_AT_MOST_MS) throw throttled(channel, now.blockedMs);
        if (now.blockedMs > 0) await sleepHeartbeating(now.blockedMs);
        else if (now.spacingMs <= slot.spacingMs * 1.001) return;
      }
    },
    refused: (channel, waitMs, detail) => refuseUntil(db, channel, waitMs, detail),
    exhausted: (channel, waitMs, detail) => refuseUntil(db, channel, waitMs, detail),
    learnedRate: async (channel, rate) => void (await learnPlatformRate(db, channel, rate)),
  };
}

/** Sleeps, heartbeating each second when run by an activity (so a cancel or a lost worker is noticed). */
export async function sleepHeartbeating(ms: number): Promise<void> {
  const context = activityContext();
  const end = Date.now() + ms;
  for (let left = ms; left > 0; left = end - Date.now()) {
    if (context) {
      context.heartbeat();
      await context.sleep(Math.min(1_000, left));
    } else await new Promise((r) => setTimeout(r, Math.min(1_000, left)));
  }
}

export function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}
