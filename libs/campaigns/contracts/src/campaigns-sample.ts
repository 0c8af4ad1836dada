import { defineQuery } from '@temporalio/workflow';

/** The sample workflow's input: replace the sample with the domain's first workflow. */
export interface CampaignsSampleInput {
  sampleId: string;
  text: string;
}

export interface CampaignsSampleResult {
  sampleId: string;
  length: number;
  /** False when the sample had been recorded before (a repeated start records nothing twice). */
  recorded: boolean;
  recordedAt: string;
}

export interface CampaignsSampleState {
  sampleId: string;
  phase: 'recording' | 'recorded';
}

export const campaignsSampleStateQuery = defineQuery<CampaignsSampleState>('campaignsSampleState');

/** One workflow per sample: starting the same sample twice finds the first. */
export function campaignsSampleWorkflowId(sampleId: string): string {
  return `campaigns-sample-${sampleId}`;
}
