import { sql, type Kysely, type Transaction } from 'kysely';
import {
  LICENSE_EXPIRED_REASON,
  LICENSE_RENEWED_REASON,
  type LicenseRenewalResult,
  type RenewLicenseInput,
} from '@fleet/license-contracts';
import type { LicenseDatabase } from './schema';

export class LicenseNotFoundError extends Error {
  constructor(readonly licenseId: string) {
    super(`license ${licenseId} does not exist`);
    this.name = 'LicenseNotFoundError';
  }
}

/**
 * Renews a license and, when that leaves the agent with no expired license, reverses exactly what
 * the expiry deactivation did: the status it found, and portal access and commission only where
 * the deactivation itself turned them off. Writes history, a notification and an audit record,
 * all in one transaction; a repeated request returns the first result and changes nothing.
 */
export async function renewLicense(
  db: Kysely<LicenseDatabase>,
  input: RenewLicenseInput,
  onReinstated?: (tx: Transaction<LicenseDatabase>, result: LicenseRenewalResult) => Promise<void>,
): Promise<LicenseRenewalResult> {
  return db.transaction().execute(async (tx) => {
    const previous = await tx
      .selectFrom('batch_operations')
      .select('summary')
      .where('batch_id', '=', input.requestId)
      .executeTakeFirst();
    if (previous?.summary) return previous.summary as unknown as LicenseRenewalResult;

    const license = await tx
      .selectFrom('agent_licenses')
      .select(['agent_id', 'renewal_date'])
      .where('license_id', '=', input.licenseId)
      .forUpdate()
      .executeTakeFirst();
    if (!license) throw new LicenseNotFoundError(input.licenseId);

    const renewed = license.renewal_date < input.renewalDate;
    if (renewed) {
      await tx
        .updateTable('agent_licenses')
        .set({ renewal_date: input.renewalDate, renewed_at: sql<Date>`now()` })
        .where('license_id', '=', input.licenseId)
        .execute();
    }

    const agent = await tx
      .selectFrom('agent_profiles')
      .select(['status', 'status_reason'])
      .where('agent_id', '=', license.agent_id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const stillExpired = await tx
      .selectFrom('agent_licenses')
      .select('license_id')
      .where('agent_id', '=', license.agent_id)
      .where('renewal_date', '<', input.asOfDate)
      .executeTakeFirst();
    const deactivation =
      agent.status === 'DEACTIVATED' && agent.status_reason === LICENSE_EXPIRED_REASON && !stillExpired
        ? await tx
            .selectFrom('agent_status_history')
            .selectAll()
            .where('agent_id', '=', license.agent_id)
            .where('to_status', '=', 'DEACTIVATED')
            .where('reason', '=', LICENSE_EXPIRED_REASON)
            .orderBy('history_id', 'desc')
            .executeTakeFirst()
        : undefined;

    const result: LicenseRenewalResult = {
      licenseId: input.licenseId,
      agentId: license.agent_id,
      renewalDate: input.renewalDate,
      renewed,
      reinstated: false,
      portalAccessRestored: false,
      commissionRestored: false,
    };
    if (deactivation) {
      await tx
        .updateTable('agent_profiles')
        .set({ status: deactivation.from_status as 'ACTIVE', status_reason: LICENSE_RENEWED_REASON, status_changed_at: sql<Date>`now()` })
        .where('agent_id', '=', license.agent_id)
        .execute();
      if (deactivation.portal_was_enabled) {
        const portal = await tx
          .updateTable('portal_access')
          .set({ enabled: true, disabled_reason: null, updated_at: sql<Date>`now()` })
          .where('agent_id', '=', license.agent_id)
          .where('enabled', '=', false)
          .where('disabled_reason', '=', LICENSE_EXPIRED_REASON)
          .executeTakeFirst();
        result.portalAccessRestored = Number(portal.numUpdatedRows) > 0;
      }
      if (deactivation.commission_was_active) {
        const commission = await tx
          .updateTable('commission_processing')
          .set({ status: 'ACTIVE', stop_reason: null, updated_at: sql<Date>`now()` })
          .where('agent_id', '=', license.agent_id)
          .where('status', '=', 'STOPPED')
          .where('stop_reason', '=', LICENSE_EXPIRED_REASON)
          .executeTakeFirst();
        result.commissionRestored = Number(commission.numUpdatedRows) > 0;
      }
      await tx
        .insertInto('agent_status_history')
        .values({
          agent_id: license.agent_id,
          from_status: 'DEACTIVATED',
          to_status: deactivation.from_status,
          reason: LICENSE_RENEWED_REASON,
          batch_id: input.requestId,
          portal_was_enabled: false,
          commission_was_active: false,
        })
        .execute();
      await tx
        .insertInto('notifications')
        .values({
          idempotency_key: `license-reinstated:${license.agent_id}:${deactivation.history_id}`,
          agent_id: license.agent_id,
          template: 'LICENSE_REINSTATED',
          payload: JSON.stringify({ licenseId: input.licenseId, renewalDate: input.renewalDate }),
        })
        .onConflict((oc) => oc.column('idempotency_key').doNothing())
        .execute();
      result.reinstated = true;
      result.restoredStatus = deactivation.from_status;
      await onReinstated?.(tx, result);
    }

    await tx
      .insertInto('batch_operations')
      .values({
        batch_id: input.requestId,
        operation: result.reinstated ? 'LICENSE_REINSTATEMENT' : 'LICENSE_RENEWAL',
        batch_date: input.asOfDate,
        dry_run: false,
        status: 'COMPLETED',
        summary: JSON.stringify(result),
        started_at: sql<Date>`now()` as never,
        finished_at: sql<Date>`now()` as never,
      })
      .execute();
    return result;
  });
}
