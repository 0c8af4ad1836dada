import { renderReportMarkdown, type AgentActivities, type AgentSupportActivities } from '@fleet/campaigns-contracts';
import { saveReport } from '@fleet/campaigns-data-access';
import type { AgentDeps } from './agent';
import { createAgents } from './definitions';
import { fetchSiteFacts } from './site';

export { runAgent, type AgentCallRecord, type AgentDefinition, type AgentDeps, type AgentLlmClient } from './agent';
export { fetchSiteFacts, findingsOf, pageFacts } from './site';

/** The agent workflows' activities: every agent (on campaigns-ai), the site fetcher and the report store. */
export function createAgentActivities(deps: AgentDeps & { sitesBaseUrl: string }): AgentActivities & AgentSupportActivities {
  return {
    ...createAgents(deps),
    fetchSite: ({ domain }) => fetchSiteFacts(deps.sitesBaseUrl, domain),
    async storeReport({ report }) {
      const markdown = renderReportMarkdown(report);
      await saveReport(deps.db, report, markdown);
      return { reportId: report.reportId, json: report, markdown };
    },
  };
}
