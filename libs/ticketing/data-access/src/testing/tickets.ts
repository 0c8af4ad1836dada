import type { Kysely } from 'kysely';
import type { TicketingDatabase } from '../schema';

/** A ticket's recorded SLA events, in the order they fired. */
export function readSlaEvents(db: Kysely<TicketingDatabase>, ticketId: string) {
  return db
    .selectFrom('ticketing_sla_events')
    .select(['clock', 'cycle', 'threshold', 'event', 'due_at', 'fired_at'])
    .where('ticket_id', '=', ticketId)
    .orderBy('fired_at')
    .orderBy('clock')
    .orderBy('threshold')
    .execute();
}

export function readEscalations(db: Kysely<TicketingDatabase>, ticketId: string) {
  return db.selectFrom('ticketing_escalations').selectAll().where('ticket_id', '=', ticketId).orderBy('fired_at').orderBy('level').execute();
}

export function readChanges(db: Kysely<TicketingDatabase>, ticketId: string) {
  return db.selectFrom('ticketing_ticket_changes').select(['seq', 'kind', 'data', 'at']).where('ticket_id', '=', ticketId).orderBy('seq').execute();
}

export function readTicketRow(db: Kysely<TicketingDatabase>, ticketId: string) {
  return db.selectFrom('ticketing_tickets').selectAll().where('ticket_id', '=', ticketId).executeTakeFirst();
}
