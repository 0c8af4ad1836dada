import type { Channel } from '@fleet/campaigns-contracts';
import type { Kysely, Transaction } from 'kysely';
import type { CampaignsDatabase, PublicationStatus } from './schema';

type Db = Kysely<CampaignsDatabase> | Transaction<CampaignsDatabase>;

export interface PublicationRow {
  reference: string;
  campaign_id: string;
  channel: string;
  creative: number;
  external_id: string | null;
  status: PublicationStatus;
  feedback: string | null;
}

export function findPublication(db: Db, reference: string): Promise<PublicationRow | undefined> {
  return db.selectFrom('campaign_publications').select(['reference', 'campaign_id', 'channel', 'creative', 'external_id', 'status', 'feedback']).where('reference', '=', reference).executeTakeFirst();
}

/**
 * Records a publication's new status; answers whether it changed (so its event is written once).
 * A row in a final state (unpublished) is never moved back.
 */
export async function savePublication(
  db: Db,
  p: { reference: string; campaignId: string; channel: Channel; creative: number; externalId: string | null; status: PublicationStatus; feedback?: string | null; at: string },
): Promise<boolean> {
  const stamps = {
    published_at: p.status === 'pending_review' || p.status === 'approved' || p.status === 'sent' ? p.at : null,
    reviewed_at: p.status === 'approved' || p.status === 'disapproved' ? p.at : null,
    unpublished_at: p.status === 'unpublished' ? p.at : null,
  };
  const row = await db
    .insertInto('campaign_publications')
    .values({ reference: p.reference, campaign_id: p.campaignId, channel: p.channel, creative: p.creative, external_id: p.externalId, status: p.status, feedback: p.feedback ?? null, ...stamps })
    .onConflict((oc) =>
      oc
        .column('reference')
        .doUpdateSet((eb) => ({
          status: eb.ref('excluded.status'),
          external_id: eb.fn.coalesce('excluded.external_id', 'campaign_publications.external_id'),
          feedback: eb.fn.coalesce('excluded.feedback', 'campaign_publications.feedback'),
          published_at: eb.fn.coalesce('campaign_publications.published_at', 'excluded.published_at'),
          reviewed_at: eb.fn.coalesce('campaign_publications.reviewed_at', 'excluded.reviewed_at'),
          unpublished_at: eb.fn.coalesce('campaign_publications.unpublished_at', 'excluded.unpublished_at'),
          updated_at: new Date(),
        }))
        .where((eb) => eb.and([eb('campaign_publications.status', '<>', eb.ref('excluded.status')), eb('campaign_publications.status', '<>', 'unpublished')])),
    )
    .returning('reference')
    .executeTakeFirst();
  return row !== undefined;
}
