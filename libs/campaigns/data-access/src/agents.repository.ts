import type { AgentReport } from '@fleet/campaigns-contracts';
import type { Insertable, Kysely, Selectable } from 'kysely';
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

/** Stores a report under its id; a repeat (a retried activity) writes the same content again. */
export async function saveReport(db: Kysely<CampaignsDatabase>, report: AgentReport, markdown: string): Promise<void> {
  const row = { report_id: report.reportId, kind: report.kind, domain: report.domain, markdown, json: JSON.stringify(report) };
  await db
    .insertInto('campaign_reports')
    .values(row)
    .onConflict((oc) => oc.column('report_id').doUpdateSet({ markdown: row.markdown, json: row.json }))
    .execute();
}

/** A stored report as Markdown and JSON, or undefined. */
export async function findReport(db: Kysely<CampaignsDatabase>, reportId: string): Promise<{ markdown: string; json: AgentReport } | undefined> {
  const row = await db.selectFrom('campaign_reports').select(['markdown', 'json']).where('report_id', '=', reportId).executeTakeFirst();
  return row ? { markdown: row.markdown, json: row.json } : undefined;
}
