import { defineEvent } from '@fleet/shared-event-contracts';

/** The ticketing domain's events, published to `persistent://fleet/ticketing/<topic>`. */
export const ticketingEvents = {
  sampleRecorded: defineEvent<{ sampleId: string; length: number }>()({
    type: 'fleet.ticketing.sample-recorded',
    domain: 'ticketing',
    topic: 'sample-recorded',
    schemaVersion: 1,
  }),
};
