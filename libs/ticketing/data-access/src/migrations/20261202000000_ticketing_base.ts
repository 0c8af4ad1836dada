import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are typed on any schema
export async function up(db: Kysely<any>): Promise<void> {
  const now = sql`now()`;
  // The read model of each ticket: its row as of its latest recorded change (`seq`).
  await db.schema
    .createTable('ticketing_tickets')
    .addColumn('ticket_id', 'text', (c) => c.primaryKey())
    .addColumn('queue', 'text', (c) => c.notNull())
    .addColumn('priority', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('customer_email', 'text')
    .addColumn('assignee', 'text')
    .addColumn('policy_id', 'text')
    .addColumn('pending_until', 'timestamptz')
    .addColumn('resolved_at', 'timestamptz')
    .addColumn('closed_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('view', 'jsonb', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('ticketing_tickets_open_by_queue').on('ticketing_tickets').columns(['queue', 'state']).where(sql.ref('state'), '<>', 'closed').execute();

  // Every change, keyed by the ticket's own sequence: a retried record writes nothing twice.
  await db.schema
    .createTable('ticketing_ticket_changes')
    .addColumn('ticket_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('data', 'jsonb', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('ticketing_ticket_changes_pk', ['ticket_id', 'seq'])
    .execute();

  await db.schema
    .createTable('ticketing_articles')
    .addColumn('ticket_id', 'text', (c) => c.notNull())
    .addColumn('article_id', 'text', (c) => c.notNull())
    .addColumn('author', 'text', (c) => c.notNull().check(sql`author in ('customer', 'agent')`))
    .addColumn('author_id', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('internal', 'boolean', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('ticketing_articles_pk', ['ticket_id', 'article_id'])
    .execute();

  // Every SLA cycle (a clock's run from start to met or stopped) and its events.
  await db.schema
    .createTable('ticketing_sla_cycles')
    .addColumn('ticket_id', 'text', (c) => c.notNull())
    .addColumn('clock', 'text', (c) => c.notNull())
    .addColumn('cycle', 'integer', (c) => c.notNull())
    .addColumn('policy_id', 'text')
    .addColumn('target_ms', 'bigint', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ended_at', 'timestamptz')
    .addColumn('outcome', 'text')
    .addPrimaryKeyConstraint('ticketing_sla_cycles_pk', ['ticket_id', 'clock', 'cycle'])
    .execute();
  // Exactly once per ticket, clock, cycle and threshold.
  await db.schema
    .createTable('ticketing_sla_events')
    .addColumn('ticket_id', 'text', (c) => c.notNull())
    .addColumn('clock', 'text', (c) => c.notNull())
    .addColumn('cycle', 'integer', (c) => c.notNull())
    .addColumn('threshold', 'text', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull().check(sql`event in ('warning', 'breached', 'met', 'stopped')`))
    .addColumn('policy_id', 'text')
    .addColumn('due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('fired_at', 'timestamptz', (c) => c.notNull())
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('ticketing_sla_events_pk', ['ticket_id', 'clock', 'cycle', 'threshold'])
    .execute();
  await db.schema
    .createTable('ticketing_escalations')
    .addColumn('ticket_id', 'text', (c) => c.notNull())
    .addColumn('clock', 'text', (c) => c.notNull())
    .addColumn('cycle', 'integer', (c) => c.notNull())
    .addColumn('level', 'integer', (c) => c.notNull())
    .addColumn('notified', 'text', (c) => c.notNull())
    .addColumn('reassigned_to', 'text')
    .addColumn('fired_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('ticketing_escalations_pk', ['ticket_id', 'clock', 'cycle', 'level'])
    .execute();

  // The configuration, versioned: calendars, SLA rules in order, agents.
  await db.schema
    .createTable('ticketing_config_versions')
    .addColumn('version', 'integer', (c) => c.primaryKey())
    .addColumn('config', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema
    .createTable('ticketing_calendars')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('calendar', 'jsonb', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('ticketing_sla_policies')
    .addColumn('policy_id', 'text', (c) => c.primaryKey())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('enabled', 'boolean', (c) => c.notNull())
    .addColumn('rule', 'jsonb', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('ticketing_agents')
    .addColumn('agent_id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text')
    .addColumn('phone', 'text')
    .addColumn('push_token', 'text')
    .addColumn('calendar_name', 'text')
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();

  // Notifications: recorded before they are sent, with their Message-ID; every attempt logged.
  await db.schema
    .createTable('ticketing_notifications')
    .addColumn('notification_id', 'text', (c) => c.primaryKey())
    .addColumn('ticket_id', 'text', (c) => c.notNull())
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull().unique())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'deferred', 'delivered', 'undeliverable')`))
    .addColumn('channel', 'text')
    .addColumn('not_before', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('delivered_at', 'timestamptz')
    .execute();
  await db.schema
    .createTable('ticketing_notification_attempts')
    .addColumn('attempt_id', 'bigserial', (c) => c.primaryKey())
    .addColumn('notification_id', 'text', (c) => c.notNull().references('ticketing_notifications.notification_id'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull().check(sql`outcome in ('sending', 'delivered', 'refused', 'failed', 'skipped')`))
    .addColumn('detail', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('started_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('finished_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('ticketing_notification_attempts_by_notification').on('ticketing_notification_attempts').column('notification_id').execute();
  await db.schema
    .createTable('ticketing_in_app_notifications')
    .addColumn('notification_id', 'text', (c) => c.primaryKey())
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('read_at', 'timestamptz')
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'ticketing_in_app_notifications',
    'ticketing_notification_attempts',
    'ticketing_notifications',
    'ticketing_agents',
    'ticketing_sla_policies',
    'ticketing_calendars',
    'ticketing_config_versions',
    'ticketing_escalations',
    'ticketing_sla_events',
    'ticketing_sla_cycles',
    'ticketing_articles',
    'ticketing_ticket_changes',
    'ticketing_tickets',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
