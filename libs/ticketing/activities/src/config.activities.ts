import { matchRule, ticketingConfigSchema, type TicketingActivities } from '@fleet/ticketing-contracts';
import { currentPolicies, openTicketIds, saveConfigVersion } from '@fleet/ticketing-data-access';
import type { TicketingActivityDeps } from './deps';

const DEFAULT_LIFECYCLE = ticketingConfigSchema.parse({ calendars: {}, rules: [] }).lifecycle;

/** The configuration: stored by version, and the rule a ticket follows looked up from the current one. */
export function createConfigActivities({ db, logger }: TicketingActivityDeps): Pick<TicketingActivities, 'saveConfig' | 'resolvePolicy'> {
  return {
    async saveConfig({ config }) {
      // Checked again here: the workflow's validator ran on its own copy of the schema.
      const parsed = ticketingConfigSchema.parse(config);
      const version = await db.transaction().execute((trx) => saveConfigVersion(trx, parsed));
      const tickets = await openTicketIds(db);
      logger.info({ version, rules: parsed.rules.length, openTickets: tickets.length }, 'ticketing configuration saved');
      return { version, tickets };
    },

    async resolvePolicy({ queue, priority }) {
      const { version, rules, calendars, lifecycle } = await currentPolicies(db);
      const rule = matchRule(rules, queue, priority);
      const calendar = rule ? calendars[rule.calendar] : undefined;
      const { calendar: calendarName, ...rest } = rule ?? { calendar: '' };
      return {
        version,
        rule: rule && calendar ? { ...(rest as Omit<typeof rule, 'calendar'>), calendarName, calendar } : null,
        lifecycle: lifecycle ?? DEFAULT_LIFECYCLE,
      };
    },
  };
}
