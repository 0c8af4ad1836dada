import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { Calendar } from '@fleet/ticketing-business-time';
import type { SlaRule, TicketChange, TicketingConfig, TicketView } from '@fleet/ticketing-contracts';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface TicketsTable {
  ticket_id: string;
  queue: string;
  priority: string;
  state: string;
  subject: string;
  customer_id: string;
  customer_email: string | null;
  assignee: string | null;
  policy_id: string | null;
  pending_until: NullableTimestamp;
  resolved_at: NullableTimestamp;
  closed_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
  seq: number;
  view: JSONColumnType<TicketView>;
}

export interface TicketChangesTable {
  ticket_id: string;
  seq: number;
  kind: TicketChange['kind'];
  data: JSONColumnType<TicketChange>;
  at: Timestamp;
  recorded_at: Generated<Date>;
}

export interface ArticlesTable {
  ticket_id: string;
  article_id: string;
  author: 'customer' | 'agent';
  author_id: string;
  body: string;
  internal: boolean;
  created_at: Timestamp;
}

export interface SlaCyclesTable {
  ticket_id: string;
  clock: string;
  cycle: number;
  policy_id: string | null;
  /** bigint: pg returns it as a string. */
  target_ms: ColumnType<string, number | string, number | string>;
  started_at: Timestamp;
  ended_at: NullableTimestamp;
  outcome: string | null;
}

export interface SlaEventsTable {
  ticket_id: string;
  clock: string;
  cycle: number;
  threshold: string;
  event: 'warning' | 'breached' | 'met' | 'stopped';
  policy_id: string | null;
  due_at: Timestamp;
  fired_at: Timestamp;
  recorded_at: Generated<Date>;
}

export interface EscalationsTable {
  ticket_id: string;
  clock: string;
  cycle: number;
  level: number;
  notified: string;
  reassigned_to: string | null;
  fired_at: Timestamp;
}

export interface ConfigVersionsTable {
  version: number;
  config: JSONColumnType<TicketingConfig>;
  created_at: Generated<Date>;
}

export interface CalendarsTable {
  name: string;
  calendar: JSONColumnType<Calendar>;
  version: number;
}

export interface SlaPoliciesTable {
  policy_id: string;
  position: number;
  enabled: boolean;
  rule: JSONColumnType<SlaRule>;
  version: number;
}

export interface AgentsTable {
  agent_id: string;
  email: string | null;
  phone: string | null;
  push_token: string | null;
  calendar_name: string | null;
  version: number;
}

export interface NotificationsTable {
  notification_id: string;
  ticket_id: string;
  agent_id: string;
  kind: string;
  subject: string;
  body: string;
  message_id: string;
  status: 'pending' | 'deferred' | 'delivered' | 'undeliverable';
  channel: string | null;
  not_before: NullableTimestamp;
  created_at: Generated<Date>;
  delivered_at: NullableTimestamp;
}

export interface NotificationAttemptsTable {
  attempt_id: Generated<string>;
  notification_id: string;
  channel: string;
  outcome: 'sending' | 'delivered' | 'refused' | 'failed' | 'skipped';
  detail: Generated<string>;
  started_at: Generated<Date>;
  finished_at: NullableTimestamp;
}

export interface InAppNotificationsTable {
  notification_id: string;
  agent_id: string;
  subject: string;
  body: string;
  created_at: Generated<Date>;
  read_at: NullableTimestamp;
}

/** The ticketing-worker's database (its own). */
export interface TicketingDatabase {
  ticketing_tickets: TicketsTable;
  ticketing_ticket_changes: TicketChangesTable;
  ticketing_articles: ArticlesTable;
  ticketing_sla_cycles: SlaCyclesTable;
  ticketing_sla_events: SlaEventsTable;
  ticketing_escalations: EscalationsTable;
  ticketing_config_versions: ConfigVersionsTable;
  ticketing_calendars: CalendarsTable;
  ticketing_sla_policies: SlaPoliciesTable;
  ticketing_agents: AgentsTable;
  ticketing_notifications: NotificationsTable;
  ticketing_notification_attempts: NotificationAttemptsTable;
  ticketing_in_app_notifications: InAppNotificationsTable;
}
