import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are typed on any schema
export async function up(db: Kysely<any>): Promise<void> {
  // The decisions of a running campaign's monitor, one row each: (campaign, pass, channel, action)
  // is the key, so a retried recording inserts nothing twice (and publishes its event once).
  await db.schema
    .createTable('campaign_optimization_decisions')
    .addColumn('campaign_id', 'text', (c) => c.notNull().references('campaigns.campaign_id'))
    .addColumn('pass', 'integer', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull().check(sql`action in ('pause_channel', 'move_budget')`))
    .addColumn('to_channel', 'text')
    .addColumn('amount', 'numeric')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('impressions', 'bigint', (c) => c.notNull())
    .addColumn('clicks', 'bigint', (c) => c.notNull())
    // The campaign change that carried it (campaign_changes.seq).
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('decided_at', 'timestamptz', (c) => c.notNull())
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('campaign_optimization_decisions_pk', ['campaign_id', 'pass', 'channel', 'action'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are typed on any schema
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('campaign_optimization_decisions').ifExists().execute();
}
