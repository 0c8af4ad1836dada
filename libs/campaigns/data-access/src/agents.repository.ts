import type { AgentReport } from '@fleet/campaigns-contracts';
import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import type { CampaignAgentRunsTable, CampaignsDatabase } from './schema';

export type AgentRunRow = Selectable<CampaignAgentRunsTable>;

/** Records one agent call (one activity attempt), whatever its outcome. */
export async function recordAgentRun(db: Kysely<CampaignsDatabase>, run: Insertable<CampaignAgentRunsTable>): Promise<void> {
  await db.insertInto('campaign_agent_runs').values(run).execute();
}

/** A workflow's agent calls, in the order they started. */
export function findAgentRuns(db: Kysely<CampaignsDatabase>, workflowId: string): Promise<AgentRunRow[]> {
  return db.selectFrom('campaign_agent_runs').selectAll().where('workflow_id', '=', workflowId).orderBy('started_at').orderBy('id').execute();
}

/**
 * Stores a report under its id; a repeat (a retried activity) writes the same content again.
 * Answers whether this call stored it first (so what goes with the first store, its event, is written once).
 */
export async function saveReport(db: Kysely<CampaignsDatabase>, report: AgentReport, markdown: string): Promise<{ created: boolean }> {
  const row = { report_id: report.reportId, kind: report.kind, domain: report.domain, markdown, json: JSON.stringify(report) };
  const saved = await db
    .insertInto('campaign_reports')
    .values(row)
    .onConflict((oc) => oc.column('report_id').doUpdateSet({ markdown: row.markdown, json: row.json }))
    // xmax is 0 on a row version this statement inserted, and set on one it updated.
    .returning(sql<boolean>`(xmax = 0)`.as('created'))
    .executeTakeFirstOrThrow();
  return { created: saved.created };
}

/** A stored report as Markdown and JSON, or undefined. */
export async function findReport(db: Kysely<CampaignsDatabase>, reportId: string): Promise<{ markdown: string; json: AgentReport } | undefined> {
  const row = await db.selectFrom('campaign_reports').select(['markdown', 'json']).where('report_id', '=', reportId).executeTakeFirst();
  return row ? { markdown: row.markdown, json: row.json } : undefined;
}
