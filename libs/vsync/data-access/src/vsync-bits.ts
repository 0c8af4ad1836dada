/** PostgreSQL's bit(256) text ('0101…') as 64 lowercase hex characters, and back. */
export function bitsToHex(bits: string): string {
  if (!/^[01]{256}$/.test(bits)) throw new Error(`not a bit(256) value: ${bits.slice(0, 20)}…`);
  return BigInt(`0b${bits}`).toString(16).padStart(64, '0');
}

export function isVsyncHex(value: string): boolean {
  return /^[0-9a-f]{64}$/.test(value);
}
