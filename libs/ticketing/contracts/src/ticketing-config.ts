import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { TicketingConfigInput } from './policy';

/** The one configuration workflow: every change of calendars, rules and agents goes through it. */
export const TICKETING_CONFIG_WORKFLOW_ID = 'ticketing-config';

export interface TicketingConfigState {
  /** 0 before the first configuration. */
  version: number;
  /** Tickets told of the latest version so far, of how many. */
  notified: number;
  toNotify: number;
}

/** Validated, stored as the next version, then each open ticket is told to look up its rule again. */
export const ticketingSetConfigUpdate = defineUpdate<TicketingConfigState, [TicketingConfigInput]>('ticketingSetConfig');
export const ticketingConfigStateQuery = defineQuery<TicketingConfigState>('ticketingConfigState');
