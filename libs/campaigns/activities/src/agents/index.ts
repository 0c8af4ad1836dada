import type { AgentActivities, AgentSupportActivities } from '@fleet/campaigns-contracts';
import type { AgentDeps } from './agent';
import { createAgents } from './definitions';
import { storeReport } from './report';
import { fetchSiteFacts } from './site';

export { runAgent, type AgentCallRecord, type AgentDefinition, type AgentDeps, type AgentLlmClient } from './agent';
export { fetchSiteFacts, findingsOf, pageFacts } from './site';
export { auditReportUrl } from './report';

/** The agent workflows' activities: every agent (on campaigns-ai), the site fetcher and the report store (an audit's event with it). */
export function createAgentActivities(deps: AgentDeps & { sitesBaseUrl: string }): AgentActivities & AgentSupportActivities {
  return {
    ...createAgents(deps),
    fetchSite: ({ domain }) => fetchSiteFacts(deps.sitesBaseUrl, domain),
    storeReport: ({ report }) => storeReport(deps, report),
  };
}
