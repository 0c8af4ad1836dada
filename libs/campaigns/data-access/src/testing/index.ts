import type { Kysely } from 'kysely';
import type { CampaignsDatabase } from '../schema';

/** A campaign's recorded changes, in order, for tests. */
export function readChanges(db: Kysely<CampaignsDatabase>, campaignId: string) {
  return db.selectFrom('campaign_changes').select(['seq', 'kind', 'data', 'at']).where('campaign_id', '=', campaignId).orderBy('seq').execute();
}

/** A campaign's row, for tests. */
export function readCampaign(db: Kysely<CampaignsDatabase>, campaignId: string) {
  return db.selectFrom('campaigns').selectAll().where('campaign_id', '=', campaignId).executeTakeFirst();
}

/** A campaign's publications, for tests. */
export function readPublications(db: Kysely<CampaignsDatabase>, campaignId: string) {
  return db.selectFrom('campaign_publications').selectAll().where('campaign_id', '=', campaignId).orderBy('reference').execute();
}

/** A campaign's optimization decisions, in order of pass, for tests. */
export function readOptimizationDecisions(db: Kysely<CampaignsDatabase>, campaignId: string) {
  return db.selectFrom('campaign_optimization_decisions').selectAll().where('campaign_id', '=', campaignId).orderBy('pass').orderBy('seq').execute();
}

/** The channels' limiter rows, for tests. */
export function readLimits(db: Kysely<CampaignsDatabase>) {
  return db.selectFrom('campaign_channel_limits').selectAll().orderBy('channel').execute();
}

/** Events written to the outbox (topic, subject, envelope data), in order, for tests. */
export async function readOutbox(db: Kysely<CampaignsDatabase>): Promise<{ topic: string; subject: string; data: Record<string, unknown> }[]> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the outbox table belongs to shared-events
  const rows = (await (db as Kysely<any>).selectFrom('event_outbox').select(['topic', 'subject', 'envelope']).orderBy('seq').execute()) as { topic: string; subject: string; envelope: string }[];
  return rows.map((r) => ({ topic: r.topic, subject: r.subject, data: (JSON.parse(r.envelope) as { data: Record<string, unknown> }).data }));
}
