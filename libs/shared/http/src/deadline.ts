import type { Client } from '@temporalio/client';
import type { Request, RequestHandler, Response } from 'express';
import { AsyncLocalStorage } from 'node:async_hooks';

/** The deadline (epoch ms) the calls made here are under, if any. */
const current = new AsyncLocalStorage<number>();

/**
 * The one deadline helper: every Temporal call `fn` makes (start, describe, query, update, list)
 * ends by `timeoutMs` from now, the call itself and not only our wait, so an outage answers fast and
 * no call is left running behind a response. Nested, it never extends the deadline it runs under:
 * a short bound inside a request (a progress query) ends at the request's deadline at the latest.
 */
export function withDeadline<T>(client: Client, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  const deadline = Math.min(Date.now() + timeoutMs, current.getStore() ?? Number.POSITIVE_INFINITY);
  return current.run(deadline, () => client.withDeadline(deadline, fn));
}

/** What a handler's Temporal calls are bounded by. */
export interface DeadlineContext {
  client: Client;
  /** Bound on a request's calls to Temporal, together. */
  rpcTimeoutMs: number;
}

/** A request handler whose Temporal calls share one deadline (`rpcTimeoutMs`); its errors go to the pipeline. */
export function bounded(ctx: DeadlineContext, handler: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return (req, res) => withDeadline(ctx.client, ctx.rpcTimeoutMs, () => handler(req, res));
}
