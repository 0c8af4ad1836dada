import type { Request, Response } from 'express';
import type { Channel } from './channels';
import type { Faults, Operation } from './faults';
import type { QuotaState, Quotas } from './quotas';
import type { Store } from './store';

export interface Context {
  store: Store;
  quotas: Quotas;
  faults: Faults;
  /** Holds a call for a timeout fault; cleared on close. */
  hold(ms: number): Promise<void>;
}

/** How a platform words its refusals. */
export interface Dialect {
  channel: Channel;
  /** Over quota (`fault` when a throttle fault, not the quota, refused it). */
  throttled(res: Response, quota: QuotaState, fault: boolean): void;
  serverError(res: Response): void;
  /** Headers of every answer, e.g. Meta's usage header. */
  usage?(res: Response, account: string, quota: QuotaState): void;
}

/**
 * Every platform call goes through here: counted, charged to the account's quota (headers on every
 * answer, 429 with Retry-After over it), then faults. Returns undefined when the call was answered
 * (or dropped); `lost` asks the handler to do the work and then drop the connection unanswered.
 */
export async function admit(ctx: Context, dialect: Dialect, account: string, operation: Operation, req: Request, res: Response): Promise<{ lost: boolean } | undefined> {
  const stats = ctx.store.account(dialect.channel, account);
  stats.calls++;
  const quota = ctx.quotas.take(dialect.channel, account);
  res.set({
    'x-ratelimit-limit': String(quota.limit),
    'x-ratelimit-remaining': String(quota.remaining),
    'x-ratelimit-reset-ms': String(quota.resetMs),
    'x-ratelimit-rate': String(quota.ratePerSecond),
  });
  dialect.usage?.(res, account, quota);
  if (!quota.allowed) {
    stats.throttled++;
    res.set('retry-after', String(Math.max(1, Math.ceil(quota.resetMs / 1000))));
    dialect.throttled(res, quota, false);
    return undefined;
  }
  const fault = ctx.faults.draw(dialect.channel, account, operation);
  if (!fault) return { lost: false };
  stats.faults++;
  switch (fault.kind) {
    case 'error500':
      dialect.serverError(res);
      return undefined;
    case 'throttle':
      res.set('retry-after', '1');
      dialect.throttled(res, quota, true);
      return undefined;
    case 'timeout':
      await ctx.hold(fault.delayMs);
      req.socket.destroy();
      return undefined;
    default:
      return { lost: true };
  }
}

/** Sends the answer, or for a lostResponse fault drops the connection instead: the work is done either way. */
export function answer(res: Response, lost: boolean, send: () => void): void {
  if (lost) res.req.socket.destroy();
  else send();
}
