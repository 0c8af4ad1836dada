import type { RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { principalOf } from './auth';
import { sendProblem } from './problem';

/**
 * At most `perMinute` requests a minute per client, with the standard `RateLimit` headers and a
 * 429 problem past it. A client is the authenticated principal, or, for a request whose token was
 * refused or missing, its address: placed between `identify` and `rejectAnonymous`, failed
 * authentication counts, so guessing keys is limited like anything else.
 */
export function clientRateLimit({ perMinute }: { perMinute: number }): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: (req, res) => principalOf(res)?.id ?? `ip:${ipKeyGenerator(req.ip ?? 'unknown')}`,
    handler: (_req, res) => sendProblem(res, 429, 'Too many requests', `at most ${perMinute} requests a minute per client`),
  });
}
