import { createHmac } from 'node:crypto';

export const KEY_TYPES = ['CPF', 'CNPJ', 'PHONE', 'EMAIL', 'EVP'] as const;
export type DictKeyType = (typeof KEY_TYPES)[number];

/** The nine attributes a CID covers, exactly as DICT stores them (absent = ''). */
export interface EntryAttributes {
  keyType: DictKeyType;
  key: string;
  ownerTaxIdNumber: string;
  ownerName: string;
  ownerTradeName: string;
  participant: string;
  branch: string;
  accountNumber: string;
  accountType: string;
}

/** The VSync of an empty set of CIDs. */
export const EMPTY_VSYNC = '0'.repeat(64);

/** The spec's string: the nine attributes joined with `&`, no trimming or re-formatting. */
export function entryAttributesString(e: EntryAttributes): string {
  return [e.keyType, e.key, e.ownerTaxIdNumber, e.ownerName, e.ownerTradeName, e.participant, e.branch, e.accountNumber, e.accountType].join('&');
}

/** The 16 raw bytes of a RequestId UUID. */
export function requestIdBytes(requestId: string): Buffer {
  const hex = requestId.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new Error(`not a UUID: ${JSON.stringify(requestId)}`);
  return Buffer.from(hex, 'hex');
}

/** CID = lowercase hex of HMAC-SHA256(key = RequestId's 16 bytes, message = UTF-8 of the attributes string). */
export function computeCid(requestId: string | Buffer, e: EntryAttributes): string {
  const key = typeof requestId === 'string' ? requestIdBytes(requestId) : requestId;
  return createHmac('sha256', key).update(entryAttributesString(e), 'utf8').digest('hex');
}

/** XOR of 32-byte values into `into` (in place): adding or removing a CID from a VSync. */
export function xorInto(into: Buffer, cid: Buffer): Buffer {
  for (let i = 0; i < 32; i += 4) into.writeUInt32BE((into.readUInt32BE(i) ^ cid.readUInt32BE(i)) >>> 0, i);
  return into;
}

/** The VSync of a set of CIDs (hex in, hex out). */
export function vsyncOf(cids: Iterable<string>): string {
  const acc = Buffer.alloc(32);
  for (const cid of cids) xorInto(acc, Buffer.from(cid, 'hex'));
  return acc.toString('hex');
}
