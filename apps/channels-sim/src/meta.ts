/**
 * Meta-like campaigns under an ad account: created PENDING_REVIEW, then ACTIVE or DISAPPROVED with
 * `review_feedback` once reviewed. Every answer carries `x-business-use-case-usage` (call_count as a
 * percentage of the account's bucket); over quota the error is code 80004 (subcode 2446079), a
 * throttle fault code 17. Errors are Graph API bodies ({ error: { message, type, code, ... } }).
 * No idempotency: a repeated create is another campaign. `POST /{id}` updates a campaign's status
 * (ACTIVE, PAUSED) and daily budget, answering { success: true }; a deleted one cannot be updated.
 */
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { admit, answer, type Context, type Dialect } from './gate';
import type { SimObject } from './store';

const createSchema = z.strictObject({
  name: z.string().min(1).max(400),
  external_reference: z.string().min(1).max(255),
  objective: z.enum(['OUTCOME_AWARENESS', 'OUTCOME_TRAFFIC', 'OUTCOME_ENGAGEMENT', 'OUTCOME_LEADS', 'OUTCOME_SALES']).default('OUTCOME_TRAFFIC'),
  status: z.enum(['ACTIVE', 'PAUSED']).default('ACTIVE'),
  /** In cents of the account's currency. */
  daily_budget: z.coerce.number().int().min(100).optional(),
  special_ad_categories: z.array(z.string()).default([]),
});

/** What `POST /{id}` may set: at least one field. */
const updateSchema = z
  .strictObject({
    status: z.enum(['ACTIVE', 'PAUSED']).optional(),
    /** In cents of the account's currency. */
    daily_budget: z.coerce.number().int().min(100).optional(),
  })
  .refine((u) => u.status !== undefined || u.daily_budget !== undefined, { message: 'nothing to update: give status or daily_budget' });

let trace = 0;
const graphError = (code: number, message: string, extra: Record<string, unknown> = {}) => ({
  error: { message, type: 'OAuthException', code, ...extra, fbtrace_id: `Asim${String(++trace).padStart(8, '0')}` },
});

export function metaRouter(ctx: Context): Router {
  const router = express.Router();
  const dialect: Dialect = {
    channel: 'meta',
    throttled: (res, _quota, fault) =>
      void res
        .status(429)
        .json(
          fault
            ? graphError(17, '(#17) User request limit reached', { error_subcode: 2446079, is_transient: true })
            : graphError(80004, 'There have been too many calls to this ad-account. Wait a bit and try again.', { error_subcode: 2446079, is_transient: true }),
        ),
    serverError: (res) => void res.status(500).json(graphError(2, 'An unexpected error has occurred. Please retry your request later.', { is_transient: true })),
    usage: (res, account, quota) =>
      void res.set(
        'x-business-use-case-usage',
        JSON.stringify({
          [account]: [
            {
              type: 'ads_management',
              call_count: quota.usagePercent,
              total_cputime: Math.round(quota.usagePercent / 2),
              total_time: Math.round(quota.usagePercent / 2),
              estimated_time_to_regain_access: quota.allowed ? 0 : Math.ceil(quota.resetMs / 60_000),
            },
          ],
        }),
      ),
  };
  const account = '/meta/v1/act_:account';
  const notFound = (res: Response, id: string) =>
    void res.status(400).json(graphError(100, `Unsupported request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, { error_subcode: 33 }));

  router.post(`${account}/campaigns`, async (req: Request<{ account: string }>, res: Response) => {
    const admitted = await admit(ctx, dialect, req.params.account, 'create', req, res);
    if (!admitted) return;
    const parsed = createSchema.safeParse(req.body);
    if (!parsed.success) {
      const fields = parsed.error.issues.map((i) => i.path.join('.') || '(body)');
      return answer(res, admitted.lost, () =>
        res.status(400).json(graphError(100, `(#100) Invalid parameter: ${parsed.error.issues[0]?.message ?? ''}`, { error_subcode: 1487390, error_data: { blame_field_specs: fields.map((f) => [f]) } })),
      );
    }
    const { name, external_reference, ...fields } = parsed.data;
    const object = ctx.store.create({ id: `12021${String(ctx.store.nextId()).padStart(10, '0')}`, channel: 'meta', account: req.params.account, externalReference: external_reference, name, fields });
    answer(res, admitted.lost, () => res.json({ id: object.id }));
  });

  router.get(`${account}/campaigns`, async (req: Request<{ account: string }>, res: Response) => {
    if (!(await admit(ctx, dialect, req.params.account, 'read', req, res))) return;
    const all = ctx.store.byReference('meta', req.params.account, query(req, 'external_reference'));
    const data = req.query.include_deleted === 'true' ? all : all.filter((o) => !o.removedAt);
    res.json({ data: data.map(render), paging: {} });
  });

  router.get(`${account}/campaigns/stats`, async (req: Request<{ account: string }>, res: Response) => {
    if (!(await admit(ctx, dialect, req.params.account, 'read', req, res))) return;
    const data = ctx.store.byReference('meta', req.params.account, query(req, 'external_reference')).map((o) => {
      const d = ctx.store.delivery(o);
      return {
        campaign_id: o.id,
        external_reference: o.externalReference,
        effective_status: render(o).effective_status,
        impressions: String(d.impressions),
        clicks: String(d.clicks),
        spend: d.spend.toFixed(2),
        ctr: d.impressions ? ((d.clicks / d.impressions) * 100).toFixed(4) : '0',
      };
    });
    res.json({ data, paging: {} });
  });

  router.get('/meta/v1/:id', async (req: Request<{ id: string }>, res: Response) => {
    const object = ctx.store.find('meta', req.params.id);
    if (!(await admit(ctx, dialect, object?.account ?? '(unknown)', 'read', req, res))) return;
    if (!object) return notFound(res, req.params.id);
    res.json(render(object));
  });

  router.post('/meta/v1/:id', async (req: Request<{ id: string }>, res: Response) => {
    const object = ctx.store.find('meta', req.params.id);
    const admitted = await admit(ctx, dialect, object?.account ?? '(unknown)', 'update', req, res);
    if (!admitted) return;
    if (!object || object.removedAt) return notFound(res, req.params.id);
    const parsed = updateSchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      const fields = parsed.error.issues.map((i) => i.path.join('.') || '(body)');
      return answer(res, admitted.lost, () =>
        res.status(400).json(graphError(100, `(#100) Invalid parameter: ${parsed.error.issues[0]?.message ?? ''}`, { error_subcode: 1487390, error_data: { blame_field_specs: fields.map((f) => [f]) } })),
      );
    }
    ctx.store.update(object, Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined)));
    answer(res, admitted.lost, () => res.json({ success: true }));
  });

  router.delete('/meta/v1/:id', async (req: Request<{ id: string }>, res: Response) => {
    const object = ctx.store.find('meta', req.params.id);
    const admitted = await admit(ctx, dialect, object?.account ?? '(unknown)', 'remove', req, res);
    if (!admitted) return;
    if (!object) return notFound(res, req.params.id);
    ctx.store.remove(object);
    answer(res, admitted.lost, () => res.json({ success: true }));
  });

  return router;
}

const query = (req: Request, name: string) => (typeof req.query[name] === 'string' ? req.query[name] : undefined);

function render(o: SimObject) {
  const configured = o.fields.status as string;
  return {
    id: o.id,
    account_id: o.account,
    name: o.name,
    external_reference: o.externalReference,
    ...o.fields,
    status: o.removedAt ? 'DELETED' : configured,
    configured_status: configured,
    effective_status: o.removedAt ? 'DELETED' : o.review === 'ACTIVE' ? configured : o.review,
    created_time: o.createdAt,
    ...(o.reviewFeedback ? { review_feedback: { global: { [o.reviewFeedback.policy]: o.reviewFeedback.message } } } : {}),
  };
}
