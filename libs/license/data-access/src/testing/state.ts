import type { Kysely } from 'kysely';
import type { LicenseDatabase } from '../schema';

export interface LicenseState {
  status: string;
  statusReason: string | null;
  portalEnabled: boolean;
  commission: string;
  notifications: string[];
  history: { from: string; to: string; reason: string }[];
}

/** Everything the license domain holds about one agent, for assertions. */
export async function licenseState(db: Kysely<LicenseDatabase>, agentId: string): Promise<LicenseState> {
  const agent = await db
    .selectFrom('agent_profiles as a')
    .innerJoin('portal_access as p', 'p.agent_id', 'a.agent_id')
    .innerJoin('commission_processing as c', 'c.agent_id', 'a.agent_id')
    .select(['a.status', 'a.status_reason', 'p.enabled', 'c.status as commission'])
    .where('a.agent_id', '=', agentId)
    .executeTakeFirstOrThrow();
  const notifications = await db
    .selectFrom('notifications')
    .select('template')
    .where('agent_id', '=', agentId)
    .orderBy('notification_id')
    .execute();
  const history = await db
    .selectFrom('agent_status_history')
    .select(['from_status', 'to_status', 'reason'])
    .where('agent_id', '=', agentId)
    .orderBy('history_id')
    .execute();
  return {
    status: agent.status,
    statusReason: agent.status_reason,
    portalEnabled: agent.enabled,
    commission: agent.commission,
    notifications: notifications.map((n) => n.template),
    history: history.map((h) => ({ from: h.from_status, to: h.to_status, reason: h.reason })),
  };
}
