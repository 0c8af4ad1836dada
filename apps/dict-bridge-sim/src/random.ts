/* eslint-disable @typescript-eslint/no-non-null-assertion -- typed-array indexes below are in bounds by construction */

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
