import { createAgentActivities, type AgentCallRecord } from '@fleet/campaigns-activities';
import type { CampaignsDatabase } from '@fleet/campaigns-data-access';
import type { Logger } from '@fleet/shared-observability';
import { createChatClient, createLlmMetrics } from '@fleet/shared-llm';
import type { ActivityDeps, DomainActivities } from '@fleet/shared-worker';
import type { Kysely } from 'kysely';
import type { CampaignsWorkerConfig } from './config';

/**
 * Adds the AI agent workflows' activities (every agent, the site fetcher, the report store) to the
 * worker's: each agent call goes through `@fleet/shared-llm` with the agent's name, its tokens,
 * cost and latency exported as the worker's metrics (when it has a registry) and recorded in the
 * database.
 */
export function withAgentActivities(deps: { db: Kysely<CampaignsDatabase>; outbox: ActivityDeps<CampaignsDatabase>['outbox']; logger: Logger; registry?: ActivityDeps<CampaignsDatabase>['registry'] }, config: CampaignsWorkerConfig, domain: DomainActivities): DomainActivities {
  const metrics: { record(call: AgentCallRecord): void } | undefined = deps.registry ? createLlmMetrics(deps.registry) : undefined;
  const agents = createAgentActivities({
    db: deps.db,
    outbox: deps.outbox,
    logger: deps.logger,
    metrics,
    maxTokens: config.AGENT_MAX_TOKENS,
    sitesBaseUrl: config.SITES_BASE_URL ?? config.CHANNELS_URL,
    llm: ({ agent, metrics: callMetrics }) =>
      createChatClient({
        baseUrl: config.LLM_BASE_URL,
        model: config.LLM_MODEL,
        apiKey: config.LLM_API_KEY || undefined,
        timeoutMs: config.LLM_TIMEOUT_MS,
        price: { promptPer1k: config.LLM_PRICE_PROMPT_PER_1K, completionPer1k: config.LLM_PRICE_COMPLETION_PER_1K },
        agent,
        metrics: callMetrics,
      }),
  });
  return { ...domain, activities: { ...domain.activities, ...agents } };
}
