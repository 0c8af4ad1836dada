import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are typed on any schema
export async function up(db: Kysely<any>): Promise<void> {
  // The rate each platform announces (x-ratelimit-rate, calls per second), learned from its answers:
  // the limiter spaces calls at the lower of it and the configured rate, on every worker and after a restart.
  await db.schema.alterTable('campaign_channel_limits').addColumn('platform_rate', 'float8').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are typed on any schema
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('campaign_channel_limits').dropColumn('platform_rate').execute();
}
