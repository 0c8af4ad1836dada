/**
 * JSON schema (as `z.toJSONSchema` and OpenAI clients send it) -> the subset node-llama-cpp turns
 * into a grammar (`GbnfJsonSchema`): `anyOf` becomes `oneOf`, `allOf` of one schema is that
 * schema, `$ref`s into `$defs`/`definitions` are inlined, formats other than date/time/date-time
 * are dropped, and keywords a grammar cannot hold (pattern, minimum, multipleOf, ...) are left
 * out: the grammar guarantees the shape, the client's validation checks the rest. A schema that
 * allows anything (`{}`) becomes any JSON value.
 */

type Node = Record<string, unknown>;

const ANY_VALUE: Node = { type: ['string', 'number', 'boolean', 'null'] };
const BASIC = new Set(['string', 'number', 'integer', 'boolean', 'null']);

export interface GbnfSchemaOptions {
  /**
   * An integer with a `minimum` and a `maximum` at most this many values apart becomes the enum of
   * those values, so the grammar holds its range too (a score of 0-100 cannot come out as 140);
   * 0 (the default) keeps it a plain integer.
   */
  integerEnumsUpTo?: number;
}

export function toGbnfSchema(schema: unknown, options: GbnfSchemaOptions = {}): Node {
  const root = (typeof schema === 'object' && schema !== null ? schema : {}) as Node;
  return convert(root, root, 0, options.integerEnumsUpTo ?? 0);
}

function resolve(root: Node, ref: string): Node {
  let node: unknown = root;
  for (const part of ref.replace(/^#\/?/, '').split('/').filter(Boolean)) {
    node = typeof node === 'object' && node !== null ? (node as Node)[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  }
  if (typeof node !== 'object' || node === null) throw new Error(`unresolved $ref ${ref}`);
  return node as Node;
}

/** The integers an integer schema allows, when it names both ends (inclusive or exclusive) and they are few. */
function integerRange(node: Node, upTo: number): number[] | undefined {
  if (upTo <= 0) return undefined;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const exclusiveMin = num(node.exclusiveMinimum);
  const exclusiveMax = num(node.exclusiveMaximum);
  const low = exclusiveMin !== undefined ? Math.floor(exclusiveMin) + 1 : num(node.minimum) !== undefined ? Math.ceil(node.minimum as number) : undefined;
  const high = exclusiveMax !== undefined ? Math.ceil(exclusiveMax) - 1 : num(node.maximum) !== undefined ? Math.floor(node.maximum as number) : undefined;
  if (low === undefined || high === undefined || high < low || high - low + 1 > upTo) return undefined;
  const step = num(node.multipleOf);
  return Array.from({ length: high - low + 1 }, (_, i) => low + i).filter((n) => !step || n % step === 0);
}

function convert(node: Node, root: Node, depth: number, integerEnumsUpTo: number): Node {
  if (depth > 24) throw new Error('schema nested too deeply (or a recursive $ref)');
  const next = (n: unknown) => convert((typeof n === 'object' && n !== null ? n : {}) as Node, root, depth + 1, integerEnumsUpTo);
  const withDescription = (out: Node): Node => (typeof node.description === 'string' ? { ...out, description: node.description } : out);
  if (typeof node.$ref === 'string') return next(resolve(root, node.$ref));
  if ('const' in node) return withDescription({ const: node.const });
  if (Array.isArray(node.enum)) return withDescription({ enum: node.enum });
  const union = (node.anyOf ?? node.oneOf) as unknown[] | undefined;
  if (Array.isArray(union)) return withDescription({ oneOf: union.map(next) });
  if (Array.isArray(node.allOf)) {
    if (node.allOf.length === 1) return next(node.allOf[0]);
    return next(Object.assign({}, ...(node.allOf as Node[])));
  }
  const type = node.type;
  if (Array.isArray(type)) {
    if (type.every((t) => BASIC.has(t as string))) return withDescription({ type });
    return withDescription({ oneOf: type.map((t) => next({ ...node, type: t })) });
  }
  switch (type) {
    case 'object': {
      const properties = Object.fromEntries(Object.entries((node.properties ?? {}) as Node).map(([k, v]) => [k, next(v)]));
      const additional = node.additionalProperties;
      const out: Node = { type: 'object', properties };
      if (Array.isArray(node.required)) out.required = node.required;
      // A grammar writes every property it knows of; nothing more unless the schema asks for it.
      out.additionalProperties = typeof additional === 'object' && additional !== null ? next(additional) : additional === true && Object.keys(properties).length === 0;
      return withDescription(out);
    }
    case 'array': {
      const out: Node = { type: 'array' };
      if (node.items !== undefined && typeof node.items === 'object') out.items = next(node.items);
      if (Array.isArray(node.prefixItems)) out.prefixItems = node.prefixItems.map(next);
      if (typeof node.minItems === 'number') out.minItems = node.minItems;
      if (typeof node.maxItems === 'number') out.maxItems = node.maxItems;
      return withDescription(out);
    }
    case 'string': {
      if (node.format === 'date-time' || node.format === 'date' || node.format === 'time') return withDescription({ type: 'string', format: node.format });
      const out: Node = { type: 'string' };
      if (typeof node.minLength === 'number') out.minLength = node.minLength;
      if (typeof node.maxLength === 'number') out.maxLength = node.maxLength;
      return withDescription(out);
    }
    case 'integer': {
      const values = integerRange(node, integerEnumsUpTo);
      return withDescription(values?.length ? { enum: values } : { type });
    }
    case 'number':
    case 'boolean':
    case 'null':
      return withDescription({ type });
    default:
      if (node.properties) return next({ ...node, type: 'object' });
      if (node.items) return next({ ...node, type: 'array' });
      return ANY_VALUE;
  }
}

/**
 * Fits a grammar's schema (`toGbnfSchema`'s output) to a completion's token budget, so that an
 * answer constrained by it always ends before `max_tokens`: an answer cut off there is never valid
 * JSON, and a small model left a 400-character string can loop in it until it is. The answer's
 * skeleton (every property, every array at its most items, strings empty) is counted with the
 * model's tokenizer; what is left, less a margin, is shared among the strings in proportion to their
 * `maxLength` (200 for a string without one) and each string's `maxLength` lowered to its share:
 * a character is at least one token (of ASCII text), so the strings cannot outgrow the budget.
 * Arrays without `maxItems` get at most 5 items (or their `minItems`). The fitted schema accepts
 * only what the original accepts; when even the skeleton does not fit, the schema is left as it was.
 */
export function fitGbnfSchemaToBudget(schema: Node, maxTokens: number, countTokens: (text: string) => number): Node {
  const fitted = structuredClone(schema);
  const strings: { node: Node; weight: number; times: number; min: number }[] = [];
  const skeletonOf = (node: Node, times: number): unknown => {
    if ('const' in node) return node.const;
    if (Array.isArray(node.enum)) return longest(node.enum);
    if (Array.isArray(node.oneOf)) return longest((node.oneOf as Node[]).map((n) => skeletonOf(n, times)));
    const type = Array.isArray(node.type) ? node.type : [node.type];
    if (type.includes('object')) {
      const properties = (node.properties ?? {}) as Record<string, Node>;
      return Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, skeletonOf(v, times)]));
    }
    if (type.includes('array')) {
      if (typeof node.maxItems !== 'number') node.maxItems = Math.max(typeof node.minItems === 'number' ? node.minItems : 0, DEFAULT_MAX_ITEMS);
      const count = node.maxItems as number;
      const item = typeof node.items === 'object' && node.items !== null ? (node.items as Node) : undefined;
      const prefix = Array.isArray(node.prefixItems) ? (node.prefixItems as Node[]) : [];
      return Array.from({ length: count }, (_, i) => (prefix[i] ? skeletonOf(prefix[i] as Node, times) : item ? skeletonOf(item, times * (count - prefix.length)) : null));
    }
    if (type.includes('string')) {
      if (node.format) return '2026-01-01T00:00:00.000Z';
      const max = typeof node.maxLength === 'number' ? node.maxLength : undefined;
      // An item schema is one node for all its items: counted once, with how many times it appears.
      if (!strings.some((s) => s.node === node)) strings.push({ node, weight: max ?? DEFAULT_STRING_WEIGHT, times, min: typeof node.minLength === 'number' ? node.minLength : 0 });
      return '';
    }
    if (type.includes('number')) return -1.2345678;
    if (type.includes('integer')) return 100000;
    if (type.includes('boolean')) return false;
    return null;
  };
  const skeleton = JSON.stringify(skeletonOf(fitted, 1), null, 4);
  const left = maxTokens - countTokens(skeleton) - Math.ceil(maxTokens * 0.1) - 4;
  if (left <= 0) return schema;
  const total = strings.reduce((n, s) => n + s.weight * s.times, 0);
  for (const s of strings) {
    const share = Math.max(s.min, Math.floor((left * s.weight) / total));
    if (typeof s.node.maxLength !== 'number' || share < s.node.maxLength) s.node.maxLength = share;
  }
  return fitted;
}

const DEFAULT_MAX_ITEMS = 5;
const DEFAULT_STRING_WEIGHT = 200;
const longest = (values: unknown[]): unknown => values.reduce((a, b) => (JSON.stringify(b).length > JSON.stringify(a).length ? b : a), values[0] ?? null);
