import { sql } from 'kysely';
import {
  LICENSE_EXPIRED_REASON,
  LICENSE_RENEWED_REASON,
  type DeactivatePageInput,
  type DeactivatePageResult,
  type ExpiredPage,
  type ExpiryPreview,
  type IsoDate,
} from '@fleet/license-contracts';
import type { LicenseDb, LicenseTransaction } from './schema';

// Agents: their status, portal access, commission, status history and notifications change
// together when a license expires (deactivation) and when it is renewed (reinstatement).

// An agent is expired when one of its licenses was due for renewal before the cutoff day and it
// is not deactivated yet. `a` is agent_profiles.
const isExpired = (cutoffDate: IsoDate) => sql<boolean>`a.status <> 'DEACTIVATED' AND EXISTS (
  SELECT 1 FROM agent_licenses l WHERE l.agent_id = a.agent_id AND l.renewal_date < ${cutoffDate}::date)`;

/** The next page of expired agents after the cursor, as a key range: only its bound and size. */
export async function findExpiredPage(
  db: LicenseDb,
  input: { cutoffDate: IsoDate; after: string | null; limit: number },
): Promise<ExpiredPage | null> {
  const { rows } = await sql<{ agent_count: number; up_to: string | null }>`
    SELECT count(*)::int AS agent_count, max(agent_id) AS up_to FROM (
      SELECT a.agent_id FROM agent_profiles a
      WHERE a.agent_id > ${input.after ?? ''} AND ${isExpired(input.cutoffDate)}
      ORDER BY a.agent_id
      LIMIT ${input.limit}
    ) page`.execute(db);
  const row = rows[0];
  return row?.up_to ? { agentCount: row.agent_count, upTo: row.up_to } : null;
}

/** Dry run: how many licenses and agents are expired, with a few agent ids, writing nothing. */
export async function previewExpired(db: LicenseDb, input: { cutoffDate: IsoDate; sampleSize: number }): Promise<ExpiryPreview> {
  const { rows } = await sql<{ expired_licenses: number; agents: number }>`
    SELECT count(*)::int AS expired_licenses, count(DISTINCT l.agent_id)::int AS agents
    FROM agent_licenses l JOIN agent_profiles a ON a.agent_id = l.agent_id
    WHERE a.status <> 'DEACTIVATED' AND l.renewal_date < ${input.cutoffDate}::date`.execute(db);
  const sample = await sql<{ agent_id: string }>`
    SELECT a.agent_id FROM agent_profiles a WHERE ${isExpired(input.cutoffDate)}
    ORDER BY a.agent_id LIMIT ${input.sampleSize}`.execute(db);
  return {
    expiredLicenses: rows[0]?.expired_licenses ?? 0,
    agents: rows[0]?.agents ?? 0,
    sampleAgentIds: sample.rows.map((r) => r.agent_id),
  };
}

/** An agent a page deactivated, and the status it had (its event says so). */
export interface DeactivatedAgent {
  agentId: string;
  previousStatus: string;
}

/**
 * Deactivates the expired agents of one page's key range, in the caller's transaction: status,
 * portal access, commission, notification, status history (with what each agent had, so a
 * renewal reverses exactly that). Every statement is set-based and conditional.
 */
export async function deactivateExpiredAgents(
  trx: LicenseTransaction,
  input: DeactivatePageInput,
): Promise<{ counts: DeactivatePageResult; agents: DeactivatedAgent[] }> {
  const { rows: targets } = await sql<{
    agent_id: string;
    status: string;
    portal_enabled: boolean | null;
    commission_active: boolean | null;
  }>`
    SELECT a.agent_id, a.status, p.enabled AS portal_enabled, (c.status = 'ACTIVE') AS commission_active
    FROM agent_profiles a
    LEFT JOIN portal_access p ON p.agent_id = a.agent_id
    LEFT JOIN commission_processing c ON c.agent_id = a.agent_id
    WHERE a.agent_id > ${input.after ?? ''} AND a.agent_id <= ${input.upTo} AND ${isExpired(input.cutoffDate)}
    ORDER BY a.agent_id
    FOR UPDATE OF a`.execute(trx);
  if (targets.length === 0) {
    return { counts: { expiredLicenses: 0, agentsDeactivated: 0, portalAccessDisabled: 0, commissionsStopped: 0, notificationsQueued: 0 }, agents: [] };
  }
  const ids = targets.map((t) => t.agent_id);
  const page = sql`unnest(${ids}::text[]) AS t(agent_id)`;

  const licenses = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM agent_licenses l JOIN ${page} ON l.agent_id = t.agent_id
    WHERE l.renewal_date < ${input.cutoffDate}::date`.execute(trx);
  const status = await sql`
    UPDATE agent_profiles a SET status = 'DEACTIVATED', status_reason = ${LICENSE_EXPIRED_REASON}, status_changed_at = now()
    FROM ${page} WHERE a.agent_id = t.agent_id`.execute(trx);
  const portal = await sql`
    UPDATE portal_access p SET enabled = false, disabled_reason = ${LICENSE_EXPIRED_REASON}, updated_at = now()
    FROM ${page} WHERE p.agent_id = t.agent_id AND p.enabled`.execute(trx);
  const commission = await sql`
    UPDATE commission_processing c SET status = 'STOPPED', stop_reason = ${LICENSE_EXPIRED_REASON}, updated_at = now()
    FROM ${page} WHERE c.agent_id = t.agent_id AND c.status = 'ACTIVE'`.execute(trx);
  const payload = JSON.stringify({ batchId: input.batchId, batchDate: input.batchDate, reason: LICENSE_EXPIRED_REASON });
  const notifications = await sql`
    INSERT INTO notifications (idempotency_key, agent_id, template, payload)
    SELECT 'license-deactivated:' || t.agent_id || ':' || ${input.batchDate}, t.agent_id, 'LICENSE_DEACTIVATED', ${payload}::jsonb
    FROM ${page}
    ON CONFLICT (idempotency_key) DO NOTHING`.execute(trx);
  await sql`
    INSERT INTO agent_status_history (agent_id, from_status, to_status, reason, batch_id, portal_was_enabled, commission_was_active)
    SELECT h.agent_id, h.status, 'DEACTIVATED', ${LICENSE_EXPIRED_REASON}, ${input.batchId}, h.portal, h.commission
    FROM unnest(${ids}::text[], ${targets.map((t) => t.status)}::text[],
                ${targets.map((t) => t.portal_enabled)}::boolean[], ${targets.map((t) => t.commission_active)}::boolean[])
      AS h(agent_id, status, portal, commission)`.execute(trx);

  return {
    counts: {
      expiredLicenses: licenses.rows[0]?.n ?? 0,
      agentsDeactivated: Number(status.numAffectedRows ?? 0),
      portalAccessDisabled: Number(portal.numAffectedRows ?? 0),
      commissionsStopped: Number(commission.numAffectedRows ?? 0),
      notificationsQueued: Number(notifications.numAffectedRows ?? 0),
    },
    agents: targets.map((t) => ({ agentId: t.agent_id, previousStatus: t.status })),
  };
}

export interface Reinstatement {
  restoredStatus: string;
  portalAccessRestored: boolean;
  commissionRestored: boolean;
}

/**
 * After a renewal, in the caller's transaction: when the agent was deactivated for an expired
 * license and has none left expired on `asOfDate`, reverses exactly what that deactivation did
 * (the status it found; portal access and commission only where it turned them off), with
 * history and a notification. Undefined when there is nothing to reverse. The agent's row is
 * locked before its licenses are looked at, so two renewals of one agent's licenses see each other.
 */
export async function reinstateAfterRenewal(
  trx: LicenseTransaction,
  input: { agentId: string; licenseId: string; renewalDate: IsoDate; asOfDate: IsoDate; requestId: string },
): Promise<Reinstatement | undefined> {
  const { agentId } = input;
  const agent = await trx.selectFrom('agent_profiles').select(['status', 'status_reason']).where('agent_id', '=', agentId).forUpdate().executeTakeFirstOrThrow();
  const stillExpired = await trx
    .selectFrom('agent_licenses')
    .select('license_id')
    .where('agent_id', '=', agentId)
    .where('renewal_date', '<', input.asOfDate)
    .executeTakeFirst();
  const deactivation =
    agent.status === 'DEACTIVATED' && agent.status_reason === LICENSE_EXPIRED_REASON && !stillExpired
      ? await trx
          .selectFrom('agent_status_history')
          .selectAll()
          .where('agent_id', '=', agentId)
          .where('to_status', '=', 'DEACTIVATED')
          .where('reason', '=', LICENSE_EXPIRED_REASON)
          .orderBy('history_id', 'desc')
          .executeTakeFirst()
      : undefined;
  if (!deactivation) return undefined;

  const reinstatement: Reinstatement = { restoredStatus: deactivation.from_status, portalAccessRestored: false, commissionRestored: false };
  await trx
    .updateTable('agent_profiles')
    .set({ status: deactivation.from_status as 'ACTIVE', status_reason: LICENSE_RENEWED_REASON, status_changed_at: sql<Date>`now()` })
    .where('agent_id', '=', agentId)
    .execute();
  if (deactivation.portal_was_enabled) {
    const portal = await trx
      .updateTable('portal_access')
      .set({ enabled: true, disabled_reason: null, updated_at: sql<Date>`now()` })
      .where('agent_id', '=', agentId)
      .where('enabled', '=', false)
      .where('disabled_reason', '=', LICENSE_EXPIRED_REASON)
      .executeTakeFirst();
    reinstatement.portalAccessRestored = Number(portal.numUpdatedRows) > 0;
  }
  if (deactivation.commission_was_active) {
    const commission = await trx
      .updateTable('commission_processing')
      .set({ status: 'ACTIVE', stop_reason: null, updated_at: sql<Date>`now()` })
      .where('agent_id', '=', agentId)
      .where('status', '=', 'STOPPED')
      .where('stop_reason', '=', LICENSE_EXPIRED_REASON)
      .executeTakeFirst();
    reinstatement.commissionRestored = Number(commission.numUpdatedRows) > 0;
  }
  await trx
    .insertInto('agent_status_history')
    .values({
      agent_id: agentId,
      from_status: 'DEACTIVATED',
      to_status: deactivation.from_status,
      reason: LICENSE_RENEWED_REASON,
      batch_id: input.requestId,
      portal_was_enabled: false,
      commission_was_active: false,
    })
    .execute();
  await trx
    .insertInto('notifications')
    .values({
      idempotency_key: `license-reinstated:${agentId}:${deactivation.history_id}`,
      agent_id: agentId,
      template: 'LICENSE_REINSTATED',
      payload: JSON.stringify({ licenseId: input.licenseId, renewalDate: input.renewalDate }),
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .execute();
  return reinstatement;
}
