import type { SlaRule } from './policy';
import type { Priority, SlaClock, TicketState } from './ticket';

/** The first enabled rule matching the queue and priority, or undefined. */
export function matchRule(rules: readonly SlaRule[], queue: string, priority: Priority): SlaRule | undefined {
  return rules.find((r) => r.enabled && (!r.match.queues?.length || r.match.queues.includes(queue)) && (!r.match.priorities?.length || r.match.priorities.includes(priority)));
}

/** Whether a state pauses a clock under a rule. */
export function pausesClock(rule: Pick<SlaRule, 'pauses'>, clock: SlaClock, state: TicketState): boolean {
  return rule.pauses[clock].includes(state);
}
