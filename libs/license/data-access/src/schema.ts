import type { ColumnType, Generated, Insertable, Kysely, Selectable, Transaction } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** DATE columns are read as 'YYYY-MM-DD' strings (see the shared db type parsers). */
type Day = ColumnType<string, string, string>;

export type AgentStatus = 'ACTIVE' | 'SUSPENDED' | 'DEACTIVATED';

export interface AgentProfilesTable {
  agent_id: string;
  full_name: string;
  email: string | null;
  status: ColumnType<AgentStatus, AgentStatus | undefined, AgentStatus>;
  status_reason: string | null;
  status_changed_at: Timestamp | null;
  created_at: Generated<Date>;
}

export interface AgentLicensesTable {
  license_id: string;
  agent_id: string;
  license_number: string;
  renewal_date: Day;
  renewed_at: Timestamp | null;
  created_at: Generated<Date>;
}

export interface PortalAccessTable {
  agent_id: string;
  enabled: Generated<boolean>;
  disabled_reason: string | null;
  updated_at: Generated<Date>;
}

export interface CommissionProcessingTable {
  agent_id: string;
  status: ColumnType<'ACTIVE' | 'STOPPED', 'ACTIVE' | 'STOPPED' | undefined, 'ACTIVE' | 'STOPPED'>;
  stop_reason: string | null;
  updated_at: Generated<Date>;
}

export interface NotificationsTable {
  notification_id: Generated<number>;
  /** Unique: queuing the same notification twice is a no-op. */
  idempotency_key: string;
  agent_id: string;
  template: string;
  payload: ColumnType<Record<string, unknown>, string, string>;
  status: Generated<'QUEUED' | 'SENT' | 'FAILED'>;
  created_at: Generated<Date>;
}

export interface AgentStatusHistoryTable {
  history_id: Generated<number>;
  agent_id: string;
  from_status: string;
  to_status: string;
  reason: string;
  batch_id: string | null;
  /** What the change found, so a reversal restores exactly that. */
  portal_was_enabled: boolean | null;
  commission_was_active: boolean | null;
  changed_at: Generated<Date>;
}

export interface BatchOperationsTable {
  batch_id: string;
  operation: string;
  batch_date: Day;
  dry_run: boolean;
  status: 'RUNNING' | 'COMPLETED';
  summary: ColumnType<Record<string, unknown> | null, string | null, string | null>;
  failed_pages: ColumnType<unknown[], string | undefined, string>;
  started_at: Timestamp;
  finished_at: Timestamp | null;
}

export interface LicenseBatchPagesTable {
  batch_id: string;
  page_no: number;
  result: ColumnType<Record<string, number>, string, string>;
  created_at: Generated<Date>;
}

export interface LicenseDatabase {
  agent_profiles: AgentProfilesTable;
  agent_licenses: AgentLicensesTable;
  portal_access: PortalAccessTable;
  commission_processing: CommissionProcessingTable;
  notifications: NotificationsTable;
  agent_status_history: AgentStatusHistoryTable;
  batch_operations: BatchOperationsTable;
  license_batch_pages: LicenseBatchPagesTable;
}

export type AgentProfile = Selectable<AgentProfilesTable>;
export type NewAgentProfile = Insertable<AgentProfilesTable>;
export type AgentLicense = Selectable<AgentLicensesTable>;
export type NewAgentLicense = Insertable<AgentLicensesTable>;
export type Notification = Selectable<NotificationsTable>;
export type AgentStatusHistory = Selectable<AgentStatusHistoryTable>;
export type BatchOperation = Selectable<BatchOperationsTable>;

/** What a repository function runs on: the database, or a transaction an activity opened. */
export type LicenseDb = Kysely<LicenseDatabase> | Transaction<LicenseDatabase>;
/** A transaction an activity opened: repository functions of several statements that must commit together take this. */
export type LicenseTransaction = Transaction<LicenseDatabase>;
