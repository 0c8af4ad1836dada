import type { Calendar } from '@fleet/ticketing-business-time';
import type { SlaRule, TicketingConfig } from '@fleet/ticketing-contracts';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { TicketingDatabase } from './schema';

type Db = Kysely<TicketingDatabase> | Transaction<TicketingDatabase>;

/**
 * Stores a configuration as the next version and makes its calendars, rules and agents the current
 * ones. Serialised by a transaction-scoped advisory lock, so two saves never take the same version.
 */
export async function saveConfigVersion(trx: Transaction<TicketingDatabase>, config: TicketingConfig): Promise<number> {
  await sql`select pg_advisory_xact_lock(hashtext('ticketing_config'))`.execute(trx);
  const latest = await trx.selectFrom('ticketing_config_versions').select((eb) => eb.fn.max('version').as('version')).executeTakeFirst();
  const version = (latest?.version ?? 0) + 1;
  await trx.insertInto('ticketing_config_versions').values({ version, config: JSON.stringify(config) }).execute();
  await trx.deleteFrom('ticketing_calendars').execute();
  await trx.deleteFrom('ticketing_sla_policies').execute();
  await trx.deleteFrom('ticketing_agents').execute();
  const calendars = Object.entries(config.calendars);
  if (calendars.length) await trx.insertInto('ticketing_calendars').values(calendars.map(([name, calendar]) => ({ name, calendar: JSON.stringify(calendar), version }))).execute();
  if (config.rules.length)
    await trx
      .insertInto('ticketing_sla_policies')
      .values(config.rules.map((rule, position) => ({ policy_id: rule.id, position, enabled: rule.enabled, rule: JSON.stringify(rule), version })))
      .execute();
  const agents = Object.entries(config.agents);
  if (agents.length)
    await trx
      .insertInto('ticketing_agents')
      .values(agents.map(([agentId, a]) => ({ agent_id: agentId, email: a.email ?? null, phone: a.phone ?? null, push_token: a.pushToken ?? null, calendar_name: a.calendar ?? null, version })))
      .execute();
  return version;
}

/** The current configuration's rules in order, its calendars and lifecycle waits; version 0 and no rules before the first. */
export async function currentPolicies(db: Db): Promise<{ version: number; rules: SlaRule[]; calendars: Record<string, Calendar>; lifecycle: TicketingConfig['lifecycle'] | null }> {
  const latest = await db.selectFrom('ticketing_config_versions').select(['version', 'config']).orderBy('version', 'desc').limit(1).executeTakeFirst();
  if (!latest) return { version: 0, rules: [], calendars: {}, lifecycle: null };
  return { version: latest.version, rules: latest.config.rules, calendars: latest.config.calendars, lifecycle: latest.config.lifecycle };
}
