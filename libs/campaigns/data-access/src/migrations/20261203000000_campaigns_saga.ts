import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are typed on any schema
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('campaigns_samples').ifExists().execute();
  await db.schema
    .createTable('campaigns')
    // The id comes from the record: generated here, once, for the idempotency key.
    .addColumn('campaign_id', 'text', (c) => c.primaryKey().defaultTo(sql`'cmp_' || replace(gen_random_uuid()::text, '-', '')`))
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('workflow_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('budget_total', 'numeric', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('partial_failure', 'text', (c) => c.notNull())
    .addColumn('input', 'jsonb', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('draft'))
    .addColumn('seq', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('view', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('campaign_changes')
    .addColumn('campaign_id', 'text', (c) => c.notNull().references('campaigns.campaign_id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('data', 'jsonb', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('campaign_changes_pk', ['campaign_id', 'seq'])
    .execute();
  await db.schema
    .createTable('campaign_contents')
    .addColumn('campaign_id', 'text', (c) => c.notNull().references('campaigns.campaign_id'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('creative', 'integer', (c) => c.notNull())
    .addColumn('content', 'jsonb', (c) => c.notNull())
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('generated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('campaign_contents_pk', ['campaign_id', 'channel', 'creative'])
    .execute();
  await db.schema
    .createTable('campaign_publications')
    .addColumn('reference', 'text', (c) => c.primaryKey())
    .addColumn('campaign_id', 'text', (c) => c.notNull().references('campaigns.campaign_id'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('creative', 'integer', (c) => c.notNull())
    .addColumn('external_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('feedback', 'text')
    .addColumn('published_at', 'timestamptz')
    .addColumn('reviewed_at', 'timestamptz')
    .addColumn('unpublished_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // Each channel's limiter, shared by every worker and kept across restarts: the next free call
  // slot (calls spaced by the quota) and the time the platform told us to wait until (429).
  await db.schema
    .createTable('campaign_channel_limits')
    .addColumn('channel', 'text', (c) => c.primaryKey())
    .addColumn('next_slot', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('not_before', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('refusals', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_refusal', 'text')
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['campaign_channel_limits', 'campaign_publications', 'campaign_contents', 'campaign_changes', 'campaigns']) await db.schema.dropTable(table).execute();
}
