import { CHANNEL_LIMITS, channelContentSchema, type CampaignsActivities, type Creative } from '@fleet/campaigns-contracts';
import { findContents, saveContents } from '@fleet/campaigns-data-access';
import type { z } from 'zod';
import type { CampaignsActivityDeps } from './deps';
import { activityContext } from './channels/limiter';

/**
 * Structured output from an LLM: the answer is validated against `schema`, and a wrong one is sent
 * back once with the validation errors for a repair. Implemented over `@fleet/shared-llm`.
 */
export interface ContentWriter {
  write<S extends z.ZodType>(request: { system: string; user: string; schema: S; schemaName: string; signal?: AbortSignal }): Promise<{ value: z.output<S>; model: string }>;
}

const HEARTBEAT_MS = 2_000;

/**
 * `generateContent`: a channel's creatives, written by the LLM from the campaign's brief within the
 * channel's limits. Stored once (a retried activity, or a replayed one, answers what was stored);
 * heartbeats while the model writes so a lost worker is noticed within the heartbeat timeout, and a
 * cancel aborts the request.
 */
export function createContentActivities({ db, logger }: CampaignsActivityDeps, writer: ContentWriter): Pick<CampaignsActivities, 'generateContent'> {
  return {
    async generateContent({ campaignId, channel, name, brief, count }) {
      const stored = await findContents(db, campaignId, channel);
      if (stored && stored.creatives.length === count) return stored;
      const limits = CHANNEL_LIMITS[channel];
      const context = activityContext();
      const beat = setInterval(() => context?.heartbeat(), HEARTBEAT_MS);
      try {
        const { value, model } = await writer.write({
          system:
            'You write advertising creatives. Answer with JSON only: {"creatives":[{"headline":string,"body":string,"callToAction":string}]}. ' +
            `Exactly ${count} creatives. headline at most ${limits.headline} characters, body at most ${limits.body}, callToAction at most 30.`,
          user: `Channel: ${channel}\nCampaign: ${name}\nBrief: ${brief}`,
          schema: channelContentSchema(channel, count),
          schemaName: `campaign_${channel}_creatives`,
          signal: context?.cancellationSignal,
        });
        const creatives: Creative[] = await saveContents(db, campaignId, channel, value.creatives, model);
        logger.info({ campaignId, channel, count, model }, 'content generated');
        return { creatives, model };
      } finally {
        clearInterval(beat);
      }
    },
  };
}
