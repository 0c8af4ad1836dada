import type { Channel } from '@fleet/campaigns-contracts';
import { callPlatform, refused, type PlatformResponse } from './http';
import type { ChannelLimiter } from './limiter';
import type { PlatformsConfig } from './platforms';

/** What a platform reports of the objects carrying one reference: cumulative figures. */
export interface ReferenceDelivery {
  impressions: number;
  clicks: number;
  /** In the account's currency. */
  spend: number;
  objects: number;
}

/** Reads one reference's delivery statistics from a platform. */
export type DeliveryReader = (reference: string) => Promise<ReferenceDelivery>;

type AdChannel = Exclude<Channel, 'email'>;

const q = encodeURIComponent;
const num = (v: unknown) => {
  const n = Number(v ?? 0);
  return Number.isFinite(n) ? n : 0;
};
const rows = (r: PlatformResponse, key: string) => (((r.body ?? {}) as Record<string, unknown>)[key] ?? []) as Record<string, unknown>[];
const sum = (items: { impressions: number; clicks: number; spend: number }[]): ReferenceDelivery => ({
  impressions: items.reduce((s, i) => s + i.impressions, 0),
  clicks: items.reduce((s, i) => s + i.clicks, 0),
  spend: Math.round(items.reduce((s, i) => s + i.spend, 0) * 100) / 100,
  objects: items.length,
});

/**
 * Each ad platform's statistics report, filtered by the creative's reference, through the channel's
 * limiter: Google Ads-like metrics (cost in micros), Meta-like insights (figures as strings),
 * LinkedIn-like post statistics.
 */
export function createDeliveryReaders(limiter: ChannelLimiter, { baseUrl, account }: PlatformsConfig): Record<AdChannel, DeliveryReader> {
  const get = async (channel: AdChannel, url: string) => {
    const r = await callPlatform(limiter, channel, url, { method: 'GET' });
    if (r.status !== 200) throw refused(`${channel} stats`, r);
    return r;
  };
  return {
    async google(reference) {
      const r = await get('google', `${baseUrl}/google-ads/v1/customers/${q(account)}/campaigns/stats?externalReference=${q(reference)}`);
      return sum(
        rows(r, 'results').map((o) => {
          const m = (o.metrics ?? {}) as Record<string, unknown>;
          return { impressions: num(m.impressions), clicks: num(m.clicks), spend: num(m.costMicros) / 1_000_000 };
        }),
      );
    },
    async meta(reference) {
      const r = await get('meta', `${baseUrl}/meta/v1/act_${q(account)}/campaigns/stats?external_reference=${q(reference)}`);
      return sum(rows(r, 'data').map((o) => ({ impressions: num(o.impressions), clicks: num(o.clicks), spend: num(o.spend) })));
    },
    async linkedin(reference) {
      const r = await get('linkedin', `${baseUrl}/linkedin/v1/posts/stats?author=${q(`urn:li:organization:${account}`)}&externalReference=${q(reference)}`);
      return sum(rows(r, 'elements').map((o) => ({ impressions: num(o.impressionCount), clicks: num(o.clickCount), spend: num(o.costInLocalCurrency) })));
    },
  };
}
