import { sql, type Kysely } from 'kysely';
import type { CampaignsDatabase } from './schema';

export interface AnalyticsPeriodBounds {
  kind: 'day' | 'week';
  timeZone: string;
  /** First local day of the period. */
  start: string;
  /** The local day after the period's last. */
  end: string;
}

/**
 * Aggregates one period per campaign in one statement and upserts it per (campaign, kind, start).
 * The period is local days [start, end) in the time zone. A campaign gets a row when anything
 * happened to it in the period. A row whose figures are unchanged is not written again (its
 * revision and xmin stay), so a rerun or a repeated backfill changes nothing twice.
 */
export async function upsertCampaignAnalytics(db: Kysely<CampaignsDatabase>, p: AnalyticsPeriodBounds): Promise<{ campaigns: number; written: number }> {
  const from = sql`(${p.start}::date::timestamp at time zone ${p.timeZone})`;
  const to = sql`(${p.end}::date::timestamp at time zone ${p.timeZone})`;
  const inPeriod = (column: string) => sql`(${sql.ref(column)} >= ${from} and ${sql.ref(column)} < ${to})`;
  const result = await sql<{ written: number; campaigns: number }>`
    with figures as (
      select c.campaign_id,
        (select count(*) from campaign_changes ch where ch.campaign_id = c.campaign_id and ${inPeriod('ch.at')})::int as changes,
        count(*) filter (where ${inPeriod('p.published_at')})::int as publications_published,
        count(*) filter (where p.status = 'approved' and ${inPeriod('p.reviewed_at')})::int as publications_approved,
        count(*) filter (where p.status = 'disapproved' and ${inPeriod('p.reviewed_at')})::int as publications_disapproved,
        count(*) filter (where p.status = 'failed' and ${inPeriod('p.updated_at')})::int as publications_failed,
        count(*) filter (where ${inPeriod('p.unpublished_at')})::int as publications_removed
      from campaigns c
      left join campaign_publications p on p.campaign_id = c.campaign_id
      where c.created_at < ${to}
      group by c.campaign_id
    ),
    active as (
      select * from figures
      where changes + publications_published + publications_approved + publications_disapproved + publications_failed + publications_removed > 0
    ),
    written as (
      insert into campaign_analytics as a (campaign_id, period_kind, period_start, period_end, time_zone, changes,
        publications_published, publications_approved, publications_disapproved, publications_failed, publications_removed)
      select campaign_id, ${p.kind}, ${p.start}::date, ${p.end}::date, ${p.timeZone}, changes,
        publications_published, publications_approved, publications_disapproved, publications_failed, publications_removed
      from active
      on conflict (campaign_id, period_kind, period_start) do update set
        period_end = excluded.period_end,
        time_zone = excluded.time_zone,
        changes = excluded.changes,
        publications_published = excluded.publications_published,
        publications_approved = excluded.publications_approved,
        publications_disapproved = excluded.publications_disapproved,
        publications_failed = excluded.publications_failed,
        publications_removed = excluded.publications_removed,
        revision = a.revision + 1,
        computed_at = now()
      where (a.period_end, a.time_zone, a.changes, a.publications_published, a.publications_approved,
             a.publications_disapproved, a.publications_failed, a.publications_removed)
        is distinct from (excluded.period_end, excluded.time_zone, excluded.changes, excluded.publications_published,
             excluded.publications_approved, excluded.publications_disapproved, excluded.publications_failed, excluded.publications_removed)
      returning 1
    )
    select (select count(*) from written)::int as written, (select count(*) from active)::int as campaigns
  `.execute(db);
  const row = result.rows[0];
  return { campaigns: row?.campaigns ?? 0, written: row?.written ?? 0 };
}
