import { defineQuery } from '@temporalio/workflow';

/** The sample workflow's input: replace the sample with the domain's first workflow. */
export interface TicketingSampleInput {
  sampleId: string;
  text: string;
}

export interface TicketingSampleResult {
  sampleId: string;
  length: number;
  /** False when the sample had been recorded before (a repeated start records nothing twice). */
  recorded: boolean;
  recordedAt: string;
}

export interface TicketingSampleState {
  sampleId: string;
  phase: 'recording' | 'recorded';
}

export const ticketingSampleStateQuery = defineQuery<TicketingSampleState>('ticketingSampleState');

/** One workflow per sample: starting the same sample twice finds the first. */
export function ticketingSampleWorkflowId(sampleId: string): string {
  return `ticketing-sample-${sampleId}`;
}
