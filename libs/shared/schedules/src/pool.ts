/**
 * Runs `fn` over the items with at most `concurrency` at once and at most `perSecond` starts per
 * second (a token bucket): the reconciler's bound on Temporal calls. Written here rather than
 * taken from p-limit/bottleneck: those are ES-module-only or far larger than these 25 lines.
 */
export async function forEachLimited<T, R>(items: T[], concurrency: number, perSecond: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let tokens = perSecond;
  let refilledAt = Date.now();
  const takeToken = async (): Promise<void> => {
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
  };
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      await takeToken();
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
