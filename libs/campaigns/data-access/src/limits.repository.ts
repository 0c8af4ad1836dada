import { sql, type Kysely, type Transaction } from 'kysely';
import type { CampaignsDatabase } from './schema';

type Db = Kysely<CampaignsDatabase> | Transaction<CampaignsDatabase>;

/** The spacing of the channel's calls, in ms: at the lower of the configured rate and the rate the platform announced. */
const spacingMs = (ratePerSecond: number) => sql<number>`(1000.0 / least(${ratePerSecond}::float8, coalesce(platform_rate, ${ratePerSecond}::float8)))::float8`;

/**
 * Takes the channel's next call slot: calls are spaced at the lower of `ratePerSecond` (the
 * configured quota) and the rate the platform announced (`learnPlatformRate`), never before the
 * platform's "not before". Answers how long to wait for the slot, how long the platform's refusal
 * still holds, and the spacing the slot was taken at; all on the database's clock, shared by every
 * worker and kept across restarts.
 */
export async function reserveSlot(db: Db, channel: string, ratePerSecond: number): Promise<{ waitMs: number; blockedMs: number; spacingMs: number }> {
  await db.insertInto('campaign_channel_limits').values({ channel, last_refusal: null }).onConflict((oc) => oc.column('channel').doNothing()).execute();
  const state = await slotState(db, channel, ratePerSecond);
  if (state.blockedMs > 0) return { waitMs: 0, ...state };
  const spacing = spacingMs(ratePerSecond);
  const row = await db
    .updateTable('campaign_channel_limits')
    .set({ next_slot: sql`greatest(next_slot, not_before, now()) + make_interval(secs => ${spacing} / 1000)` })
    .where('channel', '=', channel)
    .returning([sql<number>`(extract(epoch from (next_slot - now())) * 1000 - ${spacing})::float8`.as('wait_ms'), spacing.as('spacing_ms')])
    .executeTakeFirstOrThrow();
  return { waitMs: Math.max(0, Number(row.wait_ms)), blockedMs: 0, spacingMs: Number(row.spacing_ms) };
}

/** How long the platform's refusal still holds for the channel (0 when none), and the spacing its calls take now, in ms. */
export async function slotState(db: Db, channel: string, ratePerSecond: number): Promise<{ blockedMs: number; spacingMs: number }> {
  const row = await db
    .selectFrom('campaign_channel_limits')
    .select([sql<number>`greatest(0, extract(epoch from (not_before - now())) * 1000)::float8`.as('blocked_ms'), spacingMs(ratePerSecond).as('spacing_ms')])
    .where('channel', '=', channel)
    .executeTakeFirst();
  return row ? { blockedMs: Number(row.blocked_ms), spacingMs: Number(row.spacing_ms) } : { blockedMs: 0, spacingMs: 1000 / ratePerSecond };
}

/** How long the platform's refusal still holds for the channel, in ms (0 when none). */
export async function blockedFor(db: Db, channel: string): Promise<number> {
  const row = await db
    .selectFrom('campaign_channel_limits')
    .select(sql<number>`greatest(0, extract(epoch from (not_before - now())) * 1000)::float8`.as('blocked_ms'))
    .where('channel', '=', channel)
    .executeTakeFirst();
  return row ? Number(row.blocked_ms) : 0;
}

/** The platform announced its rate (calls per second, e.g. x-ratelimit-rate): kept for the channel; written only when it changed. */
export async function learnPlatformRate(db: Db, channel: string, ratePerSecond: number): Promise<boolean> {
  if (!(Number.isFinite(ratePerSecond) && ratePerSecond > 0)) return false;
  const result = await db
    .insertInto('campaign_channel_limits')
    .values({ channel, last_refusal: null, platform_rate: ratePerSecond })
    .onConflict((oc) => oc.column('channel').doUpdateSet({ platform_rate: ratePerSecond }).where('campaign_channel_limits.platform_rate', 'is distinct from', ratePerSecond))
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** The platform refused (429): nobody calls it before `waitMs` from now (a later refusal only extends it). */
export async function refuseUntil(db: Db, channel: string, waitMs: number, detail: string): Promise<void> {
  await db
    .insertInto('campaign_channel_limits')
    .values({ channel, last_refusal: detail, refusals: 1, not_before: sql`now() + make_interval(secs => ${waitMs / 1000}::float8)` })
    .onConflict((oc) =>
      oc.column('channel').doUpdateSet({
        not_before: sql`greatest(campaign_channel_limits.not_before, excluded.not_before)`,
        refusals: sql`campaign_channel_limits.refusals + 1`,
        last_refusal: detail,
      }),
    )
    .execute();
}
