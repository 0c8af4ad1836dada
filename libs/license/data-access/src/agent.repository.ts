import { sql, type Kysely, type Transaction } from 'kysely';
import {
  LICENSE_EXPIRED_REASON,
  type DeactivatePageInput,
  type DeactivatePageResult,
  type ExpiredPage,
  type ExpiryPreview,
  type IsoDate,
} from '@fleet/license-contracts';
import type { LicenseDatabase } from './schema';

type Db = Kysely<LicenseDatabase>;

// An agent is expired when one of its licenses was due for renewal before the cutoff day and it
// is not deactivated yet. `a` is agent_profiles.
const isExpired = (cutoffDate: IsoDate) => sql<boolean>`a.status <> 'DEACTIVATED' AND EXISTS (
  SELECT 1 FROM agent_licenses l WHERE l.agent_id = a.agent_id AND l.renewal_date < ${cutoffDate}::date)`;

/** The next page of expired agents after the cursor, as a key range: only its bound and size. */
export async function findExpiredPage(
  db: Db,
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
export async function previewExpired(db: Db, input: { cutoffDate: IsoDate; sampleSize: number }): Promise<ExpiryPreview> {
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

/**
 * Deactivates the expired agents of one page in one transaction: status, portal access,
 * commission, notification, status history. Every statement is set-based and conditional, and
 * the page's result is stored under (batch, page), so a retried page changes nothing twice and
 * reports what it did the first time.
 */
/** Called inside a page's transaction with the agents it deactivated (to write their events). */
export type OnDeactivated = (tx: Transaction<LicenseDatabase>, agents: { agentId: string; previousStatus: string }[]) => Promise<void>;

export async function deactivatePage(db: Db, input: DeactivatePageInput, onDeactivated?: OnDeactivated): Promise<DeactivatePageResult> {
  return db.transaction().execute(async (tx) => {
    const done = await tx
      .selectFrom('license_batch_pages')
      .select('result')
      .where('batch_id', '=', input.batchId)
      .where('page_no', '=', input.pageNo)
      .executeTakeFirst();
    if (done) return done.result as unknown as DeactivatePageResult;

    const result = await deactivateRange(tx, input, onDeactivated);
    await tx
      .insertInto('license_batch_pages')
      .values({ batch_id: input.batchId, page_no: input.pageNo, result: JSON.stringify(result) })
      .execute();
    return result;
  });
}

async function deactivateRange(
  tx: Transaction<LicenseDatabase>,
  input: DeactivatePageInput,
  onDeactivated?: OnDeactivated,
): Promise<DeactivatePageResult> {
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
    FOR UPDATE OF a`.execute(tx);
  if (targets.length === 0) {
    return { expiredLicenses: 0, agentsDeactivated: 0, portalAccessDisabled: 0, commissionsStopped: 0, notificationsQueued: 0 };
  }
  const ids = targets.map((t) => t.agent_id);
  const page = sql`unnest(${ids}::text[]) AS t(agent_id)`;

  const licenses = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM agent_licenses l JOIN ${page} ON l.agent_id = t.agent_id
    WHERE l.renewal_date < ${input.cutoffDate}::date`.execute(tx);
  const status = await sql`
    UPDATE agent_profiles a SET status = 'DEACTIVATED', status_reason = ${LICENSE_EXPIRED_REASON}, status_changed_at = now()
    FROM ${page} WHERE a.agent_id = t.agent_id`.execute(tx);
  const portal = await sql`
    UPDATE portal_access p SET enabled = false, disabled_reason = ${LICENSE_EXPIRED_REASON}, updated_at = now()
    FROM ${page} WHERE p.agent_id = t.agent_id AND p.enabled`.execute(tx);
  const commission = await sql`
    UPDATE commission_processing c SET status = 'STOPPED', stop_reason = ${LICENSE_EXPIRED_REASON}, updated_at = now()
    FROM ${page} WHERE c.agent_id = t.agent_id AND c.status = 'ACTIVE'`.execute(tx);
  const payload = JSON.stringify({ batchId: input.batchId, batchDate: input.batchDate, reason: LICENSE_EXPIRED_REASON });
  const notifications = await sql`
    INSERT INTO notifications (idempotency_key, agent_id, template, payload)
    SELECT 'license-deactivated:' || t.agent_id || ':' || ${input.batchDate}, t.agent_id, 'LICENSE_DEACTIVATED', ${payload}::jsonb
    FROM ${page}
    ON CONFLICT (idempotency_key) DO NOTHING`.execute(tx);
  await sql`
    INSERT INTO agent_status_history (agent_id, from_status, to_status, reason, batch_id, portal_was_enabled, commission_was_active)
    SELECT h.agent_id, h.status, 'DEACTIVATED', ${LICENSE_EXPIRED_REASON}, ${input.batchId}, h.portal, h.commission
    FROM unnest(${ids}::text[], ${targets.map((t) => t.status)}::text[],
                ${targets.map((t) => t.portal_enabled)}::boolean[], ${targets.map((t) => t.commission_active)}::boolean[])
      AS h(agent_id, status, portal, commission)`.execute(tx);
  await onDeactivated?.(tx, targets.map((t) => ({ agentId: t.agent_id, previousStatus: t.status })));

  return {
    expiredLicenses: licenses.rows[0]?.n ?? 0,
    agentsDeactivated: Number(status.numAffectedRows ?? 0),
    portalAccessDisabled: Number(portal.numAffectedRows ?? 0),
    commissionsStopped: Number(commission.numAffectedRows ?? 0),
    notificationsQueued: Number(notifications.numAffectedRows ?? 0),
  };
}
