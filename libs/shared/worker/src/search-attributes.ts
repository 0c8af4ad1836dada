import type { SearchAttributeKind } from '@fleet/shared-domain';
import type { Logger } from '@fleet/shared-observability';
import { grpcCode, type TemporalTarget } from '@fleet/shared-temporal';
import { Connection } from '@temporalio/client';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';

/** Temporal's IndexedValueType of each kind a manifest names. */
const INDEXED_TYPE: Record<SearchAttributeKind, number> = {
  Text: encodeSearchAttributeIndexedValueType('TEXT') as number,
  Keyword: encodeSearchAttributeIndexedValueType('KEYWORD') as number,
  Int: encodeSearchAttributeIndexedValueType('INT') as number,
  Double: encodeSearchAttributeIndexedValueType('DOUBLE') as number,
  Bool: encodeSearchAttributeIndexedValueType('BOOL') as number,
  Datetime: encodeSearchAttributeIndexedValueType('DATETIME') as number,
  KeywordList: encodeSearchAttributeIndexedValueType('KEYWORD_LIST') as number,
};
/** gRPC's ALREADY_EXISTS and UNIMPLEMENTED status codes. */
const ALREADY_EXISTS = 6;
const UNIMPLEMENTED = 12;
const KIND_OF = new Map<number, SearchAttributeKind>(Object.entries(INDEXED_TYPE).map(([kind, type]) => [type, kind as SearchAttributeKind]));

/** The calls used here: a client `Connection` or a worker's `NativeConnection` both have them. */
export interface OperatorConnection {
  operatorService: Pick<Connection['operatorService'], 'listSearchAttributes' | 'addSearchAttributes'>;
  workflowService: Pick<Connection['workflowService'], 'countWorkflowExecutions'>;
}

export interface EnsureSearchAttributesOptions {
  logger?: Logger;
  /** How long to wait for attributes just added to be listed and usable in visibility queries. */
  visibleWithinMs?: number;
  /**
   * The server's namespace cache refresh interval (`system.namespaceCacheRefreshInterval`, 2 s by
   * default): each Temporal service learns a namespace's new attributes at its next refresh, so a
   * workflow's upsert is validated against them only that long after they were added.
   */
  namespaceRefreshMs?: number;
}

export interface EnsuredSearchAttributes {
  /** The attributes this call found missing and added (a worker racing it may have added them too). */
  added: string[];
}

/** The namespace's custom search attributes: name → IndexedValueType. */
async function listCustom(connection: OperatorConnection, namespace: string): Promise<Map<string, number>> {
  const listed = await connection.operatorService.listSearchAttributes({ namespace });
  return new Map(Object.entries(listed.customAttributes ?? {}).map(([name, type]) => [name, Number(type)]));
}

/**
 * Registers the custom search attributes a domain's manifest names in the namespace, those it
 * lacks only: listed first, the missing ones added in one call. A worker starting alongside another
 * may add them first (ALREADY_EXISTS): tolerated, as long as the listing then shows each with the
 * kind asked for. An attribute already registered with another kind is an error naming it, since
 * the workflows' upserts would fail. Resolves once every attribute is listed and usable, so a
 * visibility query or a workflow's upsert right after may name it.
 */
export async function ensureSearchAttributes(
  connection: OperatorConnection,
  namespace: string,
  attributes: Readonly<Record<string, SearchAttributeKind>>,
  { logger, visibleWithinMs = 30_000, namespaceRefreshMs = 2_000 }: EnsureSearchAttributesOptions = {},
): Promise<EnsuredSearchAttributes> {
  const wanted = Object.entries(attributes);
  if (!wanted.length) return { added: [] };
  const wrongKind = (listed: Map<string, number>) =>
    wanted.filter(([name, kind]) => listed.has(name) && listed.get(name) !== INDEXED_TYPE[kind]).map(([name, kind]) => `${name} is ${KIND_OF.get(listed.get(name) as number) ?? 'of another type'}, not ${kind}`);
  let existing: Map<string, number>;
  try {
    existing = await listCustom(connection, namespace);
  } catch (err) {
    // Temporal's time-skipping test server has no operator service: nothing to register there.
    if (grpcCode(err) !== UNIMPLEMENTED) throw err;
    logger?.warn({ namespace }, 'this Temporal server keeps no custom search attributes: none registered');
    return { added: [] };
  }
  const clash = wrongKind(existing);
  if (clash.length) throw new Error(`search attributes of namespace ${namespace}: ${clash.join('; ')}`);
  const missing = wanted.filter(([name]) => !existing.has(name));
  if (!missing.length) return { added: [] };
  let added = missing.map(([name]) => name);
  try {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: Object.fromEntries(missing.map(([name, kind]) => [name, INDEXED_TYPE[kind]])) });
  } catch (err) {
    // Another worker of the namespace added (some of) them meanwhile: the listing below decides.
    if (grpcCode(err) !== ALREADY_EXISTS) throw err;
    added = [];
  }
  // The server answers before its services' namespace caches know them (each refreshes on its own
  // timer): once every one has refreshed since the write, and a query naming them is accepted, a
  // workflow may set or query them.
  const deadline = Date.now() + visibleWithinMs;
  await new Promise((resolve) => setTimeout(resolve, namespaceRefreshMs + 250));
  const query = missing.map(([name]) => `${name} IS NULL`).join(' AND ');
  for (let delay = 50; ; delay = Math.min(delay * 2, 1000)) {
    const listed = await listCustom(connection, namespace);
    const clashNow = wrongKind(listed);
    if (clashNow.length) throw new Error(`search attributes of namespace ${namespace}: ${clashNow.join('; ')}`);
    const absent = missing.filter(([name]) => !listed.has(name)).map(([name]) => name);
    const usable = !absent.length && (await connection.workflowService.countWorkflowExecutions({ namespace, query }).then(() => true, () => false));
    if (usable) break;
    if (Date.now() >= deadline) {
      throw new Error(`search attributes of namespace ${namespace}: ${absent.length ? `${absent.join(', ')} not listed` : 'not usable in a query'} ${visibleWithinMs} ms after being added`);
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
  if (added.length) logger?.info({ namespace, added }, 'search attributes registered');
  return { added };
}

/**
 * {@link ensureSearchAttributes} over a connection of its own, closed after; nothing is connected
 * when the manifest names no attribute.
 */
export async function registerSearchAttributes(
  target: TemporalTarget,
  attributes: Readonly<Record<string, SearchAttributeKind>>,
  options: EnsureSearchAttributesOptions = {},
): Promise<EnsuredSearchAttributes> {
  if (!Object.keys(attributes).length) return { added: [] };
  const connection = await Connection.connect({ address: target.address });
  try {
    return await ensureSearchAttributes(connection, target.namespace, attributes, options);
  } finally {
    await connection.close();
  }
}
