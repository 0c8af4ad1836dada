/** What was created and how each account was treated, and the switches tests turn (quotas, faults, delivery figures, reset). */
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { CHANNELS } from './channels';
import { deliverySettingSchema } from './delivery';
import { faultSchema } from './faults';
import type { Context } from './gate';
import { setQuotaSchema } from './quotas';

export function adminRouter(ctx: Context, onReset: () => void): Router {
  const router = express.Router();
  const invalid = (res: Response, error: z.ZodError) =>
    void res.status(400).json({ error: 'invalid request', issues: error.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message })) });
  const filter = z.object({ channel: z.enum(CHANNELS).optional(), account: z.string().optional(), externalReference: z.string().optional() });

  /** Everything created, removed ones included (state REMOVED), oldest first. */
  router.get('/admin/objects', (req: Request, res: Response) => {
    const parsed = filter.safeParse(req.query);
    if (!parsed.success) return invalid(res, parsed.error);
    const { channel, account, externalReference } = parsed.data;
    res.json(
      ctx.store.objects.filter(
        (o) => (!channel || o.channel === channel) && (!account || o.account === account) && (externalReference === undefined || o.externalReference === externalReference),
      ),
    );
  });

  router.get('/admin/stats', (_req: Request, res: Response) => {
    const channels = ctx.store.statsByChannel();
    const totals = { calls: 0, creates: 0, duplicates: 0, updates: 0, removes: 0, throttled: 0, faults: 0, validateOnly: 0 };
    for (const accounts of Object.values(channels)) for (const s of Object.values(accounts)) for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += s[k];
    const live = ctx.store.objects.filter((o) => !o.removedAt);
    res.json({
      channels,
      totals,
      objects: { all: ctx.store.objects.length, live: live.length, pendingReview: live.filter((o) => o.review === 'PENDING_REVIEW').length, active: live.filter((o) => o.review === 'ACTIVE').length, disapproved: live.filter((o) => o.review === 'DISAPPROVED').length },
    });
  });

  router.get('/admin/quotas', (_req: Request, res: Response) => void res.json(ctx.quotas.list()));
  router.post('/admin/quotas', (req: Request, res: Response) => {
    const parsed = setQuotaSchema.safeParse(req.body ?? {});
    if (!parsed.success) return invalid(res, parsed.error);
    const { channel, account, ...quota } = parsed.data;
    ctx.quotas.set(channel, quota, account);
    res.json(ctx.quotas.list());
  });

  router.get('/admin/faults', (_req: Request, res: Response) => void res.json(ctx.faults.list()));
  router.post('/admin/faults', (req: Request, res: Response) => {
    const parsed = faultSchema.safeParse(req.body ?? {});
    if (!parsed.success) return invalid(res, parsed.error);
    res.status(201).json(ctx.faults.add(parsed.data));
  });
  router.delete('/admin/faults', (_req: Request, res: Response) => {
    ctx.faults.clear();
    res.status(204).end();
  });

  /** Fixed delivery figures (impressions, clicks, spend) for the objects a setting matches: a channel made to perform well or badly. */
  router.get('/admin/delivery', (_req: Request, res: Response) => void res.json(ctx.store.deliveryList()));
  router.post('/admin/delivery', (req: Request, res: Response) => {
    const parsed = deliverySettingSchema.safeParse(req.body ?? {});
    if (!parsed.success) return invalid(res, parsed.error);
    res.status(201).json(ctx.store.setDelivery(parsed.data));
  });
  router.delete('/admin/delivery', (_req: Request, res: Response) => {
    ctx.store.clearDelivery();
    res.status(204).end();
  });

  /** Forgets every object, statistic, fault, delivery setting and runtime quota: a fresh simulator on the same port. */
  router.post('/admin/reset', (_req: Request, res: Response) => {
    onReset();
    res.status(204).end();
  });

  return router;
}
