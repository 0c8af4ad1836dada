import { createAjv, loadDomainApis } from '@fleet/shared-http';
import type { ValidateFunction } from 'ajv/dist/2020';
import { SCOPES } from '../src/auth';
import { gatewayOpenApiDocument } from '../src/openapi';

const domainApis = loadDomainApis();

/** The gateway's OpenAPI document, as it serves it (every domain API found from the folders). */
export const openApiDocument = gatewayOpenApiDocument(domainApis);

/** Every scope of every API (the schedules API's and each domain's), space-separated as GATEWAY_API_KEYS takes them. */
export const ALL_SCOPES = [SCOPES.scheduleRead, SCOPES.scheduleWrite, ...domainApis.flatMap((d) => [d.scopes.read, d.scopes.write])].join(' ');

type Operation = { responses: Record<string, { content?: Record<string, unknown> }> };
const paths = openApiDocument.paths as Record<string, Record<string, Operation>>;
const templates = Object.keys(paths).map((template) => ({
  template,
  pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
}));

// The whole document as one schema resource: a response schema is found by its JSON pointer.
const ajv = createAjv({ validateSchema: false });
ajv.addSchema(openApiDocument, 'openapi');
const validators = new Map<string, ValidateFunction>();
const validatorOf = (ref: string) => {
  let validate = validators.get(ref);
  if (!validate) validators.set(ref, (validate = ajv.compile({ $ref: ref })));
  return validate;
};
const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/** The document's template of a request path (`/api/v0/license-renewals/x` → `/api/v0/license-renewals/{workflowId}`). */
export function templateOf(pathname: string): string | undefined {
  return templates.find((t) => t.pattern.test(pathname))?.template;
}

/**
 * Checks a real response against the document: its status is documented for the operation, its
 * media type is the documented one, its body validates against the documented schema. Returns
 * the body (parsed when JSON); throws naming what does not conform.
 */
export async function conforming(method: string, url: string, res: Response): Promise<unknown> {
  const pathname = new URL(url).pathname;
  const template = templateOf(pathname);
  const op = template ? paths[template]?.[method.toLowerCase()] : undefined;
  const text = await res.text();
  if (!template || !op) throw new Error(`${method} ${pathname} is not in the OpenAPI document`);
  const response = op.responses[String(res.status)];
  if (!response) throw new Error(`${method} ${template}: status ${res.status} is not documented (body: ${text})`);
  if (!response.content) {
    if (text) throw new Error(`${method} ${template} ${res.status}: a body where none is documented`);
    return undefined;
  }
  const mediaType = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
  if (!response.content[mediaType]) throw new Error(`${method} ${template} ${res.status}: ${mediaType} is not documented`);
  const body: unknown = JSON.parse(text);
  const validate = validatorOf(`openapi#/${pointer('paths', template, method.toLowerCase(), 'responses', String(res.status), 'content', mediaType, 'schema')}`);
  if (!validate(body)) {
    throw new Error(`${method} ${template} ${res.status}: the body does not match its schema: ${ajv.errorsText(validate.errors)}\n${text.slice(0, 2000)}`);
  }
  return body;
}

export interface CheckedResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

/**
 * `fetch` whose every answer is checked against the OpenAPI document ({@link conforming}) before
 * the test sees it: the tests' responses are the document's evidence.
 */
export async function checkedFetch<T = Record<string, unknown>>(url: string, init: RequestInit = {}): Promise<CheckedResponse<T>> {
  const res = await fetch(url, init);
  const body = (await conforming(init.method ?? 'GET', url, res)) as T;
  return { status: res.status, headers: res.headers, body };
}
