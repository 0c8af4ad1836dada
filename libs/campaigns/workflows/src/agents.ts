import { parseInput } from '@fleet/shared-domain';
import {
  CAMPAIGNS_AI_TASK_QUEUE,
  campaignAgentProgressQuery,
  campaignsDomain,
  type AgentActivities,
  type AgentInputs,
  type AgentName,
  type AgentOutput,
  type AgentReport,
  type AgentReportResult,
  type AgentRun,
  type AgentSupportActivities,
  type AgentWorkflowProgress,
  type Assessment,
  type ReportSection,
  type SiteFacts,
} from '@fleet/campaigns-contracts';
import { proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { z } from 'zod';

/** The site fetcher and the report store: light, on the default queue, retried while a dependency is away. */
const support = proxyActivities<AgentSupportActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 10 },
});

/**
 * The workflow side of the agents: `run(name, input)` calls one agent activity on `campaigns-ai`
 * (its start-to-close timeout, a 30 s heartbeat timeout, three attempts for what may pass: an
 * answer invalid after its repair fails at once) and keeps the workflow's progress (its query) and
 * the agents' usage; `fetchSite` and `store` are the shared steps of the report workflows.
 */
export function agentWorkflow<K extends keyof typeof campaignsDomain.workflows>(key: K, raw: unknown) {
  const contract = campaignsDomain.workflows[key];
  const input = parseInput(contract.type, contract.input as z.ZodType, raw) as z.output<(typeof campaignsDomain.workflows)[K]['input']>;
  const timeout = (input as { agentTimeoutSeconds?: number }).agentTimeoutSeconds ?? 180;
  const ai = proxyActivities<AgentActivities>({
    taskQueue: CAMPAIGNS_AI_TASK_QUEUE,
    startToCloseTimeout: `${timeout} seconds`,
    heartbeatTimeout: '30 seconds',
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 3 },
  });
  const progress: AgentWorkflowProgress = { step: 'starting', agents: {}, usage: [] };
  setHandler(campaignAgentProgressQuery, () => progress);
  const notes = (input as { notes?: string }).notes;

  return {
    input,
    progress,
    step(name: string) {
      progress.step = name;
    },
    /** One agent: its validated answer (its usage kept for the result and the report). */
    async run<A extends AgentName>(name: A, agentInput: Omit<AgentInputs[A], 'notes'>): Promise<AgentOutput<A>> {
      progress.agents[name] = 'running';
      try {
        const call = ai[name] as unknown as (i: AgentInputs[A]) => Promise<AgentRun<AgentOutput<A>>>;
        const { value, ...usage } = await call({ ...agentInput, ...(notes ? { notes } : {}) } as AgentInputs[A]);
        progress.agents[name] = 'done';
        progress.usage.push(usage);
        return value;
      } catch (err) {
        progress.agents[name] = 'failed';
        progress.step = 'failed';
        throw err;
      }
    },
    fetchSite(domain: string): Promise<SiteFacts> {
      progress.step = 'fetch';
      return support.fetchSite({ domain });
    },
    /** Stores the report under the workflow's id; the overall score is the mean of the scored sections. */
    async store(report: Pick<AgentReport, 'kind' | 'domain' | 'headline' | 'summary' | 'sections'>): Promise<AgentReportResult> {
      progress.step = 'store';
      const scores = report.sections.map((s) => s.score).filter((s): s is number => s !== null);
      const score = scores.length ? Math.round(scores.reduce((a, b) => a + b, 0) / scores.length) : null;
      const result = await support.storeReport({ report: { ...report, reportId: workflowInfo().workflowId, score, agents: progress.usage } });
      progress.step = 'done';
      return result;
    },
  };
}

/** A report section from an agent's assessment and the facts of its area. */
export function section(title: string, area: SiteFacts['findings'][number]['area'], facts: SiteFacts, a: Assessment | null): ReportSection {
  const findings = facts.findings.filter((f) => f.area === area).map((f) => f.issue);
  return { title, score: a?.score ?? null, summary: a?.summary ?? `${findings.length} problem(s) found.`, findings, recommendations: a?.recommendations ?? [] };
}
