import { sql } from 'kysely';
import type { LicenseRenewalResult, RenewLicenseInput } from '@fleet/license-contracts';
import { reinstateAfterRenewal } from './agent.repository';
import type { LicenseTransaction } from './schema';

export class LicenseNotFoundError extends Error {
  constructor(readonly licenseId: string) {
    super(`license ${licenseId} does not exist`);
    this.name = 'LicenseNotFoundError';
  }
}

/**
 * Renews a license in the caller's transaction (its renewal date moves forward, never back) and,
 * when that leaves the agent with no expired license, reinstates the agent (reinstateAfterRenewal).
 * The license's row is locked first. Throws LicenseNotFoundError for an unknown license.
 */
export async function renewLicense(trx: LicenseTransaction, input: RenewLicenseInput): Promise<LicenseRenewalResult> {
  const license = await trx
    .selectFrom('agent_licenses')
    .select(['agent_id', 'renewal_date'])
    .where('license_id', '=', input.licenseId)
    .forUpdate()
    .executeTakeFirst();
  if (!license) throw new LicenseNotFoundError(input.licenseId);

  const renewed = license.renewal_date < input.renewalDate;
  if (renewed) {
    await trx
      .updateTable('agent_licenses')
      .set({ renewal_date: input.renewalDate, renewed_at: sql<Date>`now()` })
      .where('license_id', '=', input.licenseId)
      .execute();
  }

  const reinstatement = await reinstateAfterRenewal(trx, {
    agentId: license.agent_id,
    licenseId: input.licenseId,
    renewalDate: input.renewalDate,
    asOfDate: input.asOfDate,
    requestId: input.requestId,
  });
  return {
    licenseId: input.licenseId,
    agentId: license.agent_id,
    renewalDate: input.renewalDate,
    renewed,
    reinstated: reinstatement !== undefined,
    portalAccessRestored: reinstatement?.portalAccessRestored ?? false,
    commissionRestored: reinstatement?.commissionRestored ?? false,
    ...(reinstatement ? { restoredStatus: reinstatement.restoredStatus } : {}),
  };
}
