import { TokenBucket } from './token-bucket';

/**
 * Runs `fn` over the items with at most `concurrency` at once and at most `perSecond` starts per
 * second (Infinity: no rate limit here, e.g. when `fn` paces its own calls); results in input order.
 */
export async function forEachLimited<T, R>(items: T[], concurrency: number, perSecond: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  const bucket = Number.isFinite(perSecond) ? new TokenBucket(perSecond, perSecond * 60) : undefined;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      await bucket?.take();
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
