import { KEY_TYPES, type DictKeyType } from '@fleet/vsync-dict-bridge';
import { KeyTypeStore } from './store/key-type-store';

/** DICT as one participant sees it: a store per key type. */
export class Dict {
  readonly stores: Record<DictKeyType, KeyTypeStore>;

  constructor(
    readonly participant: string,
    maxEventsPerMs: number,
  ) {
    this.stores = Object.fromEntries(KEY_TYPES.map((kt) => [kt, new KeyTypeStore(kt, maxEventsPerMs)])) as Record<DictKeyType, KeyTypeStore>;
  }

  store(keyType: DictKeyType): KeyTypeStore {
    const store = this.stores[keyType] as KeyTypeStore | undefined;
    if (!store) throw new Error(`unknown key type ${JSON.stringify(keyType)}; expected one of ${KEY_TYPES.join(', ')}`);
    return store;
  }

  /** updateEntry and deleteEntry name only the key: look in every key type (key formats do not overlap). */
  activeByKey(key: string): { store: KeyTypeStore; slot: number } | undefined {
    for (const kt of KEY_TYPES) {
      const store = this.stores[kt];
      const slot = store.slotOf(key);
      if (slot >= 0 && store.isActive(slot)) return { store, slot };
    }
    return undefined;
  }

  /** getEntryByCid names only the CID. */
  activeByCid(cid: Buffer): { store: KeyTypeStore; slot: number } | undefined {
    for (const kt of KEY_TYPES) {
      const slot = this.stores[kt].activeSlotOfCid(cid);
      if (slot >= 0) return { store: this.stores[kt], slot };
    }
    return undefined;
  }
}
