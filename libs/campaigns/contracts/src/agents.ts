import { defineQuery } from '@temporalio/workflow';
import { z } from 'zod';

/**
 * The AI agent workflows: the digital presence audit (website first, then social and SEO in
 * parallel, then the report), a content pipeline (brief, writer, editor), an SEO analysis
 * (keywords, recommendations) and a report (one writer). Every agent is one activity on the
 * `campaigns-ai` queue answering a schema-validated object; these are the schemas.
 */

const domainName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/, 'expected a domain name such as example.com');
const nonce = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - (at most 64)');
/** Free text given to every agent (what to focus on); a test puts the LLM simulator's markers here. */
const notes = z.string().max(500).optional();
/** The agents' start-to-close timeout in seconds (a slow local model needs more than a hosted one). */
const agentTimeoutSeconds = z.number().int().min(5).max(3600).optional();

export const auditInputSchema = z.object({ domain: domainName, nonce: nonce.optional(), notes, agentTimeoutSeconds }).strict();
export type AuditInput = z.input<typeof auditInputSchema>;
export const seoAnalysisInputSchema = auditInputSchema;
export type SeoAnalysisInput = AuditInput;
export const reportInputSchema = auditInputSchema;
export type ReportInput = AuditInput;
export const contentPipelineInputSchema = z
  .object({
    key: nonce,
    business: z.string().trim().min(1).max(120),
    topic: z.string().trim().min(1).max(300),
    channel: z.enum(['google', 'meta', 'linkedin', 'email']),
    notes,
    agentTimeoutSeconds,
  })
  .strict();
export type ContentPipelineInput = z.input<typeof contentPipelineInputSchema>;

const suffix = (n?: string) => (n ? `-${n}` : '');
export const campaignAuditWorkflowId = (i: { domain: string; nonce?: string }) => `campaign-audit-${i.domain}${suffix(i.nonce)}`;
export const campaignSeoAnalysisWorkflowId = (i: { domain: string; nonce?: string }) => `campaign-seo-${i.domain}${suffix(i.nonce)}`;
export const campaignReportWorkflowId = (i: { domain: string; nonce?: string }) => `campaign-report-${i.domain}${suffix(i.nonce)}`;
export const campaignContentPipelineWorkflowId = (i: { key: string }) => `campaign-content-${i.key}`;

// ---- What the site fetcher measures (no LLM): the facts every agent is given. ----

export interface PageFacts {
  path: string;
  status: number;
  title: string | null;
  description: string | null;
  h1: number;
  images: number;
  imagesWithoutAlt: number;
  viewport: boolean;
  canonical: boolean;
  openGraph: boolean;
  words: number;
}

export interface SocialProfile {
  network: string;
  handle: string;
  url: string;
  /** null when the profile could not be read. */
  followers: number | null;
  postsLast30Days: number | null;
  lastPostDaysAgo: number | null;
  engagementRate: number | null;
}

export interface SiteFacts {
  domain: string;
  url: string;
  pages: PageFacts[];
  brokenLinks: string[];
  robotsTxt: boolean;
  sitemapInRobots: boolean;
  sitemapUrls: number;
  social: SocialProfile[];
  /** Problems found by rule, each a short sentence; what the agents judge and the report lists. */
  findings: { area: 'website' | 'seo' | 'social'; issue: string }[];
}

// ---- The agents' answers (what the LLM must return). ----

const text = (max: number) => z.string().trim().min(1).max(max);
/** An agent's judgement of one area: a score, a summary and up to three recommendations. */
export const assessmentSchema = z.object({ score: z.number().int().min(0).max(100), summary: text(400), recommendations: z.array(text(200)).max(3) }).strict();
export type Assessment = z.output<typeof assessmentSchema>;
/** The report writer: a headline and an executive summary over the sections. */
// Short on purpose: a small local model writes it within a few dozen tokens (the sections carry the detail).
export const reportSummarySchema = z.object({ headline: text(48), summary: text(96) }).strict();
export type ReportSummary = z.output<typeof reportSummarySchema>;
export const contentBriefSchema = z.object({ audience: text(200), keyMessages: z.array(text(160)).min(1).max(3), tone: text(60) }).strict();
export type ContentBrief = z.output<typeof contentBriefSchema>;
export const contentDraftSchema = z.object({ headline: text(120), body: text(600), callToAction: text(40) }).strict();
export type ContentDraft = z.output<typeof contentDraftSchema>;
export const editedContentSchema = z.object({ headline: text(120), body: text(600), callToAction: text(40), changes: z.array(text(160)).max(3) }).strict();
export type EditedContent = z.output<typeof editedContentSchema>;
export const seoKeywordsSchema = z.object({ keywords: z.array(text(60)).min(1).max(5) }).strict();
export type SeoKeywords = z.output<typeof seoKeywordsSchema>;

/** Every agent, its answer's schema. */
export const AGENT_SCHEMAS = {
  websiteAudit: assessmentSchema,
  socialAnalysis: assessmentSchema,
  seoAnalysis: assessmentSchema,
  reportWriter: reportSummarySchema,
  contentBrief: contentBriefSchema,
  contentWriter: contentDraftSchema,
  contentEditor: editedContentSchema,
  seoKeywords: seoKeywordsSchema,
  seoRecommendations: assessmentSchema,
} as const;
export type AgentName = keyof typeof AGENT_SCHEMAS;
export type AgentOutput<A extends AgentName> = z.output<(typeof AGENT_SCHEMAS)[A]>;

/** What every agent activity answers: the validated value and what the call cost. */
export interface AgentRun<T> {
  value: T;
  agent: AgentName;
  model: string;
  promptTokens: number;
  completionTokens: number;
  latencyMs: number;
  costUsd: number;
  /** 2 when the answer was valid only on the repair retry. */
  attempts: number;
}
export type AgentUsage = Omit<AgentRun<unknown>, 'value'>;

/** Every agent's input: the facts it judges, free notes, and the agent's own extra fields. */
export interface AgentInputs {
  websiteAudit: { facts: SiteFacts; notes?: string };
  socialAnalysis: { facts: SiteFacts; website: Assessment; notes?: string };
  seoAnalysis: { facts: SiteFacts; website: Assessment; notes?: string };
  reportWriter: { domain: string; sections: ReportSection[]; notes?: string };
  contentBrief: { business: string; topic: string; channel: string; notes?: string };
  contentWriter: { business: string; channel: string; brief: ContentBrief; notes?: string };
  contentEditor: { channel: string; brief: ContentBrief; draft: ContentDraft; notes?: string };
  seoKeywords: { facts: SiteFacts; notes?: string };
  seoRecommendations: { facts: SiteFacts; keywords: string[]; notes?: string };
}

/** The agent activities: one per agent, each its own timeout, heartbeats and validated answer. */
export type AgentActivities = { [A in AgentName]: (input: AgentInputs[A]) => Promise<AgentRun<AgentOutput<A>>> };

// ---- Reports ----

export interface ReportSection {
  title: string;
  score: number | null;
  summary: string;
  findings: string[];
  recommendations: string[];
}

/** A stored report: its JSON (this) and its Markdown (rendered from it). */
export interface AgentReport {
  reportId: string;
  kind: 'audit' | 'seo' | 'report';
  domain: string;
  headline: string;
  summary: string;
  /** The overall score: the mean of the scored sections. */
  score: number | null;
  sections: ReportSection[];
  agents: AgentUsage[];
}

/** What the audit, SEO and report workflows answer: the report as JSON and as Markdown. */
export interface AgentReportResult {
  reportId: string;
  json: AgentReport;
  markdown: string;
}

export interface ContentPipelineResult {
  brief: ContentBrief;
  draft: ContentDraft;
  final: EditedContent;
  agents: AgentUsage[];
}

/** The report as Markdown: headline, summary, score, one section per area, and what each agent cost. */
export function renderReportMarkdown(r: AgentReport): string {
  const lines = [`# ${r.headline}`, '', `Domain: ${r.domain}${r.score === null ? '' : ` · overall score ${r.score}/100`}`, '', r.summary, ''];
  for (const s of r.sections) {
    lines.push(`## ${s.title}${s.score === null ? '' : ` (${s.score}/100)`}`, '', s.summary, '');
    if (s.findings.length) lines.push('Findings:', '', ...s.findings.map((f) => `- ${f}`), '');
    if (s.recommendations.length) lines.push('Recommendations:', '', ...s.recommendations.map((f) => `- ${f}`), '');
  }
  lines.push('## Agents', '', '| agent | model | prompt tokens | completion tokens | latency ms | cost USD | attempts |', '|---|---|---|---|---|---|---|');
  for (const a of r.agents) lines.push(`| ${a.agent} | ${a.model} | ${a.promptTokens} | ${a.completionTokens} | ${a.latencyMs} | ${a.costUsd.toFixed(6)} | ${a.attempts} |`);
  return `${lines.join('\n')}\n`;
}

/** Activities of the agent workflows that are not agents: reading the site, storing a report. */
export interface AgentSupportActivities {
  /** Reads the site's pages, robots.txt, sitemap and the social profiles it links to; measures the facts. */
  fetchSite(input: { domain: string }): Promise<SiteFacts>;
  /** Stores the report (JSON and Markdown) under its id; a repeat overwrites it with the same content. */
  storeReport(input: { report: AgentReport }): Promise<AgentReportResult>;
}

// ---- Progress ----

export type AgentStepStatus = 'pending' | 'running' | 'done' | 'failed';
export interface AgentWorkflowProgress {
  /** The step running now, or `done`/`failed`. */
  step: string;
  agents: Partial<Record<AgentName, AgentStepStatus>>;
  usage: AgentUsage[];
}
/** The progress of any agent workflow (audit, content pipeline, SEO, report). */
export const campaignAgentProgressQuery = defineQuery<AgentWorkflowProgress>('campaignAgentProgress');
