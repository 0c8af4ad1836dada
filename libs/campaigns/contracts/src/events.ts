import { defineEvent } from '@fleet/shared-event-contracts';

/** The campaigns domain's events, published to `persistent://fleet/campaigns/<topic>`. */
export const campaignsEvents = {
  sampleRecorded: defineEvent<{ sampleId: string; length: number }>()({
    type: 'fleet.campaigns.sample-recorded',
    domain: 'campaigns',
    topic: 'sample-recorded',
    schemaVersion: 1,
  }),
};
