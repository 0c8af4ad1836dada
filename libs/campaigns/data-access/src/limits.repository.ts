import { sql, type Kysely, type Transaction } from 'kysely';
import type { CampaignsDatabase } from './schema';

type Db = Kysely<CampaignsDatabase> | Transaction<CampaignsDatabase>;

/**
 * Takes the channel's next call slot: calls are spaced `spacingMs` apart, never before the
 * platform's "not before". Answers how long to wait for the slot, and how long the platform's
 * refusal still holds; both on the database's clock, shared by every worker.
 */
export async function reserveSlot(db: Db, channel: string, spacingMs: number): Promise<{ waitMs: number; blockedMs: number }> {
  await db.insertInto('campaign_channel_limits').values({ channel, last_refusal: null }).onConflict((oc) => oc.column('channel').doNothing()).execute();
  const blocked = await blockedFor(db, channel);
  if (blocked > 0) return { waitMs: 0, blockedMs: blocked };
  const row = await db
    .updateTable('campaign_channel_limits')
    .set({ next_slot: sql`greatest(next_slot, not_before, now()) + make_interval(secs => ${spacingMs / 1000}::float8)` })
    .where('channel', '=', channel)
    .returning(sql<number>`(extract(epoch from (next_slot - now())) * 1000 - ${spacingMs}::float8)::float8`.as('wait_ms'))
    .executeTakeFirstOrThrow();
  return { waitMs: Math.max(0, Number(row.wait_ms)), blockedMs: 0 };
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
