import { TokenBucket } from './token-bucket';

describe('TokenBucket', () => {
  it('allows a burst of its capacity, then refills continuously at its rate, never above capacity', () => {
    let now = 0;
    const bucket = new TokenBucket(3, 60, () => now); // 1 a second
    expect([bucket.tryTake(), bucket.tryTake(), bucket.tryTake(), bucket.tryTake()]).toEqual([true, true, true, false]);
    expect(bucket.waitMs()).toBe(1000);
    now = 500;
    expect(bucket.tryTake()).toBe(false);
    expect(bucket.waitMs()).toBe(500);
    now = 1000;
    expect(bucket.tryTake()).toBe(true);
    now = 60_000;
    expect(bucket.available()).toBe(3);
  });

  it('drain empties it, as when the server says the shared quota is spent', () => {
    let now = 0;
    const bucket = new TokenBucket(50, 10, () => now);
    bucket.drain();
    expect(bucket.tryTake()).toBe(false);
    now = 6000; // 10 a minute: one token every 6 s
    expect(bucket.tryTake()).toBe(true);
  });
});
