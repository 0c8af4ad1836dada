import { campaignsEvents, renderReportMarkdown, type AgentReport, type AgentReportResult } from '@fleet/campaigns-contracts';
import { saveReport, type CampaignsDatabase } from '@fleet/campaigns-data-access';
import type { Outbox } from '@fleet/shared-events';
import type { Kysely } from 'kysely';
import { activityContext } from '../channels/limiter';

/** Where the API serves an audit, its report included (the api lib's `GET /campaigns/audits/:workflowId`, mounted at /api/v0). */
export const auditReportUrl = (workflowId: string) => `/api/v0/campaigns/audits/${encodeURIComponent(workflowId)}`;

/**
 * `storeReport`: the report as JSON and Markdown under its id and, for an audit, its "audit
 * completed" event, in one transaction. The event goes with the report's first store only: a
 * retried store (its first attempt committed, its answer lost) writes the same report again and
 * no second event.
 */
export async function storeReport(deps: { db: Kysely<CampaignsDatabase>; outbox: Outbox }, report: AgentReport): Promise<AgentReportResult> {
  const markdown = renderReportMarkdown(report);
  const workflowId = activityContext()?.info.workflowExecution?.workflowId ?? report.reportId;
  await deps.db.transaction().execute(async (trx) => {
    const { created } = await saveReport(trx, report, markdown);
    if (!created || report.kind !== 'audit') return;
    const data = {
      auditId: report.reportId,
      domain: report.domain,
      workflowId,
      reportUrl: auditReportUrl(workflowId),
      agents: report.agents.length,
      totalTokens: report.agents.reduce((n, a) => n + a.promptTokens + a.completionTokens, 0),
      at: new Date().toISOString(),
    };
    await deps.outbox.append(trx, campaignsEvents.auditCompleted, [{ subject: report.reportId, data, time: new Date(data.at) }]);
  });
  return { reportId: report.reportId, json: report, markdown };
}
