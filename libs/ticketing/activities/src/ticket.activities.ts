import { ticketingEvents, type TicketChange, type TicketingActivities } from '@fleet/ticketing-contracts';
import { insertChangeDetails, insertChanges, upsertTicket, type TicketingDatabase } from '@fleet/ticketing-data-access';
import type { Outbox } from '@fleet/shared-events';
import type { Transaction } from 'kysely';
import type { TicketingActivityDeps } from './deps';

/** Recording a ticket's changes: the row, the history, the side tables and the events, in one transaction. */
export function createTicketActivities({ db, outbox, logger }: TicketingActivityDeps): Pick<TicketingActivities, 'recordTicketChanges'> {
  return {
    async recordTicketChanges({ ticket, changes }) {
      const fresh = await db.transaction().execute(async (trx) => {
        const inserted = await insertChanges(trx, ticket.ticketId, changes);
        await upsertTicket(trx, ticket);
        await insertChangeDetails(trx, ticket.ticketId, inserted);
        await appendEvents(trx, outbox, ticket.ticketId, inserted);
        return inserted.length;
      });
      logger.debug({ ticketId: ticket.ticketId, changes: changes.length, fresh }, 'ticket changes recorded');
    },
  };
}

/** The event of each newly recorded change that has one. */
async function appendEvents(trx: Transaction<TicketingDatabase>, outbox: Outbox, ticketId: string, changes: readonly TicketChange[]): Promise<void> {
  const e = ticketingEvents;
  for (const c of changes) {
    const time = new Date(c.at);
    const one = <D>(data: D) => [{ subject: ticketId, data, time }];
    switch (c.kind) {
      case 'created':
        await outbox.append(trx, e.ticketCreated, one({ ticketId, queue: c.input.queue, priority: c.input.priority, customerId: c.input.customer.id, createdAt: c.at }));
        break;
      case 'state':
        await outbox.append(trx, e.stateChanged, one({ ticketId, from: c.from, to: c.to, at: c.at }));
        break;
      case 'assigned':
        await outbox.append(trx, e.assigned, one({ ticketId, from: c.from, to: c.to, by: c.by, at: c.at }));
        break;
      case 'priority':
        await outbox.append(trx, e.priorityChanged, one({ ticketId, from: c.from, to: c.to, at: c.at }));
        break;
      case 'queue':
        await outbox.append(trx, e.queueChanged, one({ ticketId, from: c.from, to: c.to, at: c.at }));
        break;
      case 'sla': {
        const data = { ticketId, clock: c.clock, cycle: c.cycle, threshold: c.threshold, dueAt: c.dueAt, firedAt: c.at, policyId: c.policyId };
        if (c.event === 'warning') await outbox.append(trx, e.slaWarning, one(data));
        else if (c.event === 'breached') await outbox.append(trx, e.slaBreached, one(data));
        else if (c.event === 'met') await outbox.append(trx, e.slaMet, one({ ...data, breached: c.breached }));
        break;
      }
      case 'escalation':
        await outbox.append(trx, e.escalated, one({ ticketId, clock: c.clock, cycle: c.cycle, level: c.level, notified: c.notified, reassignedTo: c.reassignedTo, firedAt: c.at }));
        break;
      default:
        break;
    }
  }
}
