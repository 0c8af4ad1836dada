/**
 * The naive publisher's workflow (bundled by ./naive-publisher.ts): one activity publishes the
 * campaign on every channel in one go, with Temporal's default retry policy (1 s, doubling to
 * 100 s, unlimited attempts) and no limiter.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { NaiveActivities, NaivePublishInput } from './naive-publisher';

const { publishAllChannels } = proxyActivities<NaiveActivities>({ startToCloseTimeout: '1 minute' });

export async function naivePublishWorkflow(input: NaivePublishInput): Promise<{ externalIds: string[] }> {
  return publishAllChannels(input);
}
