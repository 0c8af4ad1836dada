import { sql, type Kysely } from 'kysely';
import type { BatchStart, LicenseDeactivationSummary, PageFailure } from '@fleet/license-contracts';
import type { LicenseDatabase } from './schema';

type Db = Kysely<LicenseDatabase>;

/** At most this many failed pages are itemised in an audit record; the summary counts them all. */
const MAX_FAILED_PAGES_KEPT = 100;

/** Opens the batch's audit record; a repeated call keeps the first. */
export async function startBatch(db: Db, batch: BatchStart): Promise<void> {
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
export async function recordPageFailure(db: Db, failure: PageFailure): Promise<void> {
  const entry = { pageNo: failure.pageNo, after: failure.after, upTo: failure.upTo, agentCount: failure.agentCount, error: failure.error };
  await sql`
    UPDATE batch_operations
    SET failed_pages = failed_pages || jsonb_build_array(${JSON.stringify(entry)}::jsonb)
    WHERE batch_id = ${failure.batchId}
      AND NOT failed_pages @> jsonb_build_array(jsonb_build_object('pageNo', ${failure.pageNo}::int))
      AND jsonb_array_length(failed_pages) < ${MAX_FAILED_PAGES_KEPT}`.execute(db);
}

/** Closes the batch's audit record with its summary. */
export async function finishBatch(db: Db, summary: LicenseDeactivationSummary): Promise<void> {
  await db
    .updateTable('batch_operations')
    .set({ status: 'COMPLETED', summary: JSON.stringify(summary), finished_at: summary.finishedAt })
    .where('batch_id', '=', summary.batchId)
    .execute();
}
