import { defineEvent } from '@fleet/shared-event-contracts';
import type { IsoDate } from '@fleet/shared-domain';

/** The license domain's events, published to `persistent://fleet/license/<topic>`, keyed by agent id. */
export const licenseEvents = {
  agentDeactivated: defineEvent<{ agentId: string; batchId: string; batchDate: IsoDate; reason: string; previousStatus: string }>()({
    type: 'fleet.license.agent-deactivated',
    domain: 'license',
    topic: 'agent-deactivated',
    schemaVersion: 1,
  }),
  agentReinstated: defineEvent<{ agentId: string; licenseId: string; renewalDate: IsoDate; restoredStatus: string }>()({
    type: 'fleet.license.agent-reinstated',
    domain: 'license',
    topic: 'agent-reinstated',
    schemaVersion: 1,
  }),
  renewalReminderQueued: defineEvent<{ agentId: string; licenseId: string; renewalDate: IsoDate; daysBefore: number }>()({
    type: 'fleet.license.renewal-reminder-queued',
    domain: 'license',
    topic: 'renewal-reminder-queued',
    schemaVersion: 1,
  }),
};

