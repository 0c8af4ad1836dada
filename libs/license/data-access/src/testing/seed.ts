import { sql, type Kysely } from 'kysely';
import type { IsoDate } from '@fleet/license-contracts';
import type { AgentStatus, LicenseDatabase } from '../schema';

/** A run of agents `${prefix}${n}` (n zero-padded to 8 digits), each with one license. */
export interface AgentSeed {
  prefix: string;
  /** First number of the run. Default 0. */
  from?: number;
  count: number;
  renewalDate: IsoDate;
  status?: AgentStatus;
  statusReason?: string | null;
  portalEnabled?: boolean;
  commissionActive?: boolean;
}

/** Seeds agents with generate_series, so a million rows take seconds, not minutes. */
export async function seedAgents(db: Kysely<LicenseDatabase>, seed: AgentSeed): Promise<void> {
  const from = seed.from ?? 0;
  const to = from + seed.count - 1;
  const id = sql`${seed.prefix} || lpad(i::text, 8, '0')`;
  const range = sql`generate_series(${from}::int, ${to}::int) AS i`;
  await sql`
    INSERT INTO agent_profiles (agent_id, full_name, email, status, status_reason)
    SELECT ${id}, 'Agent ' || ${id}, lower(${id}) || '@agents.example', ${seed.status ?? 'ACTIVE'}, ${seed.statusReason ?? null}
    FROM ${range}`.execute(db);
  await sql`
    INSERT INTO agent_licenses (license_id, agent_id, license_number, renewal_date)
    SELECT 'LIC-' || ${id}, ${id}, 'IRDAI-' || ${id}, ${seed.renewalDate}::date FROM ${range}`.execute(db);
  await sql`
    INSERT INTO portal_access (agent_id, enabled) SELECT ${id}, ${seed.portalEnabled ?? true} FROM ${range}`.execute(db);
  await sql`
    INSERT INTO commission_processing (agent_id, status)
    SELECT ${id}, ${seed.commissionActive === false ? 'STOPPED' : 'ACTIVE'} FROM ${range}`.execute(db);
}

/** The id `seedAgents` gives the n-th agent of a run. */
export function agentId(prefix: string, n: number): string {
  return `${prefix}${String(n).padStart(8, '0')}`;
}
