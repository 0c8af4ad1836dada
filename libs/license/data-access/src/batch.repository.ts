import { sql } from 'kysely';
import type { BatchStart, DeactivatePageResult, LicenseDeactivationSummary, LicenseRenewalResult, PageFailure, RenewLicenseInput } from '@fleet/license-contracts';
import type { LicenseDb, LicenseTransaction } from './schema';

// The audit records of the license domain: one batch_operations row per deactivation batch or
// renewal request, and one license_batch_pages row per applied deactivation page.

/** At most this many failed pages are itemised in an audit record; the summary counts them all. */
const MAX_FAILED_PAGES_KEPT = 100;

/** Opens the batch's audit record; a repeated call keeps the first. */
export async function startBatch(db: LicenseDb, batch: BatchStart): Promise<void> {
  await db
    .insertInto('batch_operations')
    .values({
      batch_id: batch.batchId,
      operation: batch.operation,
      batch_date: batch.batchDate,
      dry_run: batch.dryRun,
      status: 'RUNNING',
      summary: null,
      started_at: batch.startedAt,
    })
    .onConflict((oc) => oc.column('batch_id').doNothing())
    .execute();
}

/** Adds a failed page to the batch's audit record, once per page. */
export async function recordPageFailure(db: LicenseDb, failure: PageFailure): Promise<void> {
  const entry = { pageNo: failure.pageNo, after: failure.after, upTo: failure.upTo, agentCount: failure.agentCount, error: failure.error };
  await sql`
    UPDATE batch_operations
    SET failed_pages = failed_pages || jsonb_build_array(${JSON.stringify(entry)}::jsonb)
    WHERE batch_id = ${failure.batchId}
      AND NOT failed_pages @> jsonb_build_array(jsonb_build_object('pageNo', ${failure.pageNo}::int))
      AND jsonb_array_length(failed_pages) < ${MAX_FAILED_PAGES_KEPT}`.execute(db);
}

/** Closes the batch's audit record with its summary. */
export async function finishBatch(db: LicenseDb, summary: LicenseDeactivationSummary): Promise<void> {
  await db
    .updateTable('batch_operations')
    .set({ status: 'COMPLETED', summary: JSON.stringify(summary), finished_at: summary.finishedAt })
    .where('batch_id', '=', summary.batchId)
    .execute();
}

/** What an applied page did, when it was applied already (a retried page reports the first time). */
export async function findPageResult(db: LicenseDb, batchId: string, pageNo: number): Promise<DeactivatePageResult | undefined> {
  const done = await db
    .selectFrom('license_batch_pages')
    .select('result')
    .where('batch_id', '=', batchId)
    .where('page_no', '=', pageNo)
    .executeTakeFirst();
  return done?.result as DeactivatePageResult | undefined;
}

/** Stores what a page did under (batch, page), in the transaction that applied it. */
export async function savePageResult(trx: LicenseTransaction, batchId: string, pageNo: number, result: DeactivatePageResult): Promise<void> {
  await trx.insertInto('license_batch_pages').values({ batch_id: batchId, page_no: pageNo, result: JSON.stringify(result) }).execute();
}

/** The result a renewal request recorded, when it ran already (a repeated request answers the same). */
export async function findRenewalResult(db: LicenseDb, requestId: string): Promise<LicenseRenewalResult | undefined> {
  const previous = await db.selectFrom('batch_operations').select('summary').where('batch_id', '=', requestId).executeTakeFirst();
  return (previous?.summary ?? undefined) as LicenseRenewalResult | undefined;
}

/** The audit record of a renewal request, in the transaction that renewed. */
export async function recordRenewal(trx: LicenseTransaction, input: RenewLicenseInput, result: LicenseRenewalResult): Promise<void> {
  await trx
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
}
