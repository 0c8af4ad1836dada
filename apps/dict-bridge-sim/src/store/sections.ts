/**
 * A store's state as named byte sections (copies of the used part of each column) plus a few
 * numbers: what a snapshot writes and reads back. Columns are written in the machine's byte order:
 * a snapshot is this machine's local state, not an exchange format.
 */
export interface Dump {
  meta: Record<string, number | string>;
  sections: Record<string, Buffer>;
}

type Column = Int32Array | Uint32Array | Float64Array | Uint8Array;

/** A copy of the first `count` elements of a column (or bytes of an arena). */
export function copyOf(column: Column | Buffer, count: number): Buffer {
  const bytes = count * column.BYTES_PER_ELEMENT;
  return Buffer.from(Buffer.from(column.buffer, column.byteOffset, bytes));
}

/** A column of `count` elements read from a section, with room to grow (at least 1024 cells). */
export function columnOf<T extends Column>(Type: new (n: number) => T, section: Buffer | undefined, count: number, fill = 0): T {
  const bytesPerElement = (Type as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
  if (!section || section.length !== count * bytesPerElement) throw new Error(`a snapshot section holds ${section?.length ?? 0} bytes, expected ${count * bytesPerElement}`);
  const column = new Type(capacityFor(count));
  if (fill !== 0) column.fill(fill as never);
  Buffer.from(column.buffer, column.byteOffset, section.length).set(section);
  return column;
}

/** An arena of at least `minimum` bytes holding the section at its start. */
export function arenaOf(section: Buffer | undefined, minimum: number): Buffer {
  if (!section) throw new Error('a snapshot section is missing');
  const arena = Buffer.alloc(Math.max(minimum, capacityFor(section.length)));
  section.copy(arena);
  return arena;
}

function capacityFor(count: number): number {
  let n = 1024;
  while (n < count) n *= 2;
  return n;
}

export function numberOf(meta: Record<string, number | string>, name: string): number {
  const value = meta[name];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new Error(`a snapshot's ${name} is ${JSON.stringify(value)}, not a count`);
  return value;
}
