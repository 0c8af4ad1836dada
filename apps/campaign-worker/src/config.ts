import { envSchemas } from '@fleet/shared-config';
import { loadWorkerConfig } from '@fleet/shared-worker';
import { z } from 'zod';

const rate = (fallback: number) => z.coerce.number().positive().max(10_000).default(fallback);

/** The campaign-worker's configuration: every domain worker's variables, its metrics port, the LLM, the platforms, SMTP and each channel's quota. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadWorkerConfig(
    {
      METRICS_PORT: envSchemas.port(9467),
      /** An OpenAI-compatible chat-completions endpoint: the local llm-server by default, a hosted provider unchanged. */
      LLM_BASE_URL: envSchemas.url.default('http://127.0.0.1:50081/v1'),
      LLM_MODEL: z.string().min(1).default('smollm2-135m-instruct'),
      LLM_API_KEY: z.string().default(''),
      LLM_TIMEOUT_MS: envSchemas.positiveInt(120_000),
      /** LLM calls at once on the campaigns-ai queue. */
      AI_CONCURRENCY: envSchemas.positiveInt(2),
      /** The ad and social platforms (locally apps/channels-sim) and the account campaigns are created in. */
      CHANNELS_URL: envSchemas.url.default('http://127.0.0.1:50071'),
      CHANNELS_ACCOUNT: z.string().regex(/^[A-Za-z0-9_-]+$/).default('fleet'),
      /** Each channel's quota in calls per second: its publish queue's maxTaskQueueActivitiesPerSecond and its limiter's spacing. */
      QUOTA_GOOGLE: rate(10),
      QUOTA_META: rate(10),
      QUOTA_LINKEDIN: rate(10),
      QUOTA_EMAIL: rate(20),
      /** The SMTP server e-mail campaigns go through (locally Mailpit) and the sender. */
      SMTP_HOST: z.string().min(1).default('127.0.0.1'),
      SMTP_PORT: envSchemas.port(1025),
      SMTP_FROM: z.email().default('fleet-campaigns@localhost'),
      /** Where the presence audit reads sites (`/sites/<domain>/`) and social profiles: locally apps/channels-sim (CHANNELS_URL when unset). */
      SITES_BASE_URL: envSchemas.url.optional(),
      /** max_tokens of each agent's call (keep it small for the local model). */
      AGENT_MAX_TOKENS: envSchemas.positiveInt(400),
      /** USD per 1000 tokens, for the agents' recorded cost (0 for the local model). */
      LLM_PRICE_PROMPT_PER_1K: z.coerce.number().min(0).default(0),
      LLM_PRICE_COMPLETION_PER_1K: z.coerce.number().min(0).default(0),
    },
    env,
  );
}

export type CampaignsWorkerConfig = ReturnType<typeof loadConfig>;

/** A channel's quota in calls per second. */
export function quotaOf(config: CampaignsWorkerConfig, channel: string): number {
  switch (channel) {
    case 'google':
      return config.QUOTA_GOOGLE;
    case 'meta':
      return config.QUOTA_META;
    case 'linkedin':
      return config.QUOTA_LINKEDIN;
    default:
      return config.QUOTA_EMAIL;
  }
}
