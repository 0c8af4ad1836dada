import type { AgentReportResult, ReportInput } from '@fleet/campaigns-contracts';
import { agentWorkflow, section } from './agents';

/** A report on a site, `campaign-report-<domain>`: the facts measured by rule, one agent writing the headline and summary. */
export async function campaignReportWorkflow(raw: ReportInput): Promise<AgentReportResult> {
  const w = agentWorkflow('report', raw);
  const { domain } = w.input;
  const facts = await w.fetchSite(domain);
  const sections = [section('Website', 'website', facts, null), section('Social media', 'social', facts, null), section('SEO', 'seo', facts, null)];
  w.step('report');
  const { headline, summary } = await w.run('reportWriter', { domain, sections });
  return w.store({ kind: 'report', domain, headline, summary, sections });
}
