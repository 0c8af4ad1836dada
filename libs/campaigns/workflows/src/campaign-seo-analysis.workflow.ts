import type { AgentReportResult, SeoAnalysisInput } from '@fleet/campaigns-contracts';
import { agentWorkflow, section } from './agents';

/** An SEO analysis, `campaign-seo-<domain>`: the keywords agent, then the recommendations agent over them; stored as a report. */
export async function campaignSeoAnalysisWorkflow(raw: SeoAnalysisInput): Promise<AgentReportResult> {
  const w = agentWorkflow('seoAnalysis', raw);
  const { domain } = w.input;
  const facts = await w.fetchSite(domain);
  w.step('keywords');
  const { keywords } = await w.run('seoKeywords', { facts });
  w.step('recommendations');
  const advice = await w.run('seoRecommendations', { facts, keywords });
  const sections = [section('SEO', 'seo', facts, advice), { title: 'Target keywords', score: null, summary: keywords.join(', '), findings: [], recommendations: [] }];
  return w.store({ kind: 'seo', domain, headline: `SEO analysis of ${domain}`, summary: advice.summary, sections });
}
