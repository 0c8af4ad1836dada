import { startChannelsSim, type AccountStats, type ChannelsSimOptions, type SimObject } from '../src';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
});

async function setup(options: ChannelsSimOptions = {}) {
  const sim = await startChannelsSim({ reviewMinMs: 10, reviewMaxMs: 30, disapprovalRate: 0, ...options });
  cleanup.push(() => sim.close());
  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${sim.url}${path}`, { method, headers: body === undefined ? undefined : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = async <T = Record<string, unknown>>(method: string, path: string, body?: unknown) => (await (await call(method, path, body)).json()) as T;
  const objects = (query = '') => json<SimObject[]>('GET', `/admin/objects${query}`);
  const stats = async (channel: string, account: string) =>
    (await json<{ channels: Record<string, Record<string, AccountStats>> }>('GET', '/admin/stats')).channels[channel]?.[account];
  /** Waits through the admin API, which no quota limits, for an object's review to end. */
  const reviewed = (id: string) => until(async () => ((await objects()).find((o) => o.id === id && o.review !== 'PENDING_REVIEW') ? true : undefined));
  return { sim, call, json, objects, stats, reviewed };
}

async function until<T>(check: () => Promise<T | undefined> | T | undefined, ms = 3000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const MUTATE = '/google-ads/v1/customers/123/campaigns:mutate';
const gCreate = (externalReference: string, extra: Record<string, unknown> = {}) => ({ create: { name: `Campaign ${externalReference}`, externalReference, budgetAmountMicros: 5_000_000, ...extra } });
const metaCreate = (reference: string) => ({ name: `Campaign ${reference}`, external_reference: reference, daily_budget: 1000 });
const post = (reference: string) => ({ author: 'urn:li:organization:42', commentary: 'Spring offers are here', externalReference: reference });

describe('channels-sim: platforms', () => {
  it('binds 127.0.0.1 by default', async () => {
    const { sim } = await setup();
    expect(sim.url).toBe(`http://127.0.0.1:${sim.port}`);
  });

  it('google-ads: creates, finds by reference, and a blind retry is a duplicate; removes', async () => {
    const { json, call, objects, stats } = await setup();
    const first = await json<{ results: { resourceName: string }[] }>('POST', MUTATE, { operations: [gCreate('c1:google-ads')] });
    const second = await json<{ results: { resourceName: string }[] }>('POST', MUTATE, { operations: [gCreate('c1:google-ads')] });
    expect(first.results[0]?.resourceName).toMatch(/^customers\/123\/campaigns\/\d+$/);
    expect(second.results[0]?.resourceName).not.toBe(first.results[0]?.resourceName);

    const found = await json<{ results: { resourceName: string; status: string }[] }>('GET', '/google-ads/v1/customers/123/campaigns?externalReference=c1:google-ads');
    expect(found.results.map((r) => r.resourceName)).toEqual([first.results[0]?.resourceName, second.results[0]?.resourceName]);
    expect((await json('GET', '/google-ads/v1/customers/123/campaigns?externalReference=other')).results).toEqual([]);
    expect(await stats('google-ads', '123')).toMatchObject({ creates: 2, duplicates: 1 });

    const removed = await call('POST', MUTATE, { operations: [{ remove: second.results[0]?.resourceName }] });
    expect(removed.status).toBe(200);
    const again = await call('POST', MUTATE, { operations: [{ remove: second.results[0]?.resourceName }] });
    expect(again.status).toBe(400);
    expect(JSON.stringify(await again.json())).toContain('OPERATION_NOT_PERMITTED_FOR_REMOVED_RESOURCE');
    const id = second.results[0]?.resourceName.split('/').pop();
    expect(await json('GET', `/google-ads/v1/customers/123/campaigns/${id}`)).toMatchObject({ status: 'REMOVED', externalReference: 'c1:google-ads' });
    expect((await objects('?channel=google-ads')).map((o) => o.state)).toEqual([expect.stringMatching(/PENDING_REVIEW|ACTIVE/), 'REMOVED']);
    expect(await stats('google-ads', '123')).toMatchObject({ removes: 1 });
  });

  it('google-ads: all or nothing by default, partialFailure applies the valid operations, validateOnly creates nothing', async () => {
    const { call, json, objects, stats } = await setup();
    const operations = [gCreate('ok'), gCreate('bad', { budgetAmountMicros: 0 }), { create: { externalReference: 'no-name', budgetAmountMicros: 1 } }];

    const atomic = await call('POST', MUTATE, { operations });
    expect(atomic.status).toBe(400);
    const { error } = (await atomic.json()) as { error: { status: string; details: { errors: { errorCode: Record<string, string>; location: unknown }[] }[] } };
    expect(error.status).toBe('INVALID_ARGUMENT');
    expect(error.details[0]?.errors.map((e) => e.errorCode)).toEqual([{ rangeError: 'TOO_LOW' }, { fieldError: 'REQUIRED' }]);
    expect(error.details[0]?.errors[0]?.location).toEqual({ fieldPathElements: [{ fieldName: 'operations', index: 1 }, { fieldName: 'create' }, { fieldName: 'budgetAmountMicros' }] });
    expect(await objects()).toHaveLength(0);

    const partial = await json<{ results: object[]; partialFailureError: { code: number; details: { errors: { location: { fieldPathElements: { index?: number }[] } }[] }[] } }>('POST', MUTATE, {
      operations,
      partialFailure: true,
    });
    expect(partial.results).toEqual([{ resourceName: expect.stringMatching(/^customers\/123\/campaigns\//) }, {}, {}]);
    expect(partial.partialFailureError.code).toBe(3);
    expect(partial.partialFailureError.details[0]?.errors.map((e) => e.location.fieldPathElements[0]?.index)).toEqual([1, 2]);
    expect((await objects()).map((o) => o.externalReference)).toEqual(['ok']);

    const validated = await call('POST', MUTATE, { operations: [gCreate('checked'), gCreate('dates', { startDate: '2026-05-01', endDate: '2026-04-01' })], validateOnly: true });
    expect(validated.status).toBe(400);
    expect(JSON.stringify(await validated.json())).toContain('END_DATE_BEFORE_START_DATE');
    const valid = await json('POST', MUTATE, { operations: [gCreate('checked')], validateOnly: true });
    expect(valid).toEqual({ results: [] });
    expect(await objects()).toHaveLength(1);
    expect(await stats('google-ads', '123')).toMatchObject({ creates: 1, validateOnly: 2 });
  });

  it('meta: PENDING_REVIEW then ACTIVE, or DISAPPROVED with review_feedback; lookup by reference; delete', async () => {
    const { call, json, reviewed } = await setup({ reviewMinMs: 400, reviewMaxMs: 500 });
    await json('POST', '/admin/faults', { kind: 'disapprove', channel: 'meta', account: '78' });
    const created = await call('POST', '/meta/v1/act_78/campaigns', metaCreate('c1:meta'));
    expect(created.status).toBe(200);
    expect(JSON.parse(created.headers.get('x-business-use-case-usage') ?? '{}')).toEqual({
      '78': [expect.objectContaining({ type: 'ads_management', call_count: expect.any(Number), estimated_time_to_regain_access: 0 })],
    });
    const { id: rejected } = (await created.json()) as { id: string };
    const { id: accepted } = await json<{ id: string }>('POST', '/meta/v1/act_77/campaigns', metaCreate('c2:meta'));
    expect(await json('GET', `/meta/v1/${accepted}`)).toMatchObject({ effective_status: 'PENDING_REVIEW', external_reference: 'c2:meta' });

    const read = (id: string) => json<{ effective_status: string; review_feedback?: unknown }>('GET', `/meta/v1/${id}`);
    await reviewed(accepted);
    await reviewed(rejected);
    expect((await read(accepted)).effective_status).toBe('ACTIVE');
    expect(await read(rejected)).toMatchObject({ effective_status: 'DISAPPROVED', review_feedback: { global: expect.any(Object) } });

    const found = await json<{ data: { id: string }[] }>('GET', '/meta/v1/act_77/campaigns?external_reference=c2:meta');
    expect(found.data.map((c) => c.id)).toEqual([accepted]);
    expect(await json('DELETE', `/meta/v1/${accepted}`)).toEqual({ success: true });
    expect((await json<{ data: unknown[] }>('GET', '/meta/v1/act_77/campaigns?external_reference=c2:meta')).data).toEqual([]);
    expect((await json<{ data: unknown[] }>('GET', '/meta/v1/act_77/campaigns?external_reference=c2:meta&include_deleted=true')).data).toHaveLength(1);
    expect(await read(accepted)).toMatchObject({ effective_status: 'DELETED' });

    const unknown = await call('GET', '/meta/v1/999');
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ error: { code: 100, error_subcode: 33, type: 'OAuthException' } });
    const invalid = await call('POST', '/meta/v1/act_77/campaigns', { name: '' });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ error: { code: 100 } });
  });

  it('linkedin: 201 with x-restli-id, PUBLISH_REQUESTED then PUBLISHED, found by author and reference, deleted is gone', async () => {
    const { call, json, stats, reviewed } = await setup({ reviewMinMs: 400, reviewMaxMs: 500 });
    const created = await call('POST', '/linkedin/v1/posts', post('c1:linkedin'));
    expect(created.status).toBe(201);
    const urn = created.headers.get('x-restli-id') ?? '';
    expect(urn).toMatch(/^urn:li:share:\d+$/);
    const path = `/linkedin/v1/posts/${encodeURIComponent(urn)}`;
    expect(await json('GET', path)).toMatchObject({ id: urn, lifecycleState: 'PUBLISH_REQUESTED', author: 'urn:li:organization:42' });
    await reviewed(urn);
    expect(await json('GET', path)).toMatchObject({ lifecycleState: 'PUBLISHED', publishedAt: expect.any(Number) });

    await call('POST', '/linkedin/v1/posts', post('c1:linkedin'));
    const list = await json<{ elements: { id: string }[] }>('GET', `/linkedin/v1/posts?author=${encodeURIComponent('urn:li:organization:42')}&externalReference=c1:linkedin`);
    expect(list.elements).toHaveLength(2);
    expect(await stats('linkedin', '42')).toMatchObject({ creates: 2, duplicates: 1 });
    expect((await call('GET', '/linkedin/v1/posts?externalReference=c1:linkedin')).status).toBe(400);

    expect((await call('DELETE', path)).status).toBe(204);
    expect((await call('GET', path)).status).toBe(404);
    expect((await call('DELETE', path)).status).toBe(404);
    const invalid = await call('POST', '/linkedin/v1/posts', { author: 'someone', commentary: '' });
    expect(invalid.status).toBe(422);
    expect(await invalid.json()).toMatchObject({ status: 422, errorDetails: { inputErrors: expect.arrayContaining([expect.objectContaining({ input: { inputPath: { fieldPath: 'author' } } })]) } });
  });

  it('quota per account: headers on every answer, 429 with Retry-After and reset in ms, then accepted again', async () => {
    const { call, json, stats } = await setup();
    await json('POST', '/admin/quotas', { channel: 'meta', account: '77', ratePerSecond: 1, burst: 2 });
    const first = await call('GET', '/meta/v1/act_77/campaigns');
    expect(first.headers.get('x-ratelimit-limit')).toBe('2');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('1');
    expect(first.headers.get('x-ratelimit-reset-ms')).toBe('0');
    expect((await call('GET', '/meta/v1/act_77/campaigns')).status).toBe(200);
    const refused = await call('POST', '/meta/v1/act_77/campaigns', metaCreate('c1:meta'));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    const resetMs = Number(refused.headers.get('x-ratelimit-reset-ms'));
    expect(resetMs).toBeGreaterThan(0);
    expect(resetMs).toBeLessThanOrEqual(1000);
    expect(await refused.json()).toMatchObject({ error: { code: 80004, error_subcode: 2446079 } });
    expect(JSON.parse(refused.headers.get('x-business-use-case-usage') ?? '{}')['77'][0].call_count).toBeGreaterThanOrEqual(95);

    // Another account has its own bucket; the default quota is 10/s.
    const other = await call('GET', '/meta/v1/act_78/campaigns');
    expect(other.status).toBe(200);
    expect(other.headers.get('x-ratelimit-limit')).toBe('10');

    await new Promise((r) => setTimeout(r, resetMs + 20));
    expect((await call('POST', '/meta/v1/act_77/campaigns', metaCreate('c1:meta'))).status).toBe(200);
    expect(await stats('meta', '77')).toMatchObject({ calls: 4, throttled: 1, creates: 1 });

    await json('POST', '/admin/quotas', { channel: 'google-ads', ratePerSecond: 0.5, burst: 1 });
    expect((await call('POST', MUTATE, { operations: [gCreate('q')] })).status).toBe(200);
    const google = await call('POST', MUTATE, { operations: [gCreate('q')] });
    expect(google.status).toBe(429);
    expect(google.headers.get('retry-after')).toBe('2');
    expect(JSON.stringify(await google.json())).toContain('"quotaError":"RESOURCE_EXHAUSTED"');
  });

  it('faults on demand: 500, a timeout, a lost response (created but unanswered), a throttle', async () => {
    const { call, json, objects, stats } = await setup();
    await json('POST', '/admin/faults', { kind: 'error500', channel: 'google-ads', operation: 'create', count: 1 });
    const failed = await call('POST', MUTATE, { operations: [gCreate('f1')] });
    expect(failed.status).toBe(500);
    expect(await failed.json()).toMatchObject({ error: { status: 'INTERNAL' } });
    expect((await call('POST', MUTATE, { operations: [gCreate('f1')] })).status).toBe(200);

    await json('POST', '/admin/faults', { kind: 'timeout', channel: 'meta', count: 1, delayMs: 50 });
    await expect(call('POST', '/meta/v1/act_77/campaigns', metaCreate('f2'))).rejects.toThrow();
    expect(await objects('?channel=meta')).toEqual([]);

    // The platform creates, the answer never comes: a blind retry would duplicate, a lookup does not.
    await json('POST', '/admin/faults', { kind: 'lostResponse', channel: 'linkedin', count: 1 });
    const lookup = async () => (await json<{ elements: { id: string }[] }>('GET', `/linkedin/v1/posts?author=urn:li:organization:42&externalReference=f3`)).elements;
    expect(await lookup()).toEqual([]); // a read does not use the fault up
    await expect(call('POST', '/linkedin/v1/posts', post('f3'))).rejects.toThrow();
    expect(await lookup()).toHaveLength(1);

    await json('POST', '/admin/faults', { kind: 'throttle', channel: 'meta', count: 1 });
    const throttled = await call('GET', '/meta/v1/act_77/campaigns');
    expect(throttled.status).toBe(429);
    expect(await throttled.json()).toMatchObject({ error: { code: 17, error_subcode: 2446079 } });

    expect(await json('GET', '/admin/faults')).toEqual([]);
    expect(await stats('google-ads', '123')).toMatchObject({ faults: 1, creates: 1 });
    expect(await stats('meta', '77')).toMatchObject({ faults: 2, throttled: 0 });
  });

  it('seeded reviews: the same references end the same way on another simulator with the same seed', async () => {
    const outcome = async () => {
      const { json, objects } = await setup({ seed: 7, disapprovalRate: 0.5 });
      for (let i = 0; i < 8; i++) await json('POST', '/meta/v1/act_1/campaigns', metaCreate(`ref-${i}`));
      const all = await until(async () => {
        const list = await objects();
        return list.every((o) => o.review !== 'PENDING_REVIEW') ? list : undefined;
      });
      return all.map((o) => `${o.externalReference}:${o.review}`);
    };
    const first = await outcome();
    expect(await outcome()).toEqual(first);
    expect(first.some((o) => o.endsWith('DISAPPROVED'))).toBe(true);
    expect(first.some((o) => o.endsWith('ACTIVE'))).toBe(true);
  });

  it('delivery statistics grow with time once active, none while pending or disapproved', async () => {
    const { json, reviewed } = await setup({ reviewMinMs: 400, reviewMaxMs: 500 });
    const { id } = await json<{ id: string }>('POST', '/meta/v1/act_5/campaigns', metaCreate('d1'));
    const stats = async () => (await json<{ data: { campaign_id: string; impressions: string; clicks: string; spend: string }[] }>('GET', '/meta/v1/act_5/campaigns/stats?external_reference=d1')).data;
    expect((await stats())[0]).toMatchObject({ campaign_id: id, impressions: '0', spend: '0.00' });
    await reviewed(id);
    await new Promise((r) => setTimeout(r, 300));
    const early = Number((await stats())[0]?.impressions);
    await new Promise((r) => setTimeout(r, 300));
    const later = Number((await stats())[0]?.impressions);
    expect(early).toBeGreaterThan(0);
    expect(later).toBeGreaterThan(early);

    const created = await json<{ results: { resourceName: string }[] }>('POST', MUTATE, { operations: [gCreate('d2')] });
    const google = await json<{ results: { metrics: { impressions: number; costMicros: number } }[] }>('GET', '/google-ads/v1/customers/123/campaigns/stats?externalReference=d2');
    expect(google.results[0]?.metrics).toMatchObject({ impressions: 0, costMicros: 0 });
    await reviewed(created.results[0]?.resourceName.split('/').pop() ?? '');
    await new Promise((r) => setTimeout(r, 300));
    const grown = await json<{ results: { metrics: { impressions: number } }[] }>('GET', '/google-ads/v1/customers/123/campaigns/stats?externalReference=d2');
    expect(grown.results[0]?.metrics.impressions).toBeGreaterThan(0);
    const linkedin = await json<{ elements: { impressionCount: number }[] }>('GET', '/linkedin/v1/posts/stats?author=urn:li:organization:42');
    expect(linkedin.elements).toEqual([]);
  });

  it('updates live objects: google-ads mutate update with its field mask, meta POST /{id}, linkedin PARTIAL_UPDATE; a removed one refuses', async () => {
    const fast = { ratePerSecond: 1000 };
    const { sim, call, json, stats } = await setup({ quotas: { 'google-ads': fast, meta: fast, linkedin: fast } });
    // Google Ads-like: an update operation sets the fields its mask names, and only those.
    const created = await json<{ results: { resourceName: string }[] }>('POST', MUTATE, { operations: [gCreate('u1')] });
    const resourceName = created.results[0]?.resourceName as string;
    const campaign = `/google-ads/v1/customers/123/campaigns/${resourceName.split('/').pop()}`;
    const update = (fields: Record<string, unknown>, updateMask?: string) => ({ update: { resourceName, ...fields }, ...(updateMask === undefined ? {} : { updateMask }) });
    expect(await json('POST', MUTATE, { operations: [update({ status: 'PAUSED', budgetAmountMicros: 9_000_000 }, 'status,budgetAmountMicros')] })).toEqual({ results: [{ resourceName }] });
    expect(await json('GET', campaign)).toMatchObject({ status: 'PAUSED', budgetAmountMicros: 9_000_000 });
    await json('POST', MUTATE, { operations: [update({ status: 'ENABLED', budgetAmountMicros: 1 }, 'status')] });
    expect(await json('GET', campaign)).toMatchObject({ status: 'ENABLED', budgetAmountMicros: 9_000_000 });
    const refusal = async (operation: Record<string, unknown>) => {
      const r = await call('POST', MUTATE, { operations: [operation] });
      expect(r.status).toBe(400);
      return ((await r.json()) as { error: { details: { errors: { errorCode: Record<string, string> }[] }[] } }).error.details[0]?.errors.map((e) => e.errorCode);
    };
    expect(await refusal(update({ status: 'PAUSED' }))).toEqual([{ fieldMaskError: 'FIELD_MASK_MISSING' }]);
    expect(await refusal(update({ status: 'PAUSED' }, 'status,name'))).toEqual([{ fieldMaskError: 'FIELD_NOT_FOUND' }]);
    expect(await refusal(update({ status: 'PAUSED' }, 'status,budgetAmountMicros'))).toEqual([{ fieldError: 'REQUIRED' }]);
    expect(await refusal(update({ status: 'STOPPED' }, 'status'))).toEqual([{ fieldError: 'INVALID_VALUE' }]);
    expect(await refusal({ update: { resourceName: 'customers/123/campaigns/999', status: 'PAUSED' }, updateMask: 'status' })).toEqual([{ mutateError: 'RESOURCE_NOT_FOUND' }]);
    await json('POST', MUTATE, { operations: [{ remove: resourceName }] });
    expect(await refusal(update({ status: 'PAUSED' }, 'status'))).toEqual([{ campaignError: 'OPERATION_NOT_PERMITTED_FOR_REMOVED_RESOURCE' }]);
    expect(await stats('google-ads', '123')).toMatchObject({ creates: 1, updates: 2, removes: 1 });

    // Meta-like: POST /{id} sets status and daily_budget; effective_status follows the configured one once reviewed.
    const { id } = await json<{ id: string }>('POST', '/meta/v1/act_77/campaigns', metaCreate('u2'));
    expect(await json('POST', `/meta/v1/${id}`, { status: 'PAUSED', daily_budget: 2500 })).toEqual({ success: true });
    expect(await json('GET', `/meta/v1/${id}`)).toMatchObject({ configured_status: 'PAUSED', status: 'PAUSED', daily_budget: 2500 });
    const empty = await call('POST', `/meta/v1/${id}`, {});
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ error: { code: 100, error_subcode: 1487390 } });
    expect((await call('POST', `/meta/v1/${id}`, { daily_budget: 50 })).status).toBe(400);
    await json('DELETE', `/meta/v1/${id}`);
    const deleted = await call('POST', `/meta/v1/${id}`, { status: 'ACTIVE' });
    expect(deleted.status).toBe(400);
    expect(await deleted.json()).toMatchObject({ error: { code: 100, error_subcode: 33 } });
    expect(await stats('meta', '77')).toMatchObject({ updates: 1 });

    // LinkedIn-like: a sponsored post's status and daily budget, by a Rest.li partial update.
    const posted = await call('POST', '/linkedin/v1/posts', { ...post('u3'), dailyBudget: { amount: '20.00', currencyCode: 'EUR' } });
    expect(posted.status).toBe(201);
    const urn = posted.headers.get('x-restli-id') ?? '';
    const path = `/linkedin/v1/posts/${encodeURIComponent(urn)}`;
    expect(await json('GET', path)).toMatchObject({ status: 'ACTIVE', dailyBudget: { amount: '20.00', currencyCode: 'EUR' } });
    const patch = (body: unknown, method: string | null = 'PARTIAL_UPDATE') =>
      fetch(`${sim.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(method ? { 'x-restli-method': method } : {}) }, body: JSON.stringify(body) });
    const patched = await patch({ patch: { $set: { status: 'PAUSED', dailyBudget: { amount: '35.50', currencyCode: 'EUR' } } } });
    expect(patched.status).toBe(204);
    expect(await json('GET', path)).toMatchObject({ status: 'PAUSED', dailyBudget: { amount: '35.50', currencyCode: 'EUR' }, commentary: 'Spring offers are here' });
    expect((await patch({ patch: { $set: { status: 'ACTIVE' } } }, null)).status).toBe(400);
    const invalid = await patch({ patch: { $set: { dailyBudget: { amount: 'lots', currencyCode: 'EUR' } } } });
    expect(invalid.status).toBe(422);
    expect(await invalid.json()).toMatchObject({ errorDetails: { inputErrors: [expect.objectContaining({ input: { inputPath: { fieldPath: 'patch.$set.dailyBudget.amount' } } })] } });
    expect((await patch({ patch: { $set: {} } })).status).toBe(422);
    expect((await patch({ patch: { $set: { status: 'ACTIVE' } } })).status).toBe(204);
    expect(await json('GET', path)).toMatchObject({ status: 'ACTIVE' });
    await call('DELETE', path);
    expect((await patch({ patch: { $set: { status: 'PAUSED' } } })).status).toBe(404);
    expect(await stats('linkedin', '42')).toMatchObject({ updates: 2 });
  });

  it('updates go through the quota and the faults like every call', async () => {
    const { call, json, objects } = await setup();
    const { id } = await json<{ id: string }>('POST', '/meta/v1/act_77/campaigns', metaCreate('q1'));
    await json('POST', '/admin/quotas', { channel: 'meta', account: '77', ratePerSecond: 0.5, burst: 1 });
    expect((await call('POST', `/meta/v1/${id}`, { status: 'PAUSED' })).status).toBe(200);
    const throttled = await call('POST', `/meta/v1/${id}`, { status: 'ACTIVE' });
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('2');
    expect((await objects('?channel=meta'))[0]?.fields.status).toBe('PAUSED');

    await json('POST', '/admin/faults', { kind: 'error500', channel: 'google-ads', operation: 'update', count: 1 });
    const created = await json<{ results: { resourceName: string }[] }>('POST', MUTATE, { operations: [gCreate('q2')] });
    const operation = { update: { resourceName: created.results[0]?.resourceName, status: 'PAUSED' }, updateMask: 'status' };
    expect((await call('POST', MUTATE, { operations: [operation] })).status).toBe(500);
    expect((await objects('?channel=google-ads'))[0]?.fields.status).toBe('ENABLED');
    expect((await call('POST', MUTATE, { operations: [operation] })).status).toBe(200);
    expect((await objects('?channel=google-ads'))[0]?.fields.status).toBe('PAUSED');
  });

  it('a paused object delivers nothing more: its figures stay, and grow again once enabled; fixed figures only once it has delivered', async () => {
    const { json, reviewed } = await setup();
    const figures = async (reference: string) => {
      const row = (await json<{ data: { impressions: string; clicks: string }[] }>('GET', `/meta/v1/act_5/campaigns/stats?external_reference=${reference}`)).data[0];
      return Number(row?.impressions);
    };
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const { id } = await json<{ id: string }>('POST', '/meta/v1/act_5/campaigns', metaCreate('p1'));
    await reviewed(id);
    await sleep(200);
    await json('POST', `/meta/v1/${id}`, { status: 'PAUSED' });
    const atPause = await figures('p1');
    expect(atPause).toBeGreaterThan(0);
    await sleep(300);
    expect(await figures('p1')).toBe(atPause);
    await json('POST', `/meta/v1/${id}`, { status: 'ACTIVE' });
    await sleep(300);
    expect(await figures('p1')).toBeGreaterThan(atPause);

    // Fixed figures: none for an object created PAUSED, until it is enabled; kept when paused again.
    await json('POST', '/admin/delivery', { channel: 'meta', referencePrefix: 'fx', impressions: 5000, clicks: 40, spend: 12 });
    const { id: fixed } = await json<{ id: string }>('POST', '/meta/v1/act_5/campaigns', { ...metaCreate('fx1'), status: 'PAUSED' });
    await reviewed(fixed);
    expect(await figures('fx1')).toBe(0);
    await json('POST', `/meta/v1/${fixed}`, { status: 'ACTIVE' });
    await sleep(20);
    expect(await figures('fx1')).toBe(5000);
    await json('POST', `/meta/v1/${fixed}`, { status: 'PAUSED' });
    expect(await figures('fx1')).toBe(5000);
  });

  it('admin: objects by channel and reference, stats per channel and account, reset', async () => {
    const { call, json, objects } = await setup();
    await json('POST', MUTATE, { operations: [gCreate('a1'), gCreate('a1')] });
    await json('POST', '/meta/v1/act_77/campaigns', metaCreate('a1'));
    expect(await objects('?externalReference=a1')).toHaveLength(3);
    expect((await objects('?channel=meta&externalReference=a1')).map((o) => o.channel)).toEqual(['meta']);
    expect((await call('GET', '/admin/objects?channel=fax')).status).toBe(400);
    const stats = await json<{ totals: AccountStats; channels: Record<string, Record<string, AccountStats>> }>('GET', '/admin/stats');
    expect(stats.totals).toMatchObject({ creates: 3, duplicates: 1, calls: 2 });
    expect(Object.keys(stats.channels).sort()).toEqual(['google-ads', 'meta']);
    expect((await call('POST', '/admin/faults', { kind: 'explode' })).status).toBe(400);

    expect((await call('POST', '/admin/reset')).status).toBe(204);
    expect(await objects()).toEqual([]);
    expect(await json('GET', '/admin/stats')).toMatchObject({ channels: {}, totals: { creates: 0 } });
  });
});
