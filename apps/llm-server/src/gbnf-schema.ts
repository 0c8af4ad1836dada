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

export function toGbnfSchema(schema: unknown): Node {
  const root = (typeof schema === 'object' && schema !== null ? schema : {}) as Node;
  return convert(root, root, 0);
}

function resolve(root: Node, ref: string): Node {
  let node: unknown = root;
  for (const part of ref.replace(/^#\/?/, '').split('/').filter(Boolean)) {
    node = typeof node === 'object' && node !== null ? (node as Node)[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  }
  if (typeof node !== 'object' || node === null) throw new Error(`unresolved $ref ${ref}`);
  return node as Node;
}

function convert(node: Node, root: Node, depth: number): Node {
  if (depth > 24) throw new Error('schema nested too deeply (or a recursive $ref)');
  const next = (n: unknown) => convert((typeof n === 'object' && n !== null ? n : {}) as Node, root, depth + 1);
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
    case 'number':
    case 'integer':
    case 'boolean':
    case 'null':
      return withDescription({ type });
    default:
      if (node.properties) return next({ ...node, type: 'object' });
      if (node.items) return next({ ...node, type: 'array' });
      return ANY_VALUE;
  }
}
