import { dayInTimeZone } from '@fleet/shared-domain';
import { localToInstant, TERMINAL_STATES, type CampaignState, type ChannelView, type CreateCampaignInput } from '@fleet/campaigns-contracts';

/**
 * The campaign's rules as pure functions of its state and the workflow's own time, so validators
 * and handlers decide alike and replay decides as the first run did.
 */

/** A refusal's message, or null when the move is allowed. */
export type Refusal = string | null;

/** The dates, read in the campaign's time zone at the workflow's time: it starts today or later and ends in the future. */
export function refuseDates(input: CreateCampaignInput, now: number): Refusal {
  const end = localToInstant(input.endAt, input.timeZone);
  if (end === undefined || end <= now) return `the campaign ends (${input.endAt} ${input.timeZone}) before now`;
  const today = dayInTimeZone(new Date(now), input.timeZone);
  if (input.startAt.slice(0, 10) < today) return `the campaign starts (${input.startAt}) before today (${today}) in ${input.timeZone}`;
  return null;
}

export function isTerminal(state: CampaignState): boolean {
  return TERMINAL_STATES.includes(state);
}

/** The states a move may come from, named for the refusal. */
export function refuseUnless(state: CampaignState, allowed: readonly CampaignState[], move: string): Refusal {
  return allowed.includes(state) ? null : `cannot ${move} a campaign that is ${state} (only ${allowed.join(' or ')})`;
}

/** A channel pauses itself once its errors reach the count, or its error rate over enough outcomes. */
export function autoPauseReason(channel: ChannelView, rule: CreateCampaignInput['autoPause']): string | null {
  if (channel.errors >= rule.maxErrors) return `${channel.errors} errors (limit ${rule.maxErrors})`;
  if (channel.outcomes >= rule.minSample && channel.errors / channel.outcomes >= rule.maxErrorRate) {
    return `error rate ${channel.errors}/${channel.outcomes} (limit ${Math.round(rule.maxErrorRate * 100)}%)`;
  }
  return null;
}
