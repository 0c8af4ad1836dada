import { campaignsEvents, type CampaignChange, type CampaignsActivities } from '@fleet/campaigns-contracts';
import { insertCampaign, insertChanges, insertOptimizationDecisions, updateCampaignView, type CampaignsDatabase, type OptimizationChange } from '@fleet/campaigns-data-access';
import type { Outbox } from '@fleet/shared-events';
import type { Transaction } from 'kysely';
import type { CampaignsActivityDeps } from './deps';

/**
 * The campaign's record and its recorded changes, each with its event, in one transaction. An
 * optimization decision also gets its own row, keyed (campaign, pass, channel, action): its event
 * is written only with a row that is new.
 */
export function createCampaignActivities({ db, outbox, logger }: CampaignsActivityDeps): Pick<CampaignsActivities, 'createCampaignRecord' | 'recordCampaignChanges'> {
  return {
    async createCampaignRecord({ workflowId, input, at }) {
      const record = await insertCampaign(db, workflowId, input, at);
      logger.info({ ...record, idempotencyKey: input.idempotencyKey }, 'campaign record');
      return record;
    },
    async recordCampaignChanges({ view, changes }) {
      const campaignId = view.campaignId as string;
      await db.transaction().execute(async (trx) => {
        const fresh = await insertChanges(trx, campaignId, changes);
        const decided = new Set<CampaignChange>(await insertOptimizationDecisions(trx, campaignId, fresh.filter((c): c is OptimizationChange => c.kind === 'optimization')));
        await updateCampaignView(trx, view);
        await appendEvents(trx, outbox, campaignId, fresh.filter((c) => c.kind !== 'optimization' || decided.has(c)));
      });
    },
  };
}

async function appendEvents(trx: Transaction<CampaignsDatabase>, outbox: Outbox, campaignId: string, changes: readonly CampaignChange[]): Promise<void> {
  const e = campaignsEvents;
  for (const c of changes) {
    const one = <D>(data: D) => [{ subject: campaignId, data, time: new Date(c.at) }];
    switch (c.kind) {
      case 'state':
        await outbox.append(trx, e.stateChanged, one({ campaignId, from: c.from, to: c.to, by: c.by, reason: c.reason, at: c.at }));
        break;
      case 'approval-reminder':
        await outbox.append(trx, e.approvalReminder, one({ campaignId, expiresAt: c.expiresAt, at: c.at }));
        break;
      case 'channel':
        await outbox.append(trx, e.channelChanged, one({ campaignId, channel: c.channel, status: c.status, by: c.by, reason: c.reason, at: c.at }));
        break;
      case 'optimization':
        await outbox.append(trx, e.optimizationDecision, one({ campaignId, pass: c.pass, action: c.action, channel: c.channel, toChannel: c.toChannel, amount: c.amount, reason: c.reason, at: c.at }));
        break;
      default:
        break;
    }
  }
}
