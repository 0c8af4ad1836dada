import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from '@fleet/shared-observability';
import { adminRouter } from './admin';
import { Faults, type FaultInput, faultSchema } from './faults';
import type { Context } from './gate';
import { googleAdsRouter } from './google-ads';
import { linkedinRouter } from './linkedin';
import { metaRouter } from './meta';
import { type ChannelQuotas, Quotas } from './quotas';
import { DEFAULT_SITES, type SiteQuality, sitesRouter } from './sites';
import { Store } from './store';

export interface ChannelsSimOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Seeds reviews, delivery figures and fault draws, so a run can be replayed. */
  seed?: number;
  /** Each review takes a (seeded) time in [reviewMinMs, reviewMaxMs]. */
  reviewMinMs?: number;
  reviewMaxMs?: number;
  /** Share of reviews ending DISAPPROVED without any fault, 0-1. */
  disapprovalRate?: number;
  /** Per channel; 10 calls/s with a bucket of 10 when left out. */
  quotas?: ChannelQuotas;
  faults?: FaultInput[];
  /** More sites to serve, besides DEFAULT_SITES (a domain without a quality gets 'fair'). */
  sites?: Record<string, SiteQuality> | string[];
  logger?: Logger;
}

export interface ChannelsSim {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startChannelsSim(options: ChannelsSimOptions = {}): Promise<ChannelsSim> {
  const { host = '127.0.0.1', port = 0, seed = 1, reviewMinMs = 200, reviewMaxMs = 2000, disapprovalRate = 0.1, logger } = options;
  const timers = new Set<NodeJS.Timeout>();
  const hold = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });
  const faults = new Faults(seed);
  const store = new Store(seed, { reviewMinMs, reviewMaxMs, disapprovalRate }, faults);
  const quotas = new Quotas(options.quotas);
  const ctx: Context = { store, quotas, faults, hold };
  const fresh = () => {
    store.reset();
    quotas.reset();
    faults.reset();
    for (const fault of options.faults ?? []) faults.add(faultSchema.parse(fault));
  };
  fresh();
  const extra = Array.isArray(options.sites) ? Object.fromEntries(options.sites.map((d) => [d, 'fair' as const])) : (options.sites ?? {});

  const app = express();
  app.use(express.json());
  app.use((req: Request, _res: Response, next: NextFunction) => {
    logger?.debug({ method: req.method, path: req.path }, 'call');
    next();
  });
  app.use(googleAdsRouter(ctx));
  app.use(metaRouter(ctx));
  app.use(linkedinRouter(ctx));
  app.use(sitesRouter({ ...DEFAULT_SITES, ...extra }));
  app.use(adminRouter(ctx, fresh));
  app.use((req: Request, res: Response) => void res.status(404).json({ error: `no route ${req.method} ${req.path}` }));
  // Malformed JSON and other errors: answered as JSON, not express's HTML page.
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = typeof err === 'object' && err !== null && 'status' in err && typeof err.status === 'number' ? err.status : 500;
    if (status >= 500) logger?.error({ err }, 'channels simulator error');
    res.status(status).json({ error: err instanceof Error ? err.message : String(err) });
  });

  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  const address = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  return {
    url,
    port: address.port,
    close: async () => {
      store.reset();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
