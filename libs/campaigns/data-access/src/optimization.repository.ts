import type { CampaignChange } from '@fleet/campaigns-contracts';
import type { Kysely, Transaction } from 'kysely';
import type { CampaignsDatabase } from './schema';

type Db = Kysely<CampaignsDatabase> | Transaction<CampaignsDatabase>;

/** An optimization decision as the campaign's change stream carries it. */
export type OptimizationChange = Extract<CampaignChange, { kind: 'optimization' }>;

const keyOf = (d: { pass: number; channel: string; action: string }) => `${d.pass}/${d.channel}/${d.action}`;

/**
 * Inserts the decisions not recorded yet and answers those it inserted: (campaign, pass, channel,
 * action) is the key, so a retried recording inserts nothing twice.
 */
export async function insertOptimizationDecisions(db: Db, campaignId: string, decisions: readonly OptimizationChange[]): Promise<OptimizationChange[]> {
  if (!decisions.length) return [];
  const inserted = await db
    .insertInto('campaign_optimization_decisions')
    .values(
      decisions.map((d) => ({
        campaign_id: campaignId,
        pass: d.pass,
        channel: d.channel,
        action: d.action,
        to_channel: d.toChannel,
        amount: d.amount,
        reason: d.reason,
        impressions: d.impressions,
        clicks: d.clicks,
        seq: d.seq,
        decided_at: d.at,
      })),
    )
    .onConflict((oc) => oc.columns(['campaign_id', 'pass', 'channel', 'action']).doNothing())
    .returning(['pass', 'channel', 'action'])
    .execute();
  const fresh = new Set(inserted.map(keyOf));
  return decisions.filter((d) => fresh.has(keyOf(d)));
}
