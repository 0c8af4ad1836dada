import type { Channel, PublishRequest } from '@fleet/campaigns-contracts';
import { callPlatform, refused, type PlatformResponse } from './http';
import type { ChannelLimiter } from './limiter';

/** An object on a platform as the publish activity reads it. */
export interface PlatformObject {
  externalId: string;
  review: 'pending' | 'approved' | 'disapproved' | 'removed';
  feedback: string | null;
}

/** What the workflow keeps a channel's live objects at: running or paused, and the budget of each (the channel's per creative). */
export interface PlatformSettings {
  status: 'active' | 'paused';
  /** In `currency`, per object: as `PublishRequest.budget`. */
  budget: number;
  currency: string;
}

/**
 * What publishing needs of an ad or social platform. None takes an idempotency key, so `find` (by
 * the creative's external reference) comes before every `create`.
 */
export interface ChannelPlatform {
  /** The live object carrying this reference, if one exists. */
  find(reference: string): Promise<PlatformObject | undefined>;
  /** Creates the object; answers its id. */
  create(request: PublishRequest): Promise<string>;
  read(externalId: string): Promise<PlatformObject | undefined>;
  /** Removes the object; one already gone is no error. */
  remove(externalId: string): Promise<void>;
  /**
   * Sets a live object's status and budget, answering `absent` for one gone from the platform (a
   * removed object runs no more). Setting values it has already changes nothing: a repeat is safe.
   */
  update(externalId: string, settings: PlatformSettings): Promise<'updated' | 'absent'>;
}

export interface PlatformsConfig {
  /** The simulator's (or a gateway's) base URL: /google-ads/v1, /meta/v1, /linkedin/v1 under it. */
  baseUrl: string;
  /** The account (customer, ad account, organization) campaigns are created in. */
  account: string;
}

type AdChannel = Exclude<Channel, 'email'>;

const json = (r: PlatformResponse) => (r.body ?? {}) as Record<string, unknown>;
const q = encodeURIComponent;

// Budgets in each platform's unit, the same on create and update (each platform's minimum at least).
const googleMicros = (budget: number) => Math.max(1, Math.round(budget * 1_000_000));
const metaCents = (budget: number) => Math.max(100, Math.round(budget * 100));
const linkedinMoney = (budget: number, currency: string) => ({ amount: Math.max(0.01, budget).toFixed(2), currencyCode: currency });

/** Google Ads-like: mutate operations, a policy summary per campaign. */
function google(limiter: ChannelLimiter, { baseUrl, account }: PlatformsConfig): ChannelPlatform {
  const base = `${baseUrl}/google-ads/v1/customers/${q(account)}/campaigns`;
  const call = (url: string, method: string, body?: unknown) => callPlatform(limiter, 'google', url, { method, body });
  const toObject = (o: Record<string, unknown>): PlatformObject => {
    const policy = (o.policySummary ?? {}) as { approvalStatus?: string; policyTopicEntries?: { topic: string; message: string }[] };
    const review = o.status === 'REMOVED' ? 'removed' : policy.approvalStatus === 'APPROVED' ? 'approved' : policy.approvalStatus === 'DISAPPROVED' ? 'disapproved' : 'pending';
    const topics = policy.policyTopicEntries ?? [];
    return { externalId: String(o.resourceName), review, feedback: topics.length ? topics.map((t) => `${t.topic}: ${t.message}`).join('; ') : null };
  };
  const mutate = async (operation: Record<string, unknown>) => {
    const r = await call(`${base}:mutate`, 'POST', { operations: [operation], partialFailure: false });
    if (r.status !== 200) throw refused('google mutate', r);
    return ((json(r).results ?? []) as { resourceName?: string }[])[0]?.resourceName;
  };
  return {
    async find(reference) {
      const r = await call(`${base}?externalReference=${q(reference)}`, 'GET');
      if (r.status !== 200) throw refused('google lookup', r);
      return ((json(r).results ?? []) as Record<string, unknown>[]).map(toObject).find((o) => o.review !== 'removed');
    },
    async create(p) {
      const name = `${p.content.headline} (${p.reference})`.slice(0, 255);
      const created = await mutate({ create: { name, externalReference: p.reference, status: 'ENABLED', budgetAmountMicros: googleMicros(p.budget) } });
      if (!created) throw new Error('google mutate answered no resource name');
      return created;
    },
    async read(externalId) {
      const id = externalId.split('/').pop() as string;
      const r = await call(`${base}/${q(id)}`, 'GET');
      if (r.status === 404) return undefined;
      if (r.status !== 200) throw refused('google read', r);
      return toObject(json(r));
    },
    async remove(externalId) {
      const r = await call(`${base}:mutate`, 'POST', { operations: [{ remove: externalId }], partialFailure: false });
      if (r.status === 200) return;
      const text = JSON.stringify(r.body);
      if (r.status === 400 && /RESOURCE_NOT_FOUND|REMOVED_RESOURCE/.test(text)) return;
      throw refused('google remove', r);
    },
    async update(externalId, settings) {
      const operation = { update: { resourceName: externalId, status: settings.status === 'paused' ? 'PAUSED' : 'ENABLED', budgetAmountMicros: googleMicros(settings.budget) }, updateMask: 'status,budgetAmountMicros' };
      const r = await call(`${base}:mutate`, 'POST', { operations: [operation], partialFailure: false });
      if (r.status === 200) return 'updated';
      if (r.status === 400 && /RESOURCE_NOT_FOUND|REMOVED_RESOURCE/.test(JSON.stringify(r.body))) return 'absent';
      throw refused('google update', r);
    },
  };
}

/** Meta-like: campaigns under an ad account, effective_status and review_feedback. */
function meta(limiter: ChannelLimiter, { baseUrl, account }: PlatformsConfig): ChannelPlatform {
  const base = `${baseUrl}/meta/v1`;
  const call = (url: string, method: string, body?: unknown) => callPlatform(limiter, 'meta', url, { method, body });
  const toObject = (o: Record<string, unknown>): PlatformObject => {
    const status = String(o.effective_status);
    const review = status === 'DELETED' ? 'removed' : status === 'PENDING_REVIEW' ? 'pending' : status === 'DISAPPROVED' ? 'disapproved' : 'approved';
    const global = ((o.review_feedback ?? {}) as { global?: Record<string, string> }).global ?? {};
    const feedback = Object.entries(global).map(([k, v]) => `${k}: ${v}`).join('; ');
    return { externalId: String(o.id), review, feedback: feedback || null };
  };
  const isGone = (r: PlatformResponse) => r.status === 400 && ((json(r).error ?? {}) as { code?: number }).code === 100;
  return {
    async find(reference) {
      const r = await call(`${base}/act_${q(account)}/campaigns?external_reference=${q(reference)}`, 'GET');
      if (r.status !== 200) throw refused('meta lookup', r);
      return ((json(r).data ?? []) as Record<string, unknown>[]).map(toObject).find((o) => o.review !== 'removed');
    },
    async create(p) {
      const body = { name: `${p.content.headline} (${p.reference})`.slice(0, 400), external_reference: p.reference, objective: 'OUTCOME_TRAFFIC', status: 'ACTIVE', daily_budget: metaCents(p.budget) };
      const r = await call(`${base}/act_${q(account)}/campaigns`, 'POST', body);
      if (r.status !== 200) throw refused('meta create', r);
      return String(json(r).id);
    },
    async read(externalId) {
      const r = await call(`${base}/${q(externalId)}`, 'GET');
      if (isGone(r)) return undefined;
      if (r.status !== 200) throw refused('meta read', r);
      return toObject(json(r));
    },
    async remove(externalId) {
      const r = await call(`${base}/${q(externalId)}`, 'DELETE');
      if (r.status === 200 || isGone(r)) return;
      throw refused('meta remove', r);
    },
    async update(externalId, settings) {
      const r = await call(`${base}/${q(externalId)}`, 'POST', { status: settings.status === 'paused' ? 'PAUSED' : 'ACTIVE', daily_budget: metaCents(settings.budget) });
      if (r.status === 200) return 'updated';
      if (isGone(r)) return 'absent';
      throw refused('meta update', r);
    },
  };
}

/** LinkedIn-like: organization posts (sponsored: a campaign status and a daily budget), PUBLISH_REQUESTED until reviewed. */
function linkedin(limiter: ChannelLimiter, { baseUrl, account }: PlatformsConfig): ChannelPlatform {
  const base = `${baseUrl}/linkedin/v1/posts`;
  const author = `urn:li:organization:${account}`;
  const call = (url: string, method: string, body?: unknown, headers?: Record<string, string>) => callPlatform(limiter, 'linkedin', url, { method, body, headers });
  const toObject = (o: Record<string, unknown>): PlatformObject => {
    const state = String(o.lifecycleState);
    const failure = ((o.lifecycleStateInfo ?? {}) as { failureReason?: { policy: string; message: string } }).failureReason;
    const review = state === 'PUBLISHED' ? 'approved' : state === 'PUBLISH_FAILED' ? 'disapproved' : 'pending';
    return { externalId: String(o.id), review, feedback: failure ? `${failure.policy}: ${failure.message}` : null };
  };
  return {
    async find(reference) {
      const r = await call(`${base}?author=${q(author)}&externalReference=${q(reference)}`, 'GET');
      if (r.status !== 200) throw refused('linkedin lookup', r);
      return ((json(r).elements ?? []) as Record<string, unknown>[]).map(toObject)[0];
    },
    async create(p) {
      const commentary = `${p.content.headline}\n\n${p.content.body}\n\n${p.content.callToAction}`.slice(0, 3000);
      const r = await call(base, 'POST', { author, commentary, externalReference: p.reference, visibility: 'PUBLIC', lifecycleState: 'PUBLISHED', status: 'ACTIVE', dailyBudget: linkedinMoney(p.budget, p.currency) });
      const id = r.headers.get('x-restli-id');
      if (r.status !== 201 || !id) throw refused('linkedin create', r);
      return id;
    },
    async read(externalId) {
      const r = await call(`${base}/${q(externalId)}`, 'GET');
      if (r.status === 404) return undefined;
      if (r.status !== 200) throw refused('linkedin read', r);
      return toObject(json(r));
    },
    async remove(externalId) {
      const r = await call(`${base}/${q(externalId)}`, 'DELETE');
      if (r.status === 204 || r.status === 200 || r.status === 404) return;
      throw refused('linkedin remove', r);
    },
    async update(externalId, settings) {
      const patch = { patch: { $set: { status: settings.status === 'paused' ? 'PAUSED' : 'ACTIVE', dailyBudget: linkedinMoney(settings.budget, settings.currency) } } };
      const r = await call(`${base}/${q(externalId)}`, 'POST', patch, { 'x-restli-method': 'PARTIAL_UPDATE' });
      if (r.status === 204 || r.status === 200) return 'updated';
      if (r.status === 404) return 'absent';
      throw refused('linkedin update', r);
    },
  };
}

/** The ad and social platforms, each through its channel's limiter. */
export function createPlatforms(limiter: ChannelLimiter, config: PlatformsConfig): Record<AdChannel, ChannelPlatform> {
  return { google: google(limiter, config), meta: meta(limiter, config), linkedin: linkedin(limiter, config) };
}
