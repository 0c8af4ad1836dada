/**
 * A token bucket: `take()` resolves when a call may start, at most `perSecond` a second (bursts up
 * to `perSecond`). Written here rather than taken from p-limit/bottleneck: those are
 * ES-module-only or far larger than these lines.
 */
export function tokenBucket(perSecond: number): { take(): Promise<void> } {
  let tokens = perSecond;
  let refilledAt = Date.now();
  return {
    async take(): Promise<void> {
      if (!Number.isFinite(perSecond)) return;
      for (;;) {
        const now = Date.now();
        tokens = Math.min(perSecond, tokens + ((now - refilledAt) / 1000) * perSecond);
        refilledAt = now;
        if (tokens >= 1) {
          tokens -= 1;
          return;
        }
        await new Promise((r) => setTimeout(r, Math.ceil(((1 - tokens) / perSecond) * 1000)));
      }
    },
  };
}

/**
 * Runs `fn` over the items with at most `concurrency` at once and at most `perSecond` starts per
 * second (Infinity: no rate limit here, e.g. when `fn` takes a token per call it makes).
 */
export async function forEachLimited<T, R>(items: T[], concurrency: number, perSecond: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  const bucket = tokenBucket(perSecond);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      await bucket.take();
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
