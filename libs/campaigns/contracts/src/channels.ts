import { z } from 'zod';

/** The channels a campaign publishes on: three ad/social platforms and e-mail (SMTP). */
export const CHANNELS = ['google', 'meta', 'linkedin', 'email'] as const;
export type Channel = (typeof CHANNELS)[number];

/** The default task queue: workflows and light activities (records, review polling). */
export const CAMPAIGNS_TASK_QUEUE = 'campaigns';
/** LLM calls, with bounded concurrency. */
export const CAMPAIGNS_AI_TASK_QUEUE = 'campaigns-ai';

/** One queue per channel, rate-limited by the worker from the channel's quota (`maxTaskQueueActivitiesPerSecond`). */
export function publishTaskQueue(channel: Channel): string {
  return `campaigns-publish-${channel}`;
}

/** The channel of a publish queue, or undefined when the queue is not one. */
export function channelOfTaskQueue(queue: string): Channel | undefined {
  const m = /^campaigns-publish-([a-z]+)$/.exec(queue);
  return m && (CHANNELS as readonly string[]).includes(m[1] as string) ? (m[1] as Channel) : undefined;
}

/**
 * The deterministic external reference of one creative on one channel: `campaignId:channel` and the
 * creative's number. The platforms take no idempotency keys, so the publish activity looks this
 * reference up before it creates anything: a retry or a killed worker never makes a duplicate.
 */
export function externalReference(campaignId: string, channel: Channel, creative: number): string {
  return `${campaignId}:${channel}:${creative}`;
}

/** Per channel, what the platform accepts (the LLM's output is validated against these). */
export const CHANNEL_LIMITS: Record<Channel, { headline: number; body: number }> = {
  google: { headline: 30, body: 90 },
  meta: { headline: 40, body: 125 },
  linkedin: { headline: 70, body: 600 },
  email: { headline: 120, body: 2000 },
};

/** One creative as generated for a channel. */
export function creativeSchema(channel: Channel) {
  const limits = CHANNEL_LIMITS[channel];
  return z
    .object({
      headline: z.string().trim().min(1).max(limits.headline),
      body: z.string().trim().min(1).max(limits.body),
      callToAction: z.string().trim().min(1).max(30),
    })
    .strict();
}
export type Creative = z.output<ReturnType<typeof creativeSchema>>;

/** What the LLM must answer for a channel: exactly `count` creatives within the channel's limits. */
export function channelContentSchema(channel: Channel, count: number) {
  return z.object({ creatives: z.array(creativeSchema(channel)).length(count) }).strict();
}
