/**
 * Per-entry columns as typed arrays that double when full: a million entries cost a few
 * megabytes per column and no JavaScript object each (no GC pressure, no per-object headers).
 */
type Column = Int32Array | Uint32Array | Float64Array | Uint8Array;

/** `a` itself when it holds `needed` elements, else a copy at least twice as long (new cells = `fill`). */
export function ensureLength<T extends Column>(a: T, needed: number, fill = 0): T {
  if (needed <= a.length) return a;
  let length = Math.max(a.length * 2, 1024);
  while (length < needed) length *= 2;
  const grown = new (a.constructor as new (n: number) => T)(length);
  grown.set(a as never);
  if (fill !== 0) grown.fill(fill as never, a.length);
  return grown;
}

/** The same for byte arenas (Buffer is capped at 4 GiB; that is 130 million CIDs). */
export function ensureBytes(buf: Buffer, needed: number): Buffer {
  if (needed <= buf.length) return buf;
  let length = Math.max(buf.length * 2, 64 * 1024);
  while (length < needed) length *= 2;
  const grown = Buffer.allocUnsafe(length);
  buf.copy(grown);
  return grown;
}
