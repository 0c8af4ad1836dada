/* eslint-disable @typescript-eslint/no-non-null-assertion -- typed-array indexes below are in bounds by construction */

/**
 * mulberry32: a small seeded generator, so fault injection, file order and inject choices can be
 * replayed in a test by fixing `seed`. Not for anything secret.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Shuffles in place (Fisher-Yates); with `count`, only the first `count` places are drawn (a random sample). */
export function shuffle(a: Int32Array, random: () => number, count = a.length): Int32Array {
  for (let i = 0; i < Math.min(count, a.length - 1); i++) {
    const j = i + Math.floor(random() * (a.length - i));
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
  return a;
}
