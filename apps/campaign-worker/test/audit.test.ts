import {
  campaignAgentProgressQuery,
  campaignAuditWorkflowId,
  campaignContentPipelineWorkflowId,
  campaignReportWorkflowId,
  campaignSeoAnalysisWorkflowId,
  CAMPAIGNS_TASK_QUEUE,
  campaignsEvents,
  type AgentReportResult,
  type AuditInput,
  type ContentPipelineInput,
  type ContentPipelineResult,
} from '@fleet/campaigns-contracts';
import { findAgentRuns, findReport, type AgentRunRow } from '@fleet/campaigns-data-access';
import { readOutbox } from '@fleet/campaigns-data-access/testing';
import { consumeEvents, ensureEventNamespaces, ensureSubscription, topicOf, type EventEnvelope, type RunningConsumer } from '@fleet/shared-events';
import { createLogger, createMetricsRegistry } from '@fleet/shared-observability';
import type { DomainWorker } from '@fleet/shared-worker';
import { startTestLlmServer, waitFor, type TestLlmServer } from '@fleet/tools-infra/testing';
import { WorkflowFailedError } from '@temporalio/client';
import { loadConfig } from '../src/config';
import { startCampaignsWorker } from '../src/worker';
import { campaignsTestEnv, type CampaignsTestEnv } from './harness';
import { recordHistory } from './histories';

let env: CampaignsTestEnv;
let worker: DomainWorker | undefined;
let consumer: RunningConsumer | undefined;
/** Every "audit completed" event the topic delivers, as another team's consumer sees it (de-duplicated by event id). */
const completed: EventEnvelope<string, { auditId: string; domain: string; workflowId: string; reportUrl: string; agents: number; totalTokens: number; at: string }>[] = [];
const registry = createMetricsRegistry('campaign-worker');
beforeAll(async () => {
  env = await campaignsTestEnv('campaign-audit');
  const topic = topicOf(campaignsEvents.auditCompleted, env.ctx.pulsar.tenant);
  await ensureEventNamespaces(env.ctx.pulsar.adminUrl, ['campaigns'], env.ctx.pulsar.tenant);
  await ensureSubscription(env.ctx.pulsar.adminUrl, topic, 'campaign-audit-test');
  consumer = consumeEvents({ wsUrl: env.ctx.pulsar.wsUrl, topic, subscription: 'campaign-audit-test', logger: createLogger('campaign-audit-test', 'silent'), handle: async (e) => void completed.push(e as never) });
  // The worker with a metrics registry, so the agents' metrics can be read.
  worker = await startCampaignsWorker(loadConfig(env.env), createLogger('campaign-worker', 'fatal'), { registry });
}, 120_000);
afterAll(async () => {
  await consumer?.stop();
  await worker?.stop();
  await env?.close();
});

/**
 * The audit's "completed" event, once it has arrived on Pulsar, and proof that it arrived once: the
 * outbox holds one event for the audit, relayed, and the topic delivers no second one meanwhile.
 */
async function auditCompletedOnce(reportId: string) {
  const event = await waitFor(`the audit-completed event of ${reportId} on Pulsar`, () => completed.find((e) => e.subject === reportId), 30_000);
  const written = (await readOutbox(env.db)).filter((e) => e.topic.endsWith('/campaign-audit-completed') && e.subject === reportId);
  expect(written).toHaveLength(1);
  await new Promise((r) => setTimeout(r, 1_500));
  expect(completed.filter((e) => e.subject === reportId)).toHaveLength(1);
  return event;
}

const audit = (input: AuditInput) =>
  env.ctx.client.workflow.start<(i: AuditInput) => Promise<AgentReportResult>>('campaignAuditWorkflow', { workflowId: campaignAuditWorkflowId(input), taskQueue: CAMPAIGNS_TASK_QUEUE, args: [input] });
const agentsOf = (runs: AgentRunRow[]) => runs.map((r) => r.agent);

it('audits the poor site: website first, then social and SEO in parallel, then the report, stored as Markdown and JSON; tokens recorded and exported per agent', async () => {
  const input = { domain: 'bluefin-cycles.example', nonce: 'poor-1' };
  const started = Date.now();
  const handle = await audit(input);
  const result = await handle.result();
  const took = Date.now() - started;

  // The report: three scored sections with what the rules found on the poor site, and the agents' usage.
  const { json, markdown } = result;
  expect(result.reportId).toBe('campaign-audit-bluefin-cycles.example-poor-1');
  expect(json).toMatchObject({ kind: 'audit', domain: 'bluefin-cycles.example' });
  expect(json.sections.map((s) => s.title)).toEqual(['Website', 'Social media', 'SEO']);
  for (const s of json.sections) expect(s.score).toEqual(expect.any(Number));
  expect(json.score).toBe(Math.round(json.sections.reduce((n, s) => n + (s.score ?? 0), 0) / 3));
  const findings = json.sections.flatMap((s) => s.findings).join('\n');
  expect(findings).toMatch(/broken link\(s\): \/old-offers/);
  expect(findings).toMatch(/pages have no viewport meta tag/);
  expect(findings).toMatch(/image\(s\) without alt text/);
  expect(findings).toMatch(/pages have no meta description/);
  expect(findings).toMatch(/robots.txt does not name the sitemap/);
  expect(findings).toMatch(/the sitemap lists 1 of 4 pages/);
  expect(findings).toMatch(/linked to 1 social network\(s\) only \(facebook\)/);
  expect(json.agents.map((a) => a.agent).sort()).toEqual(['reportWriter', 'seoAnalysis', 'socialAnalysis', 'websiteAudit']);
  expect(markdown).toContain(`# ${json.headline}`);
  expect(markdown).toMatch(/## Website \(\d+\/100\)/);
  expect(markdown).toContain('| websiteAudit | sim |');
  // Stored, and readable again as it was answered.
  expect(await findReport(env.db, result.reportId)).toEqual({ markdown, json });
  expect(await handle.query(campaignAgentProgressQuery)).toMatchObject({ step: 'done', agents: { websiteAudit: 'done', socialAnalysis: 'done', seoAnalysis: 'done', reportWriter: 'done' } });

  // The order, from the history: social and SEO scheduled together by the same workflow task, after the website agent completed; the report after both.
  const { events } = await handle.fetchHistory();
  const scheduled = new Map<string, { id: number; task: number }>();
  const completedAt = new Map<number, number>();
  for (const e of events ?? []) {
    const s = e.activityTaskScheduledEventAttributes;
    if (s) scheduled.set(s.activityType?.name ?? '', { id: Number(e.eventId), task: Number(s.workflowTaskCompletedEventId) });
    const c = e.activityTaskCompletedEventAttributes;
    if (c) completedAt.set(Number(c.scheduledEventId), Number(e.eventId));
  }
  const at = (name: string) => scheduled.get(name) as { id: number; task: number };
  expect(at('socialAnalysis').task).toBe(at('seoAnalysis').task);
  expect(completedAt.get(at('websiteAudit').id)).toBeLessThan(at('socialAnalysis').id);
  expect(at('reportWriter').id).toBeGreaterThan(Math.max(completedAt.get(at('socialAnalysis').id) as number, completedAt.get(at('seoAnalysis').id) as number));

  // Recorded per agent in PostgreSQL: tokens, latency, outcome; the website's run ended before social and SEO started.
  const runs = await findAgentRuns(env.db, result.reportId);
  expect(agentsOf(runs).sort()).toEqual(['reportWriter', 'seoAnalysis', 'socialAnalysis', 'websiteAudit']);
  for (const r of runs) expect(r).toMatchObject({ outcome: 'ok', attempt: 1, llm_attempts: 1, model: 'sim', workflow_type: 'campaignAuditWorkflow' });
  for (const r of runs) expect(r.prompt_tokens > 0 && r.completion_tokens > 0).toBe(true);
  const run = (agent: string) => runs.find((r) => r.agent === agent) as AgentRunRow;
  expect(run('websiteAudit').finished_at.getTime()).toBeLessThanOrEqual(run('socialAnalysis').started_at.getTime());
  expect(run('websiteAudit').finished_at.getTime()).toBeLessThanOrEqual(run('seoAnalysis').started_at.getTime());
  // Exported as metrics, per agent and model.
  const metrics = await registry.metrics();
  for (const agent of ['website-audit', 'social-analysis', 'seo-analysis', 'report-writer']) {
    expect(metrics).toMatch(new RegExp(`fleet_llm_tokens_total\\{agent="${agent}",model="sim",kind="completion"[^}]*\\} [1-9]`));
  }
  expect(metrics).toMatch(/fleet_llm_calls_total\{agent="website-audit",model="sim",outcome="ok"[^}]*\} 1\n/);

  // "Audit completed" on Pulsar, exactly once, written with the report (the outbox, in the report's transaction): where the API serves it, and the agents' usage.
  const event = await auditCompletedOnce(result.reportId);
  expect(event).toMatchObject({ type: 'fleet.campaigns.campaign-audit-completed', source: 'campaign-worker', subject: result.reportId });
  expect(event.data).toEqual({
    auditId: result.reportId,
    domain: 'bluefin-cycles.example',
    workflowId: handle.workflowId,
    reportUrl: `/api/v0/campaigns/audits/${handle.workflowId}`,
    agents: 4,
    totalTokens: runs.reduce((n, r) => n + r.prompt_tokens + r.completion_tokens, 0),
    at: expect.any(String),
  });
  console.info(`audit of the poor site with the llm-sim: ${took} ms; tokens per agent: ${runs.map((r) => `${r.agent} ${r.prompt_tokens}+${r.completion_tokens} in ${r.latency_ms} ms`).join(', ')}`);
  await recordHistory(env.ctx.client, result.reportId, 'campaign-audit');
}, 60_000);

it('repairs an invalid answer once: every agent answers on its repair retry and the audit completes', async () => {
  const result = await (await audit({ domain: 'northwind-dental.example', nonce: 'repair-1', notes: '[[invalid-json]]' })).result();
  expect(result.json.agents.map((a) => a.attempts)).toEqual([2, 2, 2, 2]);
  const runs = await findAgentRuns(env.db, result.reportId);
  expect(runs.map((r) => [r.outcome, r.attempt, r.llm_attempts])).toEqual(Array(4).fill(['repaired', 1, 2]));
}, 60_000);

it('fails the audit at once when an answer stays invalid after its repair (non-retryable): nothing after the website agent runs', async () => {
  const started = Date.now();
  const handle = await audit({ domain: 'acme-bakery.example', nonce: 'invalid-1', notes: '[[invalid-json:2]]' });
  const failure = await handle.result().catch((err: unknown) => err);
  expect(failure).toBeInstanceOf(WorkflowFailedError);
  expect(failure).toMatchObject({ cause: { activityType: 'websiteAudit', cause: { type: 'LlmOutputError', nonRetryable: true } } });
  expect(Date.now() - started).toBeLessThan(10_000);
  const runs = await findAgentRuns(env.db, handle.workflowId);
  expect(runs.map((r) => [r.agent, r.outcome, r.attempt, r.llm_attempts])).toEqual([['websiteAudit', 'invalid_output', 1, 2]]);
  expect(await handle.query(campaignAgentProgressQuery)).toMatchObject({ step: 'failed', agents: { websiteAudit: 'failed' } });
  // No report, no "completed" event.
  expect(await findReport(env.db, handle.workflowId)).toBeUndefined();
  expect((await readOutbox(env.db)).filter((e) => e.subject === handle.workflowId)).toEqual([]);
}, 60_000);

it('runs the content pipeline: brief, draft, edit, three agents on the same building blocks', async () => {
  const input: ContentPipelineInput = { key: 'spring-1', business: 'Acme Bakery', topic: 'Sourdough week, 20% off', channel: 'meta' };
  const id = campaignContentPipelineWorkflowId(input);
  const result = await env.ctx.client.workflow.execute<(i: ContentPipelineInput) => Promise<ContentPipelineResult>>('campaignContentPipelineWorkflow', { workflowId: id, taskQueue: CAMPAIGNS_TASK_QUEUE, args: [input] });
  expect(result.brief.keyMessages.length).toBeGreaterThan(0);
  expect(result.final.headline.length).toBeGreaterThan(0);
  expect(result.agents.map((a) => a.agent)).toEqual(['contentBrief', 'contentWriter', 'contentEditor']);
  expect(agentsOf(await findAgentRuns(env.db, id))).toEqual(['contentBrief', 'contentWriter', 'contentEditor']);
  await recordHistory(env.ctx.client, id, 'campaign-content-pipeline');
}, 60_000);

it('runs the SEO analysis (keywords, then recommendations) and the report (one agent), each stored', async () => {
  const seoInput = { domain: 'northwind-dental.example', nonce: 'seo-1' };
  const seo = await env.ctx.client.workflow.execute<(i: AuditInput) => Promise<AgentReportResult>>('campaignSeoAnalysisWorkflow', { workflowId: campaignSeoAnalysisWorkflowId(seoInput), taskQueue: CAMPAIGNS_TASK_QUEUE, args: [seoInput] });
  expect(seo.json).toMatchObject({ kind: 'seo', headline: 'SEO analysis of northwind-dental.example' });
  expect(seo.json.agents.map((a) => a.agent)).toEqual(['seoKeywords', 'seoRecommendations']);
  expect(seo.markdown).toContain('## Target keywords');
  expect(await findReport(env.db, seo.reportId)).toEqual({ markdown: seo.markdown, json: seo.json });

  const reportInput = { domain: 'acme-bakery.example', nonce: 'report-1' };
  const report = await env.ctx.client.workflow.execute<(i: AuditInput) => Promise<AgentReportResult>>('campaignReportWorkflow', { workflowId: campaignReportWorkflowId(reportInput), taskQueue: CAMPAIGNS_TASK_QUEUE, args: [reportInput] });
  expect(report.json).toMatchObject({ kind: 'report', score: null });
  expect(report.json.agents.map((a) => a.agent)).toEqual(['reportWriter']);
  // The good site: nothing wrong by rule.
  expect(report.json.sections.flatMap((s) => s.findings)).toEqual([]);
  // Only an audit announces itself: the SEO analysis and the report write no "audit completed" event.
  expect((await readOutbox(env.db)).filter((e) => e.subject === seo.reportId || e.subject === report.reportId)).toEqual([]);
  await recordHistory(env.ctx.client, seo.reportId, 'campaign-seo-analysis');
  await recordHistory(env.ctx.client, report.reportId, 'campaign-report');
}, 60_000);

describe('with the real local model (SmolLM2-135M, one thread)', () => {
  let server: TestLlmServer | undefined;
  let realWorker: DomainWorker | undefined;
  // Enough for an assessment's JSON: the server fits its grammar's strings to this budget, so every answer is complete JSON.
  const maxTokens = 128;
  beforeAll(async () => {
    // The simulator's worker leaves the queues to a worker on the real model.
    await worker?.stop();
    worker = undefined;
    server = await startTestLlmServer('campaign-audit', { threads: 1 });
    realWorker = await startCampaignsWorker(
      loadConfig({ ...env.env, LLM_BASE_URL: server.baseUrl, LLM_MODEL: server.model, AGENT_MAX_TOKENS: String(maxTokens), LLM_TIMEOUT_MS: '300000' }),
      createLogger('campaign-worker', 'fatal'),
    );
  }, 300_000);
  afterAll(async () => {
    await realWorker?.stop();
    await server?.stop();
  });

  it('audits the poor site end to end: website, then social and SEO in parallel, then the report, stored, each answer valid within its budget', async () => {
    const input = { domain: 'bluefin-cycles.example', nonce: 'real-1', agentTimeoutSeconds: 300 };
    const started = Date.now();
    const handle = await audit(input);
    const result = await handle.result();
    const took = Date.now() - started;

    // The whole audit on the real model: four agents, three scored sections, the report stored as it was answered.
    const { json, markdown } = result;
    expect(json).toMatchObject({ kind: 'audit', domain: 'bluefin-cycles.example' });
    expect(json.headline.length).toBeGreaterThan(0);
    expect(json.summary.length).toBeGreaterThan(0);
    expect(json.sections.map((s) => s.title)).toEqual(['Website', 'Social media', 'SEO']);
    for (const s of json.sections) expect(s.score).toEqual(expect.any(Number));
    expect(json.agents.map((a) => a.agent).sort()).toEqual(['reportWriter', 'seoAnalysis', 'socialAnalysis', 'websiteAudit']);
    for (const a of json.agents) {
      expect(a.model).toBe(server?.model);
      expect(a.completionTokens).toBeGreaterThan(0);
      expect(a.completionTokens).toBeLessThanOrEqual(maxTokens * a.attempts);
    }
    expect(await findReport(env.db, result.reportId)).toEqual({ markdown, json });
    expect(await handle.query(campaignAgentProgressQuery)).toMatchObject({ step: 'done' });

    // Social and SEO ran side by side, after the website agent; the report after both.
    const runs = await findAgentRuns(env.db, result.reportId);
    expect(runs.map((r) => r.outcome)).toEqual(Array(4).fill(expect.stringMatching(/^(ok|repaired)$/)));
    const run = (agent: string) => runs.find((r) => r.agent === agent) as AgentRunRow;
    for (const agent of ['socialAnalysis', 'seoAnalysis']) expect(run('websiteAudit').finished_at.getTime()).toBeLessThanOrEqual(run(agent).started_at.getTime());
    expect(run('reportWriter').started_at.getTime()).toBeGreaterThanOrEqual(Math.max(run('socialAnalysis').finished_at.getTime(), run('seoAnalysis').finished_at.getTime()));

    // And announced once.
    const event = await auditCompletedOnce(result.reportId);
    expect(event.data).toMatchObject({ auditId: result.reportId, agents: 4, reportUrl: `/api/v0/campaigns/audits/${handle.workflowId}` });
    console.info(
      `audit with the real model: ${took} ms in all; ` +
        runs.map((r) => `${r.agent} ${r.prompt_tokens}+${r.completion_tokens} tokens in ${r.latency_ms} ms (${r.llm_attempts} call(s))`).join(', ') +
        `; headline ${JSON.stringify(json.headline)}, scores ${json.sections.map((s) => s.score).join('/')}`,
    );
  }, 600_000);
});
