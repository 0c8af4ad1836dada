import { AccountType, KeyType, PersonType, type ExtendedEntry } from './gen/fleet/dict/bridge/v1/bridge_pb';
import type { DictKeyType, EntryAttributes } from './cid';

/** The DICT API's names for the protobuf enums (protobuf enum values carry a type prefix). */
export function keyTypeName(k: KeyType): DictKeyType {
  const name = KeyType[k];
  if (!name || k === KeyType.UNSPECIFIED) throw new Error(`unknown key type ${k}`);
  return name as DictKeyType;
}

export function keyTypeOf(name: DictKeyType): KeyType {
  return KeyType[name];
}

export function accountTypeName(a: AccountType): string {
  return a === AccountType.UNSPECIFIED ? '' : AccountType[a];
}

export function accountTypeOf(name: string): AccountType {
  const value = (AccountType as unknown as Record<string, AccountType | undefined>)[name];
  if (value === undefined || value === AccountType.UNSPECIFIED) throw new Error(`unknown account type ${JSON.stringify(name)}`);
  return value;
}

/** An entry as the bridge returns it, reduced to the nine attributes a CID covers. */
export function attributesOfEntry(e: Pick<ExtendedEntry, 'key' | 'keyType' | 'account' | 'owner'>): EntryAttributes {
  return {
    keyType: keyTypeName(e.keyType),
    key: e.key,
    ownerTaxIdNumber: e.owner?.taxIdNumber ?? '',
    ownerName: e.owner?.name ?? '',
    ownerTradeName: e.owner?.tradeName ?? '',
    participant: e.account?.participant ?? '',
    branch: e.account?.branch ?? '',
    accountNumber: e.account?.accountNumber ?? '',
    accountType: e.account ? accountTypeName(e.account.accountType) : '',
  };
}

/** The person type DICT uses for an owner: a CNPJ (14 digits) is a legal person. */
export function personTypeOf(taxIdNumber: string): PersonType {
  return taxIdNumber.length === 14 ? PersonType.LEGAL_PERSON : PersonType.NATURAL_PERSON;
}
