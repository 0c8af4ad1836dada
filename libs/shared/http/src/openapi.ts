import { isoDateSchema } from '@fleet/shared-domain';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { sendProblem } from './problem';

export type JsonSchema = Record<string, unknown>;
/* eslint-disable @typescript-eslint/no-explicit-any -- OpenAPI objects are plain JSON */
export type PathItem = Record<string, any>;
/* eslint-enable @typescript-eslint/no-explicit-any */

/** A part of the OpenAPI document: paths relative to where its router is mounted, and the schemas they name. */
export interface OpenApiFragment {
  paths: Record<string, PathItem>;
  components?: { schemas?: Record<string, JsonSchema> };
}

/**
 * The JSON Schema (2020-12, as OpenAPI 3.1 takes it) of a zod schema, in its input form: the one
 * schema the API and the workflow validate with is also what the document shows. Calendar days
 * (`isoDateSchema`, a refinement JSON Schema cannot carry) get their pattern and `format: date`.
 */
export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  const json = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
    override: (ctx) => {
      if (ctx.zodSchema === isoDateSchema) Object.assign(ctx.jsonSchema, { format: 'date', pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
    },
  }) as JsonSchema;
  delete json.$schema;
  return json;
}

/** The problem document every error is (RFC 9457). */
export const problemSchema: JsonSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    detail: { type: 'string' },
    errors: {
      type: 'array',
      description: 'Each invalid field and why',
      items: { type: 'object', required: ['field', 'message'], properties: { field: { type: 'string' }, message: { type: 'string' } } },
    },
  },
};

const problemContent = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };

/** A response documented as a problem. */
export function problemResponse(description: string) {
  return { description, content: problemContent };
}

/** A bearer-authenticated operation's responses every route shares. */
const COMMON_ERRORS = {
  '401': problemResponse('No valid bearer token (a JWT needs an exp)'),
  '429': problemResponse('Too many requests from this client (RateLimit headers say when)'),
  '503': problemResponse('Temporal unreachable or too slow; try again later'),
};

export interface OperationSpec {
  operationId: string;
  summary: string;
  /** The scope it requires (403 without it). */
  scope?: string;
  tags?: string[];
  /** Path parameters, by name: their description. */
  path?: Record<string, string>;
  /** The query string's schema (an object: one parameter per property). */
  query?: z.ZodObject;
  body?: { schema: z.ZodType | JsonSchema; required: boolean };
  /** Successful responses, by status: a zod schema of the JSON body, or undefined for none. */
  responses: Record<string, { description: string; schema?: z.ZodType | JsonSchema; headers?: Record<string, unknown>; links?: Record<string, unknown> }>;
  /** More problem responses, by status: their description (409, say). */
  problems?: Record<string, string>;
}

/**
 * An OpenAPI link from a start's answer to the operation reading the run (`workflowId` from the
 * body): clients and fuzzers (Schemathesis's stateful phase) follow it with a real id.
 */
export function runLink(operationId: string) {
  return { operationId, parameters: { workflowId: '$response.body#/workflowId' } };
}

const asJsonSchema = (schema: z.ZodType | JsonSchema): JsonSchema => (schema instanceof z.ZodType ? jsonSchemaOf(schema) : schema);

/**
 * One operation of the document: bearer security, its parameters and body, its responses with
 * schemas, and the problems the pipeline may answer it with (400 for bad input, 401, 403 with a
 * scope, 404 when it names a resource, 413/415 with a body, 429, 503).
 */
export function operation(spec: OperationSpec): PathItem {
  const parameters = [
    ...Object.entries(spec.path ?? {}).map(([name, description]) => ({ name, in: 'path', required: true, description, schema: { type: 'string', minLength: 1 } })),
    ...Object.entries(spec.query?.shape ?? {}).map(([name, schema]) => {
      const json = jsonSchemaOf(schema as z.ZodType);
      const { description, ...rest } = json;
      return { name, in: 'query', required: !(schema as z.ZodType).safeParse(undefined).success, ...(description ? { description } : {}), schema: rest };
    }),
  ];
  const hasInput = parameters.length > 0 || spec.body !== undefined;
  return {
    operationId: spec.operationId,
    summary: spec.summary + (spec.scope ? ` (scope ${spec.scope})` : ''),
    ...(spec.tags ? { tags: spec.tags } : {}),
    security: [{ bearer: spec.scope ? [spec.scope] : [] }],
    ...(parameters.length ? { parameters } : {}),
    ...(spec.body ? { requestBody: { required: spec.body.required, content: { 'application/json': { schema: asJsonSchema(spec.body.schema) } } } } : {}),
    responses: {
      ...Object.fromEntries(
        Object.entries(spec.responses).map(([status, r]) => [
          status,
          {
            description: r.description,
            ...(r.headers ? { headers: r.headers } : {}),
            ...(r.schema ? { content: { 'application/json': { schema: asJsonSchema(r.schema) } } } : {}),
            ...(r.links ? { links: r.links } : {}),
          },
        ]),
      ),
      ...(hasInput ? { '400': problemResponse('Invalid input: each field and why') } : {}),
      ...COMMON_ERRORS,
      ...(spec.scope ? { '403': problemResponse(`The token lacks the scope ${spec.scope}`) } : {}),
      ...(spec.path ? { '404': problemResponse('No such resource') } : {}),
      ...(spec.body ? { '413': problemResponse('The body exceeds 64 KB'), '415': problemResponse('The body is not UTF-8 JSON, or has a content encoding') } : {}),
      ...Object.fromEntries(Object.entries(spec.problems ?? {}).map(([status, description]) => [status, problemResponse(description)])),
    },
  };
}

export interface DocumentParts {
  info: { title: string; version: string; description?: string };
  /** Where each fragment's router is mounted ('/api/v0') and the fragment. */
  mounts: { base: string; name: string; fragment: OpenApiFragment }[];
  securityDescription: string;
}

/**
 * The one OpenAPI 3.1 document from the fragments: their paths under their mount points, their
 * schemas merged with the shared Problem. Two fragments claiming one path, or one schema name for
 * different schemas, is an error at start rather than a document that silently lies.
 */
export function assembleOpenApiDocument({ info, mounts, securityDescription }: DocumentParts) {
  const paths: Record<string, PathItem> = {};
  const schemas: Record<string, JsonSchema> = { Problem: problemSchema };
  const owners = new Map<string, string>();
  for (const { base, name, fragment } of mounts) {
    for (const [p, item] of Object.entries(fragment.paths)) {
      const full = `${base}${p}`;
      if (paths[full]) throw new Error(`OpenAPI: ${name} and ${owners.get(full)} both define ${full}`);
      paths[full] = item;
      owners.set(full, name);
    }
    for (const [key, schema] of Object.entries(fragment.components?.schemas ?? {})) {
      if (schemas[key] && JSON.stringify(schemas[key]) !== JSON.stringify(schema)) throw new Error(`OpenAPI: ${name} redefines the schema ${key}`);
      schemas[key] = schema;
    }
  }
  return {
    openapi: '3.1.0',
    info,
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: securityDescription } }, schemas },
    security: [{ bearer: [] }],
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
  };
}

/** A JSON Schema validator that knows `date-time` and `date` (ajv, draft 2020-12). */
export function createAjv(options: ConstructorParameters<typeof Ajv2020>[0] = {}): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: false, ...options });
  ajv.addFormat('date-time', { validate: (s: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/i.test(s) && !Number.isNaN(Date.parse(s)) });
  ajv.addFormat('date', /^\d{4}-\d\d-\d\d$/);
  return ajv;
}

/**
 * `validateBody(name)`: a handler checking the request body against the named component schema,
 * a 400 naming each field (for routes whose bodies are described in JSON Schema, not zod).
 */
export function createBodyValidator<N extends string>(schemas: Record<N, JsonSchema>): (name: N) => RequestHandler {
  const ajv = createAjv();
  ajv.addSchema({ $id: 'components', components: { schemas } });
  return (name) => {
    const validate: ValidateFunction = ajv.compile({ $ref: `components#/components/schemas/${name}` });
    return (req, res, next) => {
      if (validate(req.body ?? {})) return next();
      const errors = (validate.errors ?? []).map((e) => {
        const field =
          e.keyword === 'required' ? String(e.params.missingProperty) : e.keyword === 'additionalProperties' ? String(e.params.additionalProperty) : e.instancePath.replace(/^\//, '').replace(/\//g, '.') || '(body)';
        return { field, message: e.keyword === 'additionalProperties' ? 'unknown field' : (e.message ?? 'invalid') };
      });
      sendProblem(res, 400, 'Invalid request body', errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
    };
  };
}
