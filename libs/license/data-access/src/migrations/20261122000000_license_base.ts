import { sql, type Kysely } from 'kysely';

// Agent ids compare byte-wise: keyset pages are stable and cheaper than with a linguistic collation.
const agentIdType = sql`text COLLATE "C"`;

// Migrations are typed Kysely<any>: they describe the schema as it was then, not as it is now.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('agent_profiles')
    .addColumn('agent_id', agentIdType, (c) => c.primaryKey())
    .addColumn('full_name', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('ACTIVE').check(sql`status IN ('ACTIVE', 'SUSPENDED', 'DEACTIVATED')`),
    )
    .addColumn('status_reason', 'text')
    .addColumn('status_changed_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // The daily check walks agents not yet deactivated in id order; this index holds only those.
  await sql`CREATE INDEX agent_profiles_not_deactivated_idx ON agent_profiles (agent_id) WHERE status <> 'DEACTIVATED'`.execute(db);

  await db.schema
    .createTable('agent_licenses')
    .addColumn('license_id', 'text', (c) => c.primaryKey())
    .addColumn('agent_id', agentIdType, (c) => c.notNull().references('agent_profiles.agent_id'))
    .addColumn('license_number', 'text', (c) => c.notNull())
    .addColumn('renewal_date', 'date', (c) => c.notNull())
    .addColumn('renewed_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('agent_licenses_agent_renewal_idx').on('agent_licenses').columns(['agent_id', 'renewal_date']).execute();
  await db.schema.createIndex('agent_licenses_renewal_idx').on('agent_licenses').columns(['renewal_date', 'license_id']).execute();

  await db.schema
    .createTable('portal_access')
    .addColumn('agent_id', agentIdType, (c) => c.primaryKey().references('agent_profiles.agent_id'))
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('disabled_reason', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('commission_processing')
    .addColumn('agent_id', agentIdType, (c) => c.primaryKey().references('agent_profiles.agent_id'))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('ACTIVE').check(sql`status IN ('ACTIVE', 'STOPPED')`))
    .addColumn('stop_reason', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // Append-only logs: no foreign keys, so a batch's inserts cost no lookups.
  await db.schema
    .createTable('notifications')
    .addColumn('notification_id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('agent_id', agentIdType, (c) => c.notNull())
    .addColumn('template', 'text', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('QUEUED'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('agent_status_history')
    .addColumn('history_id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('agent_id', agentIdType, (c) => c.notNull())
    .addColumn('from_status', 'text', (c) => c.notNull())
    .addColumn('to_status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('batch_id', 'text')
    .addColumn('portal_was_enabled', 'boolean')
    .addColumn('commission_was_active', 'boolean')
    .addColumn('changed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('agent_status_history_agent_idx').on('agent_status_history').columns(['agent_id', 'history_id']).execute();

  await db.schema
    .createTable('batch_operations')
    .addColumn('batch_id', 'text', (c) => c.primaryKey())
    .addColumn('operation', 'text', (c) => c.notNull())
    .addColumn('batch_date', 'date', (c) => c.notNull())
    .addColumn('dry_run', 'boolean', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('summary', 'jsonb')
    .addColumn('failed_pages', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz')
    .execute();

  // One row per applied page: a retried page returns what it did the first time.
  await db.schema
    .createTable('license_batch_pages')
    .addColumn('batch_id', 'text', (c) => c.notNull())
    .addColumn('page_no', 'integer', (c) => c.notNull())
    .addColumn('result', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('license_batch_pages_pk', ['batch_id', 'page_no'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'license_batch_pages',
    'batch_operations',
    'agent_status_history',
    'notifications',
    'commission_processing',
    'portal_access',
    'agent_licenses',
    'agent_profiles',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
