/**
 * Google Ads-like campaigns: one mutate for many operations (create, update, remove), all-or-nothing unless
 * `partialFailure` (then the failed operations are reported in `partialFailureError` and the rest
 * applied), `validateOnly` checking without applying. Reviews end in a policy summary
 * (REVIEW_IN_PROGRESS -> APPROVED or DISAPPROVED with policy topics). No idempotency: a repeated
 * create is another campaign. `externalReference` is this simulator's stand-in for the tracking
 * field a caller would put its own id in. An update names its campaign by resource name and the
 * fields it sets in `updateMask` (status: ENABLED or PAUSED, budgetAmountMicros; here the budget sits
 * on the campaign rather than in a CampaignBudget of its own).
 */
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { admit, answer, type Context, type Dialect } from './gate';
import type { SimObject } from './store';

const FAILURE_TYPE = 'type.googleapis.com/google.ads.googleads.v17.errors.GoogleAdsFailure';
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const createSchema = z
  .strictObject({
    name: z.string().min(1).max(255),
    externalReference: z.string().min(1).max(255),
    status: z.enum(['ENABLED', 'PAUSED']).default('ENABLED'),
    advertisingChannelType: z.enum(['SEARCH', 'DISPLAY', 'VIDEO']).default('SEARCH'),
    budgetAmountMicros: z.number().int().min(1),
    startDate: z.string().regex(DATE).optional(),
    endDate: z.string().regex(DATE).optional(),
  })
  .refine((c) => !c.startDate || !c.endDate || c.endDate >= c.startDate, { message: 'END_DATE_BEFORE_START_DATE', path: ['endDate'] });

/** The fields an update may set (named in its `updateMask`). */
const updateSchema = z.strictObject({
  resourceName: z.string().min(1),
  status: z.enum(['ENABLED', 'PAUSED']).optional(),
  budgetAmountMicros: z.number().int().min(1).optional(),
});
const UPDATABLE = ['status', 'budgetAmountMicros'] as const;

const mutateSchema = z.strictObject({
  operations: z.array(z.record(z.string(), z.unknown())).min(1).max(5000),
  partialFailure: z.boolean().default(false),
  validateOnly: z.boolean().default(false),
});

interface GoogleAdsError {
  errorCode: Record<string, string>;
  message: string;
  location: { fieldPathElements: { fieldName: string; index?: number }[] };
}

type Checked =
  | { index: number; create: z.infer<typeof createSchema> }
  | { index: number; update: SimObject; changes: Record<string, unknown> }
  | { index: number; remove: SimObject }
  | { index: number; errors: GoogleAdsError[] };

const resourceName = (o: SimObject) => `customers/${o.account}/campaigns/${o.id}`;

export function googleAdsRouter(ctx: Context): Router {
  const router = express.Router();
  const dialect: Dialect = {
    channel: 'google-ads',
    throttled: (res, quota) =>
      void res.status(429).json(
        failure(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).', [
          { errorCode: { quotaError: 'RESOURCE_EXHAUSTED' }, message: `Too many requests. Retry in ${Math.max(1, Math.ceil(quota.resetMs / 1000))} seconds.`, location: { fieldPathElements: [] } },
        ]),
      ),
    serverError: (res) => void res.status(500).json(failure(500, 'INTERNAL', 'Internal error encountered.', [{ errorCode: { internalError: 'INTERNAL_ERROR' }, message: 'An internal error has occurred.', location: { fieldPathElements: [] } }])),
  };
  const base = '/google-ads/v1/customers/:account/campaigns';

  router.post(`${base}\\:mutate`, async (req: Request<{ account: string }>, res: Response) => {
    const account = req.params.account;
    const parsed = mutateSchema.safeParse(req.body);
    const every = (kind: string) => parsed.success && parsed.data.operations.every((op) => kind in op);
    const operation = every('remove') ? 'remove' : every('update') ? 'update' : 'create';
    const admitted = await admit(ctx, dialect, account, operation, req, res);
    if (!admitted) return;
    if (!parsed.success) {
      const errors = parsed.error.issues.map((i) => error({ requestError: 'INVALID_INPUT' }, i.message, i.path.map((p) => ({ fieldName: String(p) }))));
      return void res.status(400).json(failure(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.', errors));
    }
    const { operations, partialFailure, validateOnly } = parsed.data;
    const checked = operations.map((op, index) => check(ctx, account, op, index));
    const errors = checked.flatMap((c) => ('errors' in c ? c.errors : []));
    if (validateOnly) ctx.store.account('google-ads', account).validateOnly++;
    if (errors.length > 0 && !partialFailure) {
      return answer(res, admitted.lost, () => res.status(400).json(failure(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.', errors)));
    }
    const results = validateOnly
      ? []
      : checked.map((c) => {
          if ('create' in c) {
            const { name, externalReference, ...fields } = c.create;
            return { resourceName: resourceName(ctx.store.create({ id: String(ctx.store.nextId()), channel: 'google-ads', account, externalReference, name, fields })) };
          }
          if ('update' in c) {
            ctx.store.update(c.update, c.changes);
            return { resourceName: resourceName(c.update) };
          }
          if ('remove' in c) {
            ctx.store.remove(c.remove);
            return { resourceName: resourceName(c.remove) };
          }
          return {};
        });
    const partialFailureError = errors.length > 0 ? { code: 3, message: `Multiple errors in 'details'. First error: ${errors[0]?.message}`, details: [{ '@type': FAILURE_TYPE, errors }] } : undefined;
    answer(res, admitted.lost, () => res.json({ results, ...(partialFailureError ? { partialFailureError } : {}) }));
  });

  router.get(base, async (req: Request<{ account: string }>, res: Response) => {
    if (!(await admit(ctx, dialect, req.params.account, 'read', req, res))) return;
    res.json({ results: ctx.store.byReference('google-ads', req.params.account, query(req, 'externalReference')).map(render) });
  });

  router.get(`${base}/stats`, async (req: Request<{ account: string }>, res: Response) => {
    if (!(await admit(ctx, dialect, req.params.account, 'read', req, res))) return;
    const results = ctx.store.byReference('google-ads', req.params.account, query(req, 'externalReference')).map((o) => {
      const d = ctx.store.delivery(o);
      return {
        campaign: { resourceName: resourceName(o), id: o.id, externalReference: o.externalReference, status: render(o).status },
        metrics: { impressions: d.impressions, clicks: d.clicks, costMicros: Math.round(d.spend * 1_000_000), ctr: d.impressions ? d.clicks / d.impressions : 0 },
      };
    });
    res.json({ results });
  });

  router.get(`${base}/:id`, async (req: Request<{ account: string; id: string }>, res: Response) => {
    if (!(await admit(ctx, dialect, req.params.account, 'read', req, res))) return;
    const object = ctx.store.find('google-ads', req.params.id);
    if (!object || object.account !== req.params.account) {
      return void res.status(404).json(failure(404, 'NOT_FOUND', 'Resource not found.', [error({ mutateError: 'RESOURCE_NOT_FOUND' }, 'Resource was not found.', [])]));
    }
    res.json(render(object));
  });

  return router;
}

function check(ctx: Context, account: string, op: Record<string, unknown>, index: number): Checked {
  const at = (...path: PropertyKey[]) => [{ fieldName: 'operations', index }, ...path.map((p) => ({ fieldName: String(p) }))];
  if ('create' in op) {
    const parsed = createSchema.safeParse(op.create);
    if (parsed.success) return { index, create: parsed.data };
    const given = (op.create ?? {}) as Record<string, unknown>;
    return { index, errors: parsed.error.issues.map((i) => error(errorCode(i, given), i.message, at('create', ...i.path))) };
  }
  /** The live campaign a resource name names, or the error of an update or remove of it. */
  const target = (name: string, kind: 'update' | 'remove'): SimObject | GoogleAdsError[] => {
    const match = /^customers\/([^/]+)\/campaigns\/([^/]+)$/.exec(name);
    const object = match?.[1] === account ? ctx.store.find('google-ads', match[2] ?? '') : undefined;
    if (!object || object.account !== account) return [error({ mutateError: 'RESOURCE_NOT_FOUND' }, 'Resource was not found.', at(kind))];
    if (object.removedAt) return [error({ campaignError: 'OPERATION_NOT_PERMITTED_FOR_REMOVED_RESOURCE' }, 'Operation is not permitted for a removed campaign.', at(kind))];
    return object;
  };
  if ('update' in op) {
    const parsed = updateSchema.safeParse(op.update);
    if (!parsed.success) {
      const given = (op.update ?? {}) as Record<string, unknown>;
      return { index, errors: parsed.error.issues.map((i) => error(errorCode(i, given), i.message, at('update', ...i.path))) };
    }
    if (typeof op.updateMask !== 'string' || op.updateMask.trim() === '') return { index, errors: [error({ fieldMaskError: 'FIELD_MASK_MISSING' }, 'The field mask is missing.', at('updateMask'))] };
    const paths = op.updateMask.split(',').map((p) => p.trim());
    const unknown = paths.filter((p) => !(UPDATABLE as readonly string[]).includes(p));
    if (unknown.length) return { index, errors: unknown.map((p) => error({ fieldMaskError: 'FIELD_NOT_FOUND' }, `The field mask names a field that cannot be updated: ${p}.`, at('updateMask'))) };
    const { resourceName: name, ...values } = parsed.data;
    const missing = paths.filter((p) => values[p as (typeof UPDATABLE)[number]] === undefined);
    if (missing.length) return { index, errors: missing.map((p) => error({ fieldError: 'REQUIRED' }, `The field mask names ${p}, which the update does not set.`, at('update', p))) };
    const object = target(name, 'update');
    if (Array.isArray(object)) return { index, errors: object };
    return { index, update: object, changes: Object.fromEntries(paths.map((p) => [p, values[p as (typeof UPDATABLE)[number]]])) };
  }
  if (typeof op.remove === 'string') {
    const object = target(op.remove, 'remove');
    if (Array.isArray(object)) return { index, errors: object };
    return { index, remove: object };
  }
  return { index, errors: [error({ requestError: 'INVALID_INPUT' }, 'An operation needs create, update or remove.', at())] };
}

/** The Google Ads error code a validation issue stands for. */
function errorCode(issue: z.core.$ZodIssue, given: Record<string, unknown>): Record<string, string> {
  const field = String(issue.path[0] ?? '');
  if (issue.message === 'END_DATE_BEFORE_START_DATE') return { campaignError: 'END_DATE_BEFORE_START_DATE' };
  if (issue.code === 'invalid_type' && given[field] === undefined) return { fieldError: 'REQUIRED' };
  if (issue.code === 'too_small') return typeof given[field] === 'string' ? { stringLengthError: 'EMPTY' } : { rangeError: 'TOO_LOW' };
  if (issue.code === 'too_big') return typeof given[field] === 'string' ? { stringLengthError: 'TOO_LONG' } : { rangeError: 'TOO_HIGH' };
  if (issue.code === 'unrecognized_keys') return { fieldError: 'UNRECOGNIZED_FIELD' };
  return { fieldError: 'INVALID_VALUE' };
}

const error = (errorCode: Record<string, string>, message: string, fieldPathElements: GoogleAdsError['location']['fieldPathElements']): GoogleAdsError => ({
  errorCode,
  message,
  location: { fieldPathElements },
});

const failure = (code: number, status: string, message: string, errors: GoogleAdsError[]) => ({ error: { code, message, status, details: [{ '@type': FAILURE_TYPE, errors }] } });

const query = (req: Request, name: string) => (typeof req.query[name] === 'string' ? req.query[name] : undefined);

function render(o: SimObject) {
  return {
    resourceName: resourceName(o),
    id: o.id,
    name: o.name,
    externalReference: o.externalReference,
    ...o.fields,
    status: o.removedAt ? 'REMOVED' : o.fields.status,
    policySummary: {
      reviewStatus: o.review === 'PENDING_REVIEW' ? 'REVIEW_IN_PROGRESS' : 'REVIEWED',
      approvalStatus: o.review === 'PENDING_REVIEW' ? 'UNKNOWN' : o.review === 'ACTIVE' ? 'APPROVED' : 'DISAPPROVED',
      policyTopicEntries: o.reviewFeedback ? [{ topic: o.reviewFeedback.policy, type: 'PROHIBITED', message: o.reviewFeedback.message }] : [],
    },
  };
}
