import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are typed on any schema
export async function up(db: Kysely<any>): Promise<void> {
  // One row per campaign and period (a local day or ISO week in the schedule's time zone), upserted by the analytics workflow.
  await db.schema
    .createTable('campaign_analytics')
    .addColumn('campaign_id', 'text', (c) => c.notNull().references('campaigns.campaign_id'))
    .addColumn('period_kind', 'text', (c) => c.notNull().check(sql`period_kind in ('day', 'week')`))
    .addColumn('period_start', 'date', (c) => c.notNull())
    .addColumn('period_end', 'date', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('changes', 'integer', (c) => c.notNull())
    .addColumn('publications_published', 'integer', (c) => c.notNull())
    .addColumn('publications_approved', 'integer', (c) => c.notNull())
    .addColumn('publications_disapproved', 'integer', (c) => c.notNull())
    .addColumn('publications_failed', 'integer', (c) => c.notNull())
    .addColumn('publications_removed', 'integer', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('computed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('campaign_analytics_pk', ['campaign_id', 'period_kind', 'period_start'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are typed on any schema
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('campaign_analytics').ifExists().execute();
}
