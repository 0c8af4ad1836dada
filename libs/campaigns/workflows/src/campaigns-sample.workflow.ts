import { parseInput } from '@fleet/shared-domain';
import { proxyActivities, setHandler } from '@temporalio/workflow';
import { campaignsDomain, campaignsSampleStateQuery, type CampaignsActivities, type CampaignsSampleInput, type CampaignsSampleResult, type CampaignsSampleState } from '@fleet/campaigns-contracts';

// A database write: retried with backoff while the database is away, for at most 10 minutes;
// bad data fails at once (the worker makes PostgreSQL data errors non-retryable).
const { recordSample } = proxyActivities<CampaignsActivities>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '10 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

/** The generator's sample: validates its input, records it through an activity, answers a query. */
export async function campaignsSampleWorkflow(raw: CampaignsSampleInput): Promise<CampaignsSampleResult> {
  const { sample } = campaignsDomain.workflows;
  const input = parseInput(sample.type, sample.input, raw);
  const state: CampaignsSampleState = { sampleId: input.sampleId, phase: 'recording' };
  setHandler(campaignsSampleStateQuery, () => state);
  const result = await recordSample(input);
  state.phase = 'recorded';
  return result;
}
