import type { ColumnType, Generated, Kysely, Transaction } from 'kysely';

/** The vsync tables as kysely sees them (see migrations/ for constraints and why). */
export interface VsyncDatabase {
  dict_entries: {
    key_type: string;
    key: string;
    request_id: string;
    cid: Buffer;
    owner_tax_id_number: string;
    owner_name: string;
    owner_trade_name: string;
    participant: string;
    branch: string;
    account_number: string;
    account_type: string;
    updated_at: Generated<Date>;
  };
  dict_cids: { cid: Buffer; key_type: string; key: string; request_id: string; created_at: Generated<Date> };
  vsync_state: { key_type: string; vsync: string; entries: number; updated_at: Generated<Date> };
  vsync_verifications: {
    id: Generated<number>;
    key_type: string;
    vsync: string;
    entries: number;
    result: 'OK' | 'NOK';
    dict_verification_id: string;
    requested_by: string;
    verified_at: Generated<Date>;
  };
  vsync_verification_runs: { run_id: string; day: string; summary: ColumnType<unknown, string, string>; finished_at: Generated<Date> };
  vsync_reconciliations: {
    reconciliation_id: string;
    key_type: string;
    day: string;
    triggered_by: string | null;
    phase: string;
    active: Generated<boolean>;
    outcome: string | null;
    result: ColumnType<unknown, string | null, string | null>;
    timings: ColumnType<Record<string, number>, string | undefined, string>;
    notified: Generated<string[]>;
    started_at: Generated<Date>;
    finished_at: Date | null;
  };
  vsync_cid_staging: { reconciliation_id: string; cid: string };
  vsync_divergences: { reconciliation_id: string; cid: Buffer; kind: 'only_in_dict' | 'only_local'; key: string | null; applied_at: Date | null; outcome: string | null };
  vsync_corrections: { id: Generated<number>; reconciliation_id: string; cid: Buffer; action: string; key: string | null; applied_at: Generated<Date> };
}

/** What a repository function runs on: the database, or a transaction an activity opened. */
export type VsyncDb = Kysely<VsyncDatabase> | Transaction<VsyncDatabase>;
/** A transaction an activity opened: repository functions of several statements that must commit together take this. */
export type VsyncTransaction = Transaction<VsyncDatabase>;
