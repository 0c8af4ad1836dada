import { MONITORED_CHANNELS, type Channel, type ChannelDelivery, type ChannelStatus, type OptimizationDecision, type OptimizationRule } from '@fleet/campaigns-contracts';

/**
 * The optimization rule of a running campaign as a pure function of the monitor's reading and the
 * channels' standing, so replay decides as the first run did and the rule is tested without a
 * workflow.
 */

/** One channel as the monitor sees it, in the campaign's order. */
export interface ChannelStanding {
  channel: Channel;
  status: ChannelStatus;
  /** The channel's budget now (in the campaign's currency). */
  budget: number;
  /** The pass's reading (cumulative); none when the channel has nothing published or reports nothing (e-mail). */
  delivery?: ChannelDelivery;
  /** The reading when the channel last resumed: only what it delivered since is judged. */
  baseline?: { impressions: number; clicks: number };
}

const round2 = (n: number) => Math.round(n * 100) / 100;
const percent = (rate: number) => `${(rate * 100).toFixed(2)}%`;

interface Judged {
  standing: ChannelStanding;
  order: number;
  impressions: number;
  clicks: number;
  ctr: number;
}

/** The best of several: the highest click-through rate, the first in the campaign's order on a tie. */
function best(judged: readonly Judged[]): Judged | undefined {
  return [...judged].sort((a, b) => b.ctr - a.ctr || a.order - b.order)[0];
}

/**
 * What one pass decides. An active channel with at least `minImpressions` impressions since it last
 * resumed whose click-through rate is under `minClickThroughRate` is paused; with `moveBudget`, its
 * remaining budget (its budget less what it spent) moves to the best performing active channel
 * (the highest rate among those judged at or above the threshold). The rule never pauses every
 * active ad channel (e-mail reports no delivery): when all of them are under the threshold, the
 * best of those keeps running.
 * Decisions come in the campaign's channel order, each pause followed by its budget move.
 */
export function decideOptimization(pass: number, rule: OptimizationRule, channels: readonly ChannelStanding[]): OptimizationDecision[] {
  const judged: Judged[] = channels.flatMap((standing, order) => {
    if (standing.status !== 'active' || !standing.delivery) return [];
    const impressions = Math.max(0, standing.delivery.impressions - (standing.baseline?.impressions ?? 0));
    const clicks = Math.max(0, standing.delivery.clicks - (standing.baseline?.clicks ?? 0));
    if (impressions < rule.minImpressions) return [];
    return [{ standing, order, impressions, clicks, ctr: clicks / impressions }];
  });
  const under = judged.filter((j) => j.ctr < rule.minClickThroughRate);
  const active = channels.filter((c) => c.status === 'active' && (MONITORED_CHANNELS as readonly Channel[]).includes(c.channel)).length;
  const kept = under.length >= active ? best(under) : undefined;
  const paused = under.filter((j) => j !== kept);
  const target = best(judged.filter((j) => j.ctr >= rule.minClickThroughRate));

  return paused.flatMap((p): OptimizationDecision[] => {
    const figures = `${p.clicks} clicks in ${p.impressions} impressions`;
    const pause: OptimizationDecision = {
      pass,
      action: 'pause_channel',
      channel: p.standing.channel,
      toChannel: null,
      amount: null,
      reason: `click-through rate ${percent(p.ctr)} (${figures}) is under ${percent(rule.minClickThroughRate)} after at least ${rule.minImpressions} impressions`,
      impressions: p.impressions,
      clicks: p.clicks,
    };
    const remaining = round2(p.standing.budget - (p.standing.delivery?.spend ?? 0));
    if (!rule.moveBudget || !target || remaining <= 0) return [pause];
    const move: OptimizationDecision = {
      pass,
      action: 'move_budget',
      channel: p.standing.channel,
      toChannel: target.standing.channel,
      amount: remaining,
      reason: `${p.standing.channel} paused at ${percent(p.ctr)}: its remaining ${remaining} goes to ${target.standing.channel}, the best performing active channel (${percent(target.ctr)}, ${target.clicks} clicks in ${target.impressions} impressions)`,
      impressions: p.impressions,
      clicks: p.clicks,
    };
    return [pause, move];
  });
}
