import { ApplicationFailure } from '@temporalio/common';
import { activityContext, type ChannelLimiter } from './limiter';

/** The error type of a platform's refusal no retry fixes (a 4xx other than 429): fails the publish at once. */
export const PLATFORM_REFUSED = 'PlatformRefused';
/** A platform's 5xx, a dropped connection, a timeout: retried. */
export const PLATFORM_UNAVAILABLE = 'PlatformUnavailable';

/** Added to every wait the platform names: its bucket refills continuously, so "1 s" may be a hair short. */
const MARGIN_MS = 100;

export interface PlatformResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

/**
 * One call to a platform, through its channel's limiter: waits for a slot, sends (aborted on the
 * activity's cancellation or after `timeoutMs`), then follows the quota headers. The rate the
 * platform announces (x-ratelimit-rate) is kept as the channel's, so calls are spaced at it when it
 * is lower than the configured one. A 429 sets the channel's "not before" from Retry-After (or
 * the usage header) and throws a retryable failure with that delay; an empty bucket (remaining 0) sets it without waiting for a refusal; a 5xx or
 * no answer is retryable; other answers (2xx, 4xx) are the caller's to read.
 */
export async function callPlatform(limiter: ChannelLimiter, channel: string, url: string, init: { method: string; body?: unknown; headers?: Record<string, string>; timeoutMs?: number }): Promise<PlatformResponse> {
  await limiter.acquire(channel);
  const context = activityContext();
  const signals = [AbortSignal.timeout(init.timeoutMs ?? 15_000), ...(context ? [context.cancellationSignal] : [])];
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method,
      headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.any(signals),
    });
  } catch (err) {
    if (context?.cancellationSignal.aborted) throw err;
    throw ApplicationFailure.create({ type: PLATFORM_UNAVAILABLE, message: `${channel} ${init.method} ${new URL(url).pathname}: no answer (${(err as Error).message})`, cause: err as Error });
  }
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: kept as text
  }
  const what = `${channel} ${init.method} ${new URL(url).pathname}`;
  const rate = announcedRate(response.headers);
  if (rate !== undefined) await limiter.learnedRate(channel, rate);
  if (response.status === 429) {
    const waitMs = (retryAfterMs(response.headers) ?? 1_000) + MARGIN_MS;
    await limiter.refused(channel, waitMs, `${what}: 429 ${JSON.stringify(body).slice(0, 200)}`);
    throw ApplicationFailure.create({ type: 'ChannelThrottled', message: `${what}: 429, retry after ${waitMs} ms`, nextRetryDelay: waitMs });
  }
  const emptyFor = exhaustedForMs(response.headers);
  if (emptyFor > 0) await limiter.exhausted(channel, emptyFor + MARGIN_MS, `${what}: quota headers say the bucket is empty for ${emptyFor} ms`);
  if (response.status >= 500) throw ApplicationFailure.create({ type: PLATFORM_UNAVAILABLE, message: `${what}: ${response.status} ${text.slice(0, 300)}` });
  return { status: response.status, headers: response.headers, body };
}

/** A refusal no retry fixes. */
export function refused(what: string, response: PlatformResponse): ApplicationFailure {
  return ApplicationFailure.create({ type: PLATFORM_REFUSED, nonRetryable: true, message: `${what}: ${response.status} ${JSON.stringify(response.body).slice(0, 500)}` });
}

/** Retry-After in seconds or as an HTTP date; else Meta's estimated_time_to_regain_access (minutes); else the bucket's reset. */
export function retryAfterMs(headers: Headers): number | undefined {
  const value = headers.get('retry-after');
  if (value) {
    const seconds = Number(value);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const at = Date.parse(value);
    if (Number.isFinite(at)) return Math.max(0, at - Date.now());
  }
  const regain = metaRegainMs(headers);
  if (regain) return regain;
  const reset = Number(headers.get('x-ratelimit-reset-ms'));
  return Number.isFinite(reset) && reset > 0 ? reset : undefined;
}

/** The rate the platform announces, in calls per second (x-ratelimit-rate), if any. */
export function announcedRate(headers: Headers): number | undefined {
  const value = headers.get('x-ratelimit-rate');
  const rate = value === null || value.trim() === '' ? NaN : Number(value);
  return Number.isFinite(rate) && rate > 0 ? rate : undefined;
}

/** How long the quota headers of a successful answer say the bucket stays empty (0 while calls are left). */
export function exhaustedForMs(headers: Headers): number {
  const remaining = headers.get('x-ratelimit-remaining');
  const reset = Number(headers.get('x-ratelimit-reset-ms'));
  if (remaining !== null && Number(remaining) <= 0 && Number.isFinite(reset) && reset > 0) return reset;
  return metaRegainMs(headers) ?? 0;
}

function metaRegainMs(headers: Headers): number | undefined {
  const usage = headers.get('x-business-use-case-usage');
  if (!usage) return undefined;
  try {
    const parsed = JSON.parse(usage) as Record<string, { call_count?: number; estimated_time_to_regain_access?: number }[]>;
    const minutes = Math.max(0, ...Object.values(parsed).flatMap((entries) => entries.map((e) => e.estimated_time_to_regain_access ?? 0)));
    return minutes > 0 ? minutes * 60_000 : undefined;
  } catch {
    return undefined;
  }
}
