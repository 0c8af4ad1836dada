import { between, hashSeed, seededRandom } from './index';

describe('seeded randomness', () => {
  it('repeats a sequence for a seed, differs for another, and stays in [0, 1)', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const first = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(first);
    expect(seededRandom(43)()).not.toBe(first[0]);
    expect(first.every((x) => x >= 0 && x < 1)).toBe(true);
    // Roughly uniform: each tenth holds 5-15% of 1,000 draws.
    const tenths = Array.from({ length: 10 }, (_, i) => first.filter((x) => Math.floor(x * 10) === i).length);
    expect(Math.min(...tenths)).toBeGreaterThan(50);
    expect(Math.max(...tenths)).toBeLessThan(150);
  });

  it('hashes parts to a stable seed that depends on each part and on their order', () => {
    expect(hashSeed(1, 'meta', 'acc', 7)).toBe(hashSeed(1, 'meta', 'acc', 7));
    expect(hashSeed(1, 'meta', 'acc', 7)).not.toBe(hashSeed(2, 'meta', 'acc', 7));
    expect(hashSeed(1, 'a', 'b')).not.toBe(hashSeed(1, 'b', 'a'));
    expect(between(() => 0.5, 10, 20)).toBe(15);
  });
});
