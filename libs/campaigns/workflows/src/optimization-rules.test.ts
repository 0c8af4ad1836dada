import { createCampaignInputSchema, type ChannelDelivery, type CreateCampaignRequest, type OptimizationRule } from '@fleet/campaigns-contracts';
import { describeIssues } from '@fleet/shared-domain';
import { decideOptimization, type ChannelStanding } from './optimization-rules';

const rule: OptimizationRule = { monitorEverySeconds: 3600, minClickThroughRate: 0.01, minImpressions: 1000, moveBudget: true };
const delivery = (channel: ChannelDelivery['channel'], impressions: number, clicks: number, spend = 0): ChannelDelivery => ({ channel, impressions, clicks, spend, objects: 1 });
const standing = (channel: ChannelStanding['channel'], d?: ChannelDelivery, extra: Partial<ChannelStanding> = {}): ChannelStanding => ({ channel, status: 'active', budget: 300, delivery: d, ...extra });

describe('decideOptimization', () => {
  it('pauses a channel under the threshold and moves its remaining budget to the best active channel', () => {
    const decisions = decideOptimization(3, rule, [
      standing('google', delivery('google', 5000, 250, 100)),
      standing('meta', delivery('meta', 10_000, 20, 40)),
      standing('linkedin', delivery('linkedin', 4000, 60, 10)),
    ]);
    expect(decisions).toEqual([
      expect.objectContaining({ pass: 3, action: 'pause_channel', channel: 'meta', toChannel: null, amount: null, impressions: 10_000, clicks: 20 }),
      expect.objectContaining({ pass: 3, action: 'move_budget', channel: 'meta', toChannel: 'google', amount: 260, impressions: 10_000, clicks: 20 }),
    ]);
    expect(decisions[0]?.reason).toBe('click-through rate 0.20% (20 clicks in 10000 impressions) is under 1.00% after at least 1000 impressions');
    expect(decisions[1]?.reason).toMatch(/remaining 260 goes to google, the best performing active channel \(5\.00%/);
  });

  it('judges nothing before the sample: fewer impressions than minImpressions', () => {
    expect(decideOptimization(1, rule, [standing('google', delivery('google', 5000, 250)), standing('meta', delivery('meta', 999, 0))])).toEqual([]);
  });

  it('leaves channels at or above the threshold, paused ones, and those with nothing published alone', () => {
    expect(
      decideOptimization(1, rule, [
        standing('google', delivery('google', 1000, 10)),
        standing('meta', delivery('meta', 10_000, 1), { status: 'paused' }),
        standing('linkedin', delivery('linkedin', 10_000, 2), { status: 'auto-paused' }),
        standing('email'),
      ]),
    ).toEqual([]);
  });

  it('pauses without moving when moveBudget is off, nothing remains, or no active channel qualifies as a target', () => {
    const low = standing('meta', delivery('meta', 10_000, 20, 40));
    const good = standing('google', delivery('google', 5000, 250));
    expect(decideOptimization(1, { ...rule, moveBudget: false }, [good, low]).map((d) => d.action)).toEqual(['pause_channel']);
    expect(decideOptimization(1, rule, [good, { ...low, delivery: delivery('meta', 10_000, 20, 300) }]).map((d) => d.action)).toEqual(['pause_channel']);
    // The only other active channel has too small a sample to be the best performing one.
    expect(decideOptimization(1, rule, [standing('google', delivery('google', 10, 5)), low]).map((d) => d.action)).toEqual(['pause_channel']);
  });

  it('never pauses every active ad channel: the best of those under the threshold keeps running', () => {
    const decisions = decideOptimization(2, rule, [standing('google', delivery('google', 5000, 40)), standing('meta', delivery('meta', 10_000, 20)), standing('email')]);
    expect(decisions.map((d) => [d.action, d.channel])).toEqual([['pause_channel', 'meta']]);
    // An active channel with nothing to judge yet still runs: both judged ones may pause.
    const both = decideOptimization(2, rule, [standing('google', delivery('google', 5000, 40)), standing('meta', delivery('meta', 10_000, 20)), standing('linkedin')]);
    expect(both.map((d) => [d.action, d.channel])).toEqual([
      ['pause_channel', 'google'],
      ['pause_channel', 'meta'],
    ]);
  });

  it('judges a resumed channel only by what it delivered since its baseline', () => {
    const good = standing('google', delivery('google', 5000, 250));
    const resumed = standing('meta', delivery('meta', 10_500, 30), { baseline: { impressions: 10_000, clicks: 20 } });
    expect(decideOptimization(4, rule, [good, resumed])).toEqual([]);
    const decided = decideOptimization(5, rule, [good, { ...resumed, delivery: delivery('meta', 12_000, 25) }]);
    expect(decided[0]).toMatchObject({ action: 'pause_channel', channel: 'meta', impressions: 2000, clicks: 5 });
  });

  it('breaks ties in the campaign order and is deterministic', () => {
    const channels = [standing('linkedin', delivery('linkedin', 2000, 100)), standing('google', delivery('google', 2000, 100)), standing('meta', delivery('meta', 5000, 1, 50))];
    const a = decideOptimization(1, rule, channels);
    expect(a[1]).toMatchObject({ action: 'move_budget', toChannel: 'linkedin', amount: 250 });
    expect(decideOptimization(1, rule, channels)).toEqual(a);
  });
});

describe('the optimization block of a campaign', () => {
  const base: CreateCampaignRequest = {
    idempotencyKey: 'opt-1',
    name: 'n',
    brief: 'b',
    timeZone: 'Europe/Berlin',
    startAt: '2030-01-01',
    endAt: '2030-01-08',
    budget: { total: 1000, currency: 'EUR' },
    channels: [
      { channel: 'google', budget: 300 },
      { channel: 'meta', budget: 300 },
    ],
  };
  const issues = (optimization: unknown, extra: Partial<CreateCampaignRequest> = {}) => {
    const parsed = createCampaignInputSchema.safeParse({ ...base, ...extra, optimization });
    return parsed.success ? '' : describeIssues(parsed.error);
  };

  it('is optional, and takes its defaults', () => {
    expect(createCampaignInputSchema.parse(base).optimization).toBeUndefined();
    expect(createCampaignInputSchema.parse({ ...base, optimization: { minClickThroughRate: 0.01 } }).optimization).toEqual({ monitorEverySeconds: 3600, minClickThroughRate: 0.01, minImpressions: 1000, moveBudget: true });
  });

  it('refuses bad values naming the field', () => {
    expect(issues({})).toMatch(/^optimization\.minClickThroughRate: expected a click-through rate between 0 and 1/);
    expect(issues({ minClickThroughRate: 1.5 })).toMatch(/^optimization\.minClickThroughRate: expected a click-through rate below 1/);
    expect(issues({ minClickThroughRate: 0 })).toMatch(/^optimization\.minClickThroughRate: expected a click-through rate above 0/);
    expect(issues({ minClickThroughRate: 0.01, monitorEverySeconds: 0 })).toMatch(/^optimization\.monitorEverySeconds: the monitor runs at most once a second/);
    expect(issues({ minClickThroughRate: 0.01, monitorEverySeconds: 1.5 })).toMatch(/^optimization\.monitorEverySeconds: expected whole seconds/);
    expect(issues({ minClickThroughRate: 0.01, minImpressions: -1 })).toMatch(/^optimization\.minImpressions: /);
    expect(issues({ minClickThroughRate: 0.01, moveBudget: 'yes' })).toMatch(/^optimization\.moveBudget: expected true or false/);
    expect(issues({ minClickThroughRate: 0.01, threshold: 2 })).toMatch(/^optimization\.threshold: unknown field/);
  });

  it('refuses a rule on a campaign with no channel that reports delivery', () => {
    expect(issues({ minClickThroughRate: 0.01 }, { channels: [{ channel: 'email', budget: 0 }], recipients: ['a@example.test'] })).toMatch(/^optimization: the optimization rule needs a channel that reports delivery/);
  });

  it('bounds the passes over the campaign, so the history stays bounded', () => {
    // A week: 604800 s; every 60 s is 10080 passes.
    expect(issues({ minClickThroughRate: 0.01, monitorEverySeconds: 60 })).toMatch(/^optimization\.monitorEverySeconds: every 60 s the monitor would run 10080 times over the campaign \(at most 1000\): monitor every 605 s or more/);
    expect(issues({ minClickThroughRate: 0.01, monitorEverySeconds: 605 })).toBe('');
  });
});
