/**
 * LinkedIn-like posts: POST answers 201 with the new post's URN in `x-restli-id` (no body); a post is
 * PUBLISH_REQUESTED until reviewed, then PUBLISHED or PUBLISH_FAILED. A deleted post is gone (404),
 * as is an unknown one; the admin API still lists it. No idempotency: a repeated create is another post.
 * A post is sponsored: it carries its campaign's `status` (ACTIVE or PAUSED, as LinkedIn's ad
 * campaigns do; a PAUSED post is not shown) and `dailyBudget` (LinkedIn's Money: amount as a decimal
 * string), set on create and changed by a Rest.li partial update: `POST /posts/{urn}` with
 * `X-RestLi-Method: PARTIAL_UPDATE` and `{ patch: { $set: { ... } } }`, answered 204.
 */
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { admit, answer, type Context, type Dialect } from './gate';
import type { SimObject } from './store';

const AUTHOR = /^urn:li:organization:([A-Za-z0-9_-]+)$/;

const moneySchema = z.strictObject({
  amount: z.string().regex(/^\d+(\.\d{1,2})?$/, 'expected a decimal amount'),
  currencyCode: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code'),
});
const statusSchema = z.enum(['ACTIVE', 'PAUSED']);

const createSchema = z.strictObject({
  author: z.string().regex(AUTHOR, 'expected urn:li:organization:<id>'),
  commentary: z.string().min(1).max(3000),
  externalReference: z.string().min(1).max(255),
  visibility: z.enum(['PUBLIC', 'CONNECTIONS']).default('PUBLIC'),
  lifecycleState: z.literal('PUBLISHED').default('PUBLISHED'),
  distribution: z.strictObject({ feedDistribution: z.enum(['MAIN_FEED', 'NONE']) }).default({ feedDistribution: 'MAIN_FEED' }),
  status: statusSchema.default('ACTIVE'),
  dailyBudget: moneySchema.optional(),
});

/** A partial update: what `$set` may set, at least one field. */
const patchSchema = z.strictObject({
  patch: z.strictObject({
    $set: z
      .strictObject({ status: statusSchema.optional(), dailyBudget: moneySchema.optional() })
      .refine((set) => set.status !== undefined || set.dailyBudget !== undefined, { message: 'nothing to set: give status or dailyBudget' }),
  }),
});

const liError = (status: number, code: string, message: string, extra: Record<string, unknown> = {}) => ({ status, code, message, ...extra });

export function linkedinRouter(ctx: Context): Router {
  const router = express.Router();
  const dialect: Dialect = {
    channel: 'linkedin',
    throttled: (res) => void res.status(429).json(liError(429, 'TOO_MANY_REQUESTS', 'Resource level throttle APPLICATION DAY limit for calls to this resource is reached.', { serviceErrorCode: 101 })),
    serverError: (res) => void res.status(500).json(liError(500, 'INTERNAL_SERVER_ERROR', 'Internal Server Error', { serviceErrorCode: 0 })),
  };
  const accountOf = (author: unknown) => (typeof author === 'string' ? AUTHOR.exec(author)?.[1] : undefined);
  const notFound = (res: Response) => void res.status(404).json(liError(404, 'NOT_FOUND', 'Not Found', { serviceErrorCode: 100 }));
  const invalid = (issues: z.core.$ZodIssue[]) =>
    liError(422, 'UNPROCESSABLE_ENTITY', 'Validation failed', {
      errorDetails: { inputErrors: issues.map((i) => ({ description: i.message, input: { inputPath: { fieldPath: i.path.join('.') || '(body)' } }, code: 'INVALID_VALUE' })) },
    });
  /** Lists take the author, as LinkedIn's finders do. */
  async function listed(req: Request, res: Response): Promise<SimObject[] | undefined> {
    const account = accountOf(req.query.author);
    if (!account) return void res.status(400).json(liError(400, 'BAD_REQUEST', 'author=urn:li:organization:<id> is required'));
    if (!(await admit(ctx, dialect, account, 'read', req, res))) return undefined;
    const reference = typeof req.query.externalReference === 'string' ? req.query.externalReference : undefined;
    return ctx.store.byReference('linkedin', account, reference).filter((o) => !o.removedAt);
  }

  router.post('/linkedin/v1/posts', async (req: Request, res: Response) => {
    const account = accountOf((req.body as Record<string, unknown> | undefined)?.author);
    const parsed = createSchema.safeParse(req.body);
    if (!account || !parsed.success) {
      return void res.status(422).json(invalid(parsed.error?.issues ?? []));
    }
    const admitted = await admit(ctx, dialect, account, 'create', req, res);
    if (!admitted) return;
    const { commentary, externalReference, ...fields } = parsed.data;
    const object = ctx.store.create({ id: `urn:li:share:7${String(ctx.store.nextId()).padStart(18, '0')}`, channel: 'linkedin', account, externalReference, name: commentary.slice(0, 80), fields: { commentary, ...fields } });
    answer(res, admitted.lost, () => res.status(201).set('x-restli-id', object.id).end());
  });

  router.get('/linkedin/v1/posts', async (req: Request, res: Response) => {
    const posts = await listed(req, res);
    if (posts) res.json({ elements: posts.map(render), paging: { start: 0, count: posts.length, total: posts.length } });
  });

  router.get('/linkedin/v1/posts/stats', async (req: Request, res: Response) => {
    const posts = await listed(req, res);
    if (!posts) return;
    const elements = posts.map((o) => {
      const d = ctx.store.delivery(o);
      return { post: o.id, externalReference: o.externalReference, lifecycleState: render(o).lifecycleState, impressionCount: d.impressions, clickCount: d.clicks, costInLocalCurrency: d.spend.toFixed(2) };
    });
    res.json({ elements, paging: { start: 0, count: elements.length, total: elements.length } });
  });

  router.get('/linkedin/v1/posts/:urn', async (req: Request<{ urn: string }>, res: Response) => {
    const object = ctx.store.find('linkedin', req.params.urn);
    if (!(await admit(ctx, dialect, object?.account ?? '(unknown)', 'read', req, res))) return;
    if (!object || object.removedAt) return notFound(res);
    res.json(render(object));
  });

  router.post('/linkedin/v1/posts/:urn', async (req: Request<{ urn: string }>, res: Response) => {
    const object = ctx.store.find('linkedin', req.params.urn);
    const admitted = await admit(ctx, dialect, object?.account ?? '(unknown)', 'update', req, res);
    if (!admitted) return;
    if (req.get('x-restli-method')?.toUpperCase() !== 'PARTIAL_UPDATE') {
      return answer(res, admitted.lost, () => res.status(400).json(liError(400, 'BAD_REQUEST', 'X-RestLi-Method: PARTIAL_UPDATE is required to update a post')));
    }
    if (!object || object.removedAt) return notFound(res);
    const parsed = patchSchema.safeParse(req.body);
    if (!parsed.success) return answer(res, admitted.lost, () => res.status(422).json(invalid(parsed.error.issues)));
    ctx.store.update(object, Object.fromEntries(Object.entries(parsed.data.patch.$set).filter(([, v]) => v !== undefined)));
    answer(res, admitted.lost, () => res.status(204).end());
  });

  router.delete('/linkedin/v1/posts/:urn', async (req: Request<{ urn: string }>, res: Response) => {
    const object = ctx.store.find('linkedin', req.params.urn);
    const admitted = await admit(ctx, dialect, object?.account ?? '(unknown)', 'remove', req, res);
    if (!admitted) return;
    if (!object || object.removedAt) return notFound(res);
    ctx.store.remove(object);
    answer(res, admitted.lost, () => res.status(204).end());
  });

  return router;
}

function render(o: SimObject) {
  return {
    id: o.id,
    ...o.fields,
    externalReference: o.externalReference,
    lifecycleState: o.review === 'PENDING_REVIEW' ? 'PUBLISH_REQUESTED' : o.review === 'ACTIVE' ? 'PUBLISHED' : 'PUBLISH_FAILED',
    lifecycleStateInfo: { isEditedByAuthor: false, ...(o.reviewFeedback ? { failureReason: o.reviewFeedback } : {}) },
    createdAt: Date.parse(o.createdAt),
    ...(o.reviewedAt ? { publishedAt: Date.parse(o.reviewedAt) } : {}),
  };
}
