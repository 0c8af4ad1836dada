import type { TicketChange, TicketView } from '@fleet/ticketing-contracts';
import type { Kysely, Transaction } from 'kysely';
import type { TicketingDatabase } from './schema';

type Db = Kysely<TicketingDatabase> | Transaction<TicketingDatabase>;

/**
 * Inserts the changes not recorded yet and answers those it inserted: (ticket, seq) is the key, so a
 * retried batch inserts nothing twice and the caller writes side rows and events for new ones only.
 */
export async function insertChanges(db: Db, ticketId: string, changes: readonly TicketChange[]): Promise<TicketChange[]> {
  if (!changes.length) return [];
  const inserted = await db
    .insertInto('ticketing_ticket_changes')
    .values(changes.map((c) => ({ ticket_id: ticketId, seq: c.seq, kind: c.kind, data: JSON.stringify(c), at: c.at })))
    .onConflict((oc) => oc.columns(['ticket_id', 'seq']).doNothing())
    .returning('seq')
    .execute();
  const fresh = new Set(inserted.map((r) => r.seq));
  return changes.filter((c) => fresh.has(c.seq));
}

/** Writes the ticket's row as of `seq`, unless a later change was recorded already. */
export async function upsertTicket(db: Db, view: TicketView): Promise<void> {
  const row = {
    ticket_id: view.ticketId,
    queue: view.queue,
    priority: view.priority,
    state: view.state,
    subject: view.subject,
    customer_id: view.customer.id,
    customer_email: view.customer.email ?? null,
    assignee: view.assignee,
    policy_id: view.policyId,
    pending_until: view.pendingUntil,
    resolved_at: view.resolvedAt,
    closed_at: view.closedAt,
    created_at: view.createdAt,
    updated_at: view.updatedAt,
    seq: view.version,
    view: JSON.stringify(view),
  };
  await db
    .insertInto('ticketing_tickets')
    .values(row)
    .onConflict((oc) =>
      oc
        .column('ticket_id')
        .doUpdateSet((eb) => ({
          queue: eb.ref('excluded.queue'),
          priority: eb.ref('excluded.priority'),
          state: eb.ref('excluded.state'),
          assignee: eb.ref('excluded.assignee'),
          policy_id: eb.ref('excluded.policy_id'),
          pending_until: eb.ref('excluded.pending_until'),
          resolved_at: eb.ref('excluded.resolved_at'),
          closed_at: eb.ref('excluded.closed_at'),
          updated_at: eb.ref('excluded.updated_at'),
          seq: eb.ref('excluded.seq'),
          view: eb.ref('excluded.view'),
        }))
        .whereRef('ticketing_tickets.seq', '<', 'excluded.seq'),
    )
    .execute();
}

/** The side rows of newly recorded changes: articles, SLA cycles and events, escalations. Each is keyed so a repeat writes nothing. */
export async function insertChangeDetails(db: Db, ticketId: string, changes: readonly TicketChange[]): Promise<void> {
  for (const c of changes) {
    switch (c.kind) {
      case 'article':
        await db
          .insertInto('ticketing_articles')
          .values({ ticket_id: ticketId, article_id: c.article.articleId, author: c.article.author, author_id: c.article.authorId, body: c.article.body, internal: c.article.internal, created_at: c.at })
          .onConflict((oc) => oc.columns(['ticket_id', 'article_id']).doNothing())
          .execute();
        break;
      case 'sla-cycle':
        await db
          .insertInto('ticketing_sla_cycles')
          .values({ ticket_id: ticketId, clock: c.clock, cycle: c.cycle, policy_id: c.policyId, target_ms: c.targetMs, started_at: c.at })
          .onConflict((oc) => oc.columns(['ticket_id', 'clock', 'cycle']).doUpdateSet({ policy_id: c.policyId, target_ms: c.targetMs }))
          .execute();
        break;
      case 'sla':
        await db
          .insertInto('ticketing_sla_events')
          .values({ ticket_id: ticketId, clock: c.clock, cycle: c.cycle, threshold: c.threshold, event: c.event, policy_id: c.policyId, due_at: c.dueAt, fired_at: c.at })
          .onConflict((oc) => oc.columns(['ticket_id', 'clock', 'cycle', 'threshold']).doNothing())
          .execute();
        if (c.event === 'met' || c.event === 'stopped') {
          await db
            .updateTable('ticketing_sla_cycles')
            .set({ ended_at: c.at, outcome: c.event === 'met' ? (c.breached ? 'met-late' : 'met') : 'stopped' })
            .where('ticket_id', '=', ticketId)
            .where('clock', '=', c.clock)
            .where('cycle', '=', c.cycle)
            .execute();
        }
        break;
      case 'escalation':
        await db
          .insertInto('ticketing_escalations')
          .values({ ticket_id: ticketId, clock: c.clock, cycle: c.cycle, level: c.level, notified: c.notified, reassigned_to: c.reassignedTo, fired_at: c.at })
          .onConflict((oc) => oc.columns(['ticket_id', 'clock', 'cycle', 'level']).doNothing())
          .execute();
        break;
      default:
        break;
    }
  }
}

/** Tickets not closed: the ones a configuration change may concern. */
export async function openTicketIds(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('ticketing_tickets').select('ticket_id').where('state', '<>', 'closed').orderBy('ticket_id').execute();
  return rows.map((r) => r.ticket_id);
}
