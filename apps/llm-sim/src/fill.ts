import { seededRandom } from '@fleet/shared-random';
/**
 * Deterministic values for a JSON schema: the simulator's stand-in for a model that follows
 * `response_format: json_schema`. Every choice comes from a seeded generator, so the same request
 * always gets the same object. Covers what `z.toJSONSchema` emits: objects (all properties
 * filled), arrays (min/max items), strings (enum, const, min/max length, common formats),
 * numbers and integers (bounds, multipleOf), booleans, null, anyOf/oneOf/allOf, `$ref` into
 * `$defs`/`definitions`, and type lists.
 */

export type JsonSchema = boolean | { [key: string]: unknown };
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const WORDS = [
  'audit', 'brand', 'campaign', 'channel', 'clear', 'content', 'direct', 'engaging', 'fast', 'growth', 'helpful', 'local',
  'mobile', 'modern', 'offer', 'page', 'quality', 'reach', 'search', 'simple', 'social', 'strong', 'trusted', 'visible',
];

export { seededRandom };

/** `n` words drawn from the generator. */
export function words(random: () => number, n: number): string {
  return Array.from({ length: Math.max(0, n) }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ');
}

const asObject = (s: JsonSchema): Record<string, unknown> => (typeof s === 'object' && s !== null ? s : {});
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

export function fillSchema(schema: JsonSchema, random: () => number, root: JsonSchema = schema, depth = 0): Json {
  const s = asObject(schema);
  if (depth > 12) return null;
  if (typeof s.$ref === 'string') return fillSchema(resolveRef(root, s.$ref), random, root, depth + 1);
  if ('const' in s) return s.const as Json;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[Math.floor(random() * s.enum.length)] as Json;
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = s[key];
    if (Array.isArray(options) && options.length > 0) {
      // Prefer a branch that is not null: an object reads better than a null.
      const nonNull = options.filter((o) => asObject(o as JsonSchema).type !== 'null');
      const pool = (nonNull.length > 0 ? nonNull : options) as JsonSchema[];
      return fillSchema(pool[Math.floor(random() * pool.length)] as JsonSchema, random, root, depth + 1);
    }
  }
  if (Array.isArray(s.allOf) && s.allOf.length > 0) {
    const merged = Object.assign({}, ...(s.allOf as JsonSchema[]).map(asObject)) as Record<string, unknown>;
    return fillSchema(merged, random, root, depth + 1);
  }
  let type = s.type;
  if (Array.isArray(type)) {
    const nonNull = type.filter((t) => t !== 'null');
    type = nonNull.length > 0 ? nonNull[Math.floor(random() * nonNull.length)] : 'null';
  }
  if (type === undefined) type = s.properties ? 'object' : s.items ? 'array' : 'string';
  switch (type) {
    case 'object': {
      const out: Record<string, Json> = {};
      const properties = asObject((s.properties ?? {}) as JsonSchema);
      for (const [key, sub] of Object.entries(properties)) out[key] = fillSchema(sub as JsonSchema, random, root, depth + 1);
      return out;
    }
    case 'array': {
      const min = num(s.minItems) ?? 0;
      const max = Math.max(min, num(s.maxItems) ?? Math.max(min, 3));
      const prefix = Array.isArray(s.prefixItems) ? (s.prefixItems as JsonSchema[]) : [];
      const length = Math.max(prefix.length, Math.min(max, Math.max(min, 1 + Math.floor(random() * 3))));
      return Array.from({ length }, (_, i) => fillSchema(prefix[i] ?? ((s.items ?? {}) as JsonSchema), random, root, depth + 1));
    }
    case 'integer':
    case 'number':
      return fillNumber(s, type, random);
    case 'boolean':
      return random() < 0.5;
    case 'null':
      return null;
    default:
      return fillString(s, random);
  }
}

function fillNumber(s: Record<string, unknown>, type: 'integer' | 'number', random: () => number): number {
  let low = num(s.minimum) ?? (num(s.exclusiveMinimum) !== undefined ? (num(s.exclusiveMinimum) as number) + (type === 'integer' ? 1 : 0.001) : undefined);
  let high = num(s.maximum) ?? (num(s.exclusiveMaximum) !== undefined ? (num(s.exclusiveMaximum) as number) - (type === 'integer' ? 1 : 0.001) : undefined);
  if (low === undefined && high === undefined) [low, high] = [0, 100];
  else if (low === undefined) low = (high as number) - 100;
  else if (high === undefined) high = low + 100;
  const lo = low as number;
  const hi = Math.max(lo, high as number);
  const step = num(s.multipleOf);
  if (step) {
    const first = Math.ceil(lo / step);
    const last = Math.floor(hi / step);
    return Number(((first + Math.floor(random() * (last - first + 1))) * step).toFixed(10));
  }
  if (type === 'integer') {
    const first = Math.ceil(lo);
    return first + Math.floor(random() * (Math.floor(hi) - first + 1));
  }
  return Math.round((lo + random() * (hi - lo)) * 100) / 100;
}

function fillString(s: Record<string, unknown>, random: () => number): string {
  const n = Math.floor(random() * 1e9);
  switch (s.format) {
    case 'date-time':
    case 'datetime':
      return new Date(Date.UTC(2026, 0, 1) + (n % 365) * 86_400_000).toISOString();
    case 'date':
      return new Date(Date.UTC(2026, 0, 1) + (n % 365) * 86_400_000).toISOString().slice(0, 10);
    case 'time':
      return `${String(n % 24).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}:00`;
    case 'email':
      return `user${n % 1000}@example.com`;
    case 'uri':
    case 'url':
      return `https://example.com/${n % 1000}`;
    case 'uuid': {
      const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join('');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
    }
    default: {
      const min = num(s.minLength) ?? 0;
      const max = num(s.maxLength) ?? Infinity;
      let text = words(random, 2 + Math.floor(random() * 5));
      while (text.length < min) text += ` ${words(random, 1)}`;
      return text.slice(0, Math.max(min, Math.min(max, text.length)));
    }
  }
}

/** `#/$defs/Name` (or any JSON pointer into the root schema). */
export function resolveRef(root: JsonSchema, ref: string): JsonSchema {
  if (!ref.startsWith('#')) return {};
  let node: unknown = root;
  for (const part of ref.slice(1).split('/').filter(Boolean)) {
    const key = decodeURIComponent(part.replace(/~1/g, '/').replace(/~0/g, '~'));
    node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined;
  }
  return (node ?? {}) as JsonSchema;
}

/** The object with its required properties left out, or the wrong type given: valid JSON that fails the schema. */
export function wrongShape(schema: JsonSchema, value: Json): Json {
  const s = asObject(schema);
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const required = Array.isArray(s.required) ? (s.required as string[]) : Object.keys(value);
    const out = { ...value };
    const victim = required[0];
    if (victim !== undefined) out[victim] = typeof out[victim] === 'number' ? 'not a number' : 42;
    return out;
  }
  return typeof value === 'number' ? 'not a number' : 42;
}
