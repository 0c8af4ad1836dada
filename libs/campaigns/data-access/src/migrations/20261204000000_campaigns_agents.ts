import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are typed on any schema
export async function up(db: Kysely<any>): Promise<void> {
  // One row per agent call (each activity attempt): what it cost and how it ended.
  await db.schema
    .createTable('campaign_agent_runs')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('workflow_id', 'text', (c) => c.notNull())
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('workflow_type', 'text', (c) => c.notNull())
    .addColumn('activity_id', 'text', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('agent', 'text', (c) => c.notNull())
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('prompt_tokens', 'integer', (c) => c.notNull())
    .addColumn('completion_tokens', 'integer', (c) => c.notNull())
    .addColumn('latency_ms', 'integer', (c) => c.notNull())
    .addColumn('cost_usd', 'numeric', (c) => c.notNull())
    .addColumn('llm_attempts', 'integer', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('campaign_agent_runs_workflow').on('campaign_agent_runs').columns(['workflow_id', 'started_at']).execute();
  await db.schema
    .createTable('campaign_reports')
    .addColumn('report_id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('domain', 'text', (c) => c.notNull())
    .addColumn('markdown', 'text', (c) => c.notNull())
    .addColumn('json', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('campaign_reports_domain').on('campaign_reports').columns(['domain', 'created_at']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are typed on any schema
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('campaign_reports').ifExists().execute();
  await db.schema.dropTable('campaign_agent_runs').ifExists().execute();
}
