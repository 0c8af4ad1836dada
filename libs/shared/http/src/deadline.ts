import type { Client } from '@temporalio/client';
import type { Request, RequestHandler, Response } from 'express';

/**
 * The one deadline helper: every Temporal call `fn` makes (start, describe, query, update, list)
 * ends by `timeoutMs` from now, the call itself and not only our wait, so an outage answers fast and
 * no call is left running behind a response.
 */
export function withDeadline<T>(client: Client, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  return client.withDeadline(Date.now() + timeoutMs, fn);
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
