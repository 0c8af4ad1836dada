import { campaignsEvents, type CampaignsActivities, type Channel, type PublishRequest } from '@fleet/campaigns-contracts';
import { findPublication, savePublication, type CampaignsDatabase, type PublicationStatus } from '@fleet/campaigns-data-access';
import type { Outbox } from '@fleet/shared-events';
import { ApplicationFailure } from '@temporalio/common';
import type { Kysely } from 'kysely';
import type { CampaignsActivityDeps } from './deps';
import { PLATFORM_REFUSED } from './channels/http';
import { activityContext, sleepHeartbeating } from './channels/limiter';
import type { ChannelPlatform, PlatformObject } from './channels/platforms';
import { campaignMessageId, type Mailer } from './channels/smtp';

export interface PublishChannels {
  platforms: Record<Exclude<Channel, 'email'>, ChannelPlatform>;
  mailer: Mailer;
}

type Publication = { reference: string; campaignId: string; channel: Channel; creative: number; externalId: string | null; status: PublicationStatus; feedback?: string | null; at: string };

/** Records a publication's status and, when it changed, its event; one transaction. */
async function record(db: Kysely<CampaignsDatabase>, outbox: Outbox, p: Publication, eventStatus = p.status as string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (!(await savePublication(trx, p))) return;
    const data = { campaignId: p.campaignId, channel: p.channel, creative: p.creative, reference: p.reference, externalId: p.externalId, status: eventStatus as never, feedback: p.feedback ?? null, at: p.at };
    await outbox.append(trx, campaignsEvents.publishResult, [{ subject: p.campaignId, data, time: new Date(p.at) }]);
  });
}

/**
 * Publishing, review and compensation. Every platform call goes through the channel's limiter.
 * The platforms take no idempotency keys: `publishCreative` looks the creative's reference up first
 * and creates only when nothing carries it, so a retry, or a worker killed between the create and
 * its record, never makes a duplicate.
 */
export function createPublishActivities({ db, outbox, logger }: CampaignsActivityDeps, channels: PublishChannels): Pick<CampaignsActivities, 'publishCreative' | 'awaitReview' | 'unpublishCreative'> {
  const base = (r: { campaignId: string; channel: Channel; creative: number; reference: string }) => ({ campaignId: r.campaignId, channel: r.channel, creative: r.creative, reference: r.reference });

  const publishEmail = async (p: PublishRequest) => {
    const known = await findPublication(db, p.reference);
    if (known?.status === 'sent') return { externalId: known.external_id as string, status: 'approved' as const, found: true };
    const externalId = campaignMessageId(p.reference, p.recipients[0] ?? '');
    await savePublication(db, { ...base(p), externalId, status: 'publishing', at: p.at });
    for (const to of p.recipients) {
      activityContext()?.heartbeat();
      const sent = await channels.mailer.send({
        to,
        subject: p.content.headline,
        text: `${p.content.body}\n\n${p.content.callToAction}`,
        messageId: campaignMessageId(p.reference, to),
        headers: { 'X-Fleet-Campaign': p.campaignId, 'X-Fleet-Reference': p.reference },
      });
      if (sent.outcome === 'refused') logger.warn({ reference: p.reference, to, detail: sent.detail }, 'recipient refused');
    }
    await record(db, outbox, { ...base(p), externalId, status: 'sent', at: p.at }, 'approved');
    return { externalId, status: 'approved' as const, found: false };
  };

  return {
    async publishCreative(p) {
      if (p.channel === 'email') return publishEmail(p);
      const platform = channels.platforms[p.channel];
      const existing = await platform.find(p.reference);
      activityContext()?.heartbeat();
      let externalId = existing?.externalId;
      if (!externalId) {
        await savePublication(db, { ...base(p), externalId: null, status: 'publishing', at: p.at });
        try {
          externalId = await platform.create(p);
        } catch (err) {
          if (err instanceof ApplicationFailure && err.type === PLATFORM_REFUSED) await record(db, outbox, { ...base(p), externalId: null, status: 'failed', feedback: err.message, at: p.at });
          throw err;
        }
      }
      const status = existing?.review === 'approved' ? 'approved' : 'pending_review';
      await record(db, outbox, { ...base(p), externalId, status, at: p.at });
      logger.debug({ reference: p.reference, externalId, found: Boolean(existing) }, 'creative published');
      return { externalId, status, found: Boolean(existing) };
    },

    async awaitReview(r) {
      if (r.channel === 'email') return { status: 'approved', feedback: null };
      const platform = channels.platforms[r.channel];
      const context = activityContext();
      // Polls back off from the campaign's interval to a minute; each poll is one call within the quota.
      let delay = r.pollSeconds * 1000;
      for (;;) {
        const object: PlatformObject | undefined = await platform.read(r.externalId);
        if (!object || object.review === 'removed') throw ApplicationFailure.nonRetryable(`${r.reference} (${r.externalId}) is gone from ${r.channel}`, 'CreativeGone');
        if (object.review === 'approved' || object.review === 'disapproved') {
          const at = new Date().toISOString();
          await record(db, outbox, { ...base(r), externalId: r.externalId, status: object.review, feedback: object.feedback, at });
          return { status: object.review, feedback: object.feedback };
        }
        context?.heartbeat();
        await sleepHeartbeating(delay);
        delay = Math.min(60_000, Math.round(delay * 1.5));
      }
    },

    async unpublishCreative(u) {
      const at = u.at;
      if (u.channel === 'email') {
        const known = await findPublication(db, u.reference);
        if (!known || known.status !== 'sent') return { outcome: 'absent' };
        await db.transaction().execute(async (trx) => {
          const data = { ...base(u), externalId: known.external_id, status: 'irreversible' as const, feedback: 'e-mail cannot be unsent', at };
          await outbox.append(trx, campaignsEvents.publishResult, [{ subject: u.campaignId, data, time: new Date(at) }]);
        });
        return { outcome: 'irreversible' };
      }
      const platform = channels.platforms[u.channel];
      const found = await platform.find(u.reference);
      if (!found) {
        const known = await findPublication(db, u.reference);
        if (known?.external_id && known.status !== 'unpublished') await record(db, outbox, { ...base(u), externalId: known.external_id, status: 'unpublished', at });
        return { outcome: 'absent' };
      }
      await platform.remove(found.externalId);
      await record(db, outbox, { ...base(u), externalId: found.externalId, status: 'unpublished', at });
      logger.info({ reference: u.reference, externalId: found.externalId }, 'creative unpublished');
      return { outcome: 'removed' };
    },
  };
}
