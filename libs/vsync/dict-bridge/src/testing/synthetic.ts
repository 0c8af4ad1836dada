import { createHash } from 'node:crypto';
import type { DictKeyType, EntryAttributes } from '../cid';

export interface SyntheticEntry extends EntryAttributes {
  requestId: string;
}

/** A UUID v4 derived from a seed string: the same seed gives the same RequestId everywhere. */
export function seededUuid(seed: string): string {
  const b = createHash('sha256').update(seed).digest().subarray(0, 16);
  b.writeUInt8((b.readUInt8(6) & 0x0f) | 0x40, 6);
  b.writeUInt8((b.readUInt8(8) & 0x3f) | 0x80, 8);
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const NAMES = ['Ana Souza', 'João Silva', 'Maria Oliveira', 'José Santos', 'Lúcia Pereira', 'Carlos Lima'];

/**
 * The i-th entry of a key type, the same on every call: lets a simulator and a local base be
 * seeded with the same millions of entries without shipping them from one to the other.
 * `variant` > 0 gives the same key with other attributes (attribute drift).
 */
export function syntheticEntry(keyType: DictKeyType, i: number, participant = '12345678', variant = 0): SyntheticEntry {
  const n = String(i).padStart(11, '0');
  const key =
    keyType === 'CPF' ? n
    : keyType === 'CNPJ' ? String(i).padStart(14, '0')
    : keyType === 'PHONE' ? `+55119${String(i).padStart(8, '0')}`
    : keyType === 'EMAIL' ? `user${i}@example.com.br`
    : seededUuid(`evp-key:${i}`);
  const legal = keyType === 'CNPJ';
  return {
    keyType,
    key,
    ownerTaxIdNumber: legal ? String(i).padStart(14, '0') : n,
    ownerName: legal ? `Empresa ${i} Ltda` : NAMES[i % NAMES.length] ?? 'Ana Souza',
    ownerTradeName: legal ? `Loja ${i}` : '',
    participant,
    branch: String((i + variant) % 10_000).padStart(4, '0'),
    accountNumber: String(i * 7 + variant).padStart(10, '0'),
    accountType: variant % 2 === 0 ? 'CACC' : 'SVGS',
    requestId: seededUuid(`${keyType}:${i}`),
  };
}
