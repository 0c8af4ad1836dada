/**
 * Seeded randomness for the simulators: a run that fixes its seed sees the same faults, reviews and
 * answers every time. Not for anything secret.
 */

/** mulberry32: a small, fast 32-bit generator, the same on every platform. Draws in [0, 1). */
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

/** FNV-1a of the parts and the seed: a stable seed per object, whatever order requests come in. */
export function hashSeed(seed: number, ...parts: (string | number)[]): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (const ch of parts.join('\u0000')) {
    h ^= ch.codePointAt(0) ?? 0;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** A draw in [min, max]. */
export const between = (random: () => number, min: number, max: number) => min + random() * (max - min);
