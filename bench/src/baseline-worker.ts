/**
 * The seed design's strategy, for comparison: batches of 100 agents, each agent changed by its
 * own statements, one round trip per step per agent, no transaction. It runs the same workflow
 * (so it can run at all: the seed's single "find every expired license" result would break the
 * payload limit) with only the page activity swapped.
 */
import { createLicenseActivities } from '@fleet/license-activities';
import { LICENSE_EXPIRED_REASON, type DeactivatePageInput, type DeactivatePageResult } from '@fleet/license-contracts';
import type { LicenseDatabase } from '@fleet/license-data-access';
import { createDb } from '@fleet/shared-db';
import { createOutbox } from '@fleet/shared-events';
import { createLogger } from '@fleet/shared-observability';
import { installRuntime, runWorker } from '@fleet/shared-temporal';
import { sql, type Kysely } from 'kysely';

export const BASELINE_TASK_QUEUE = 'license-baseline';

async function rowAtATimePage(db: Kysely<LicenseDatabase>, input: DeactivatePageInput): Promise<DeactivatePageResult> {
  const { rows } = await sql<{ agent_id: string; status: string }>`
    SELECT a.agent_id, a.status FROM agent_profiles a
    WHERE a.agent_id > ${input.after ?? ''} AND a.agent_id <= ${input.upTo} AND a.status <> 'DEACTIVATED'
      AND EXISTS (SELECT 1 FROM agent_licenses l WHERE l.agent_id = a.agent_id AND l.renewal_date < ${input.cutoffDate}::date)
    ORDER BY a.agent_id`.execute(db);
  const result = { expiredLicenses: 0, agentsDeactivated: 0, portalAccessDisabled: 0, commissionsStopped: 0, notificationsQueued: 0 };
  for (const agent of rows) {
    result.expiredLicenses += 1;
    await sql`UPDATE agent_profiles SET status = 'DEACTIVATED', status_reason = ${LICENSE_EXPIRED_REASON}, status_changed_at = now() WHERE agent_id = ${agent.agent_id}`.execute(db);
    result.agentsDeactivated += 1;
    const portal = await sql`UPDATE portal_access SET enabled = false, disabled_reason = ${LICENSE_EXPIRED_REASON} WHERE agent_id = ${agent.agent_id} AND enabled`.execute(db);
    result.portalAccessDisabled += Number(portal.numAffectedRows ?? 0);
    const commission = await sql`UPDATE commission_processing SET status = 'STOPPED' WHERE agent_id = ${agent.agent_id} AND status = 'ACTIVE'`.execute(db);
    result.commissionsStopped += Number(commission.numAffectedRows ?? 0);
    await sql`INSERT INTO notifications (idempotency_key, agent_id, template, payload)
              VALUES (${`license-deactivated:${agent.agent_id}:${input.batchDate}`}, ${agent.agent_id}, 'LICENSE_DEACTIVATED', '{}'::jsonb)
              ON CONFLICT (idempotency_key) DO NOTHING`.execute(db);
    result.notificationsQueued += 1;
    await sql`INSERT INTO agent_status_history (agent_id, from_status, to_status, reason, batch_id)
              VALUES (${agent.agent_id}, ${agent.status}, 'DEACTIVATED', ${LICENSE_EXPIRED_REASON}, ${input.batchId})`.execute(db);
  }
  return result;
}

async function main(): Promise<void> {
  const logger = createLogger('license-baseline-worker', 'warn');
  installRuntime(logger);
  const db = createDb<LicenseDatabase>(process.env.DATABASE_URL ?? '', { maxConnections: 4 });
  const activities = { ...createLicenseActivities({ db, logger, outbox: createOutbox('license-baseline-worker') }), deactivatePage: (input: DeactivatePageInput) => rowAtATimePage(db, input) };
  const worker = await runWorker({
    target: { address: process.env.TEMPORAL_ADDRESS ?? '', namespace: process.env.TEMPORAL_NAMESPACE ?? 'default' },
    taskQueue: BASELINE_TASK_QUEUE,
    workflows: { workflowBundle: { codePath: process.env.LICENSE_WORKFLOW_BUNDLE ?? '' } },
    activities,
    logger,
  });
  await worker.done;
  await db.destroy();
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
