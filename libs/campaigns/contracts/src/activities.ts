import type { CampaignsSampleInput, CampaignsSampleResult } from './campaigns-sample';

/** The campaign-worker's activities; workflows see this interface only (`import type`). */
export interface CampaignsActivities {
  /** Records the sample and its event in one transaction; a repeated call records nothing twice. */
  recordSample(input: CampaignsSampleInput): Promise<CampaignsSampleResult>;
}
