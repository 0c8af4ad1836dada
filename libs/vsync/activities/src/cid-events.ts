import { timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import { CidSetEventType, keyTypeOf, type DictBridgeClient } from '@fleet/vsync-dict-bridge';
import type { KeyType } from '@fleet/vsync-contracts';

const PAGE = 200;

export interface CollectedEvents {
  /** False when the events did not fit in `maxPages` pages (or could not be paged past one instant). */
  complete: boolean;
  pages: number;
  events: number;
  /** Each CID's last word: present in DICT now (added) or not (removed). */
  net: { added: string[]; removed: string[] };
}

/**
 * Reads DICT's CID events of a key type between two instants. Both bounds are inclusive, so the
 * next page starts at the last event's instant and events seen already are dropped.
 */
export async function collectCidEvents(
  bridge: DictBridgeClient,
  input: { participant: string; keyType: KeyType; from: Date; to: Date; maxPages: number; onPage?: (progress: { pages: number; events: number }) => void },
): Promise<CollectedEvents> {
  const seen = new Set<string>();
  const last = new Map<string, boolean>();
  let start = input.from;
  let pages = 0;
  for (;;) {
    if (pages >= input.maxPages) return { complete: false, pages, events: seen.size, net: { added: [], removed: [] } };
    const page = await bridge.listCidSetEvents({
      participant: input.participant,
      keyType: keyTypeOf(input.keyType),
      startTime: timestampFromDate(start),
      endTime: timestampFromDate(input.to),
      limit: PAGE,
    });
    pages += 1;
    let fresh = 0;
    for (const event of page.cidSetEvents) {
      const at = event.timestamp ? timestampDate(event.timestamp) : start;
      const id = `${at.getTime()}|${event.type}|${event.cid}`;
      if (seen.has(id)) continue;
      seen.add(id);
      fresh += 1;
      last.set(event.cid, event.type === CidSetEventType.ADDED);
      if (at > start) start = at;
    }
    input.onPage?.({ pages, events: seen.size });
    if (!page.hasMoreElements) break;
    // A full page of one instant cannot be paged past with inclusive bounds: let the file decide.
    if (fresh === 0) return { complete: false, pages, events: seen.size, net: { added: [], removed: [] } };
  }
  const added: string[] = [];
  const removed: string[] = [];
  for (const [cid, present] of last) (present ? added : removed).push(cid);
  return { complete: true, pages, events: seen.size, net: { added, removed } };
}
