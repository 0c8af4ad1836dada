import type { AgentReportResult, AuditInput } from '@fleet/campaigns-contracts';
import { agentWorkflow, section } from './agents';

/**
 * The digital presence audit (the issue's `digitalPresenceAuditWorkflow`), `campaign-audit-<domain>`:
 * the website audit first, then the social and SEO analyses in parallel, then the report, stored
 * and answered as Markdown and JSON.
 */
export async function campaignAuditWorkflow(raw: AuditInput): Promise<AgentReportResult> {
  const w = agentWorkflow('audit', raw);
  const { domain } = w.input;
  const facts = await w.fetchSite(domain);
  w.step('website');
  const website = await w.run('websiteAudit', { facts });
  w.step('social+seo');
  const [social, seo] = await Promise.all([w.run('socialAnalysis', { facts, website }), w.run('seoAnalysis', { facts, website })]);
  const sections = [section('Website', 'website', facts, website), section('Social media', 'social', facts, social), section('SEO', 'seo', facts, seo)];
  w.step('report');
  const { headline, summary } = await w.run('reportWriter', { domain, sections });
  return w.store({ kind: 'audit', domain, headline, summary, sections });
}
