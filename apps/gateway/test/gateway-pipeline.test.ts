import { createLogger } from '@fleet/shared-observability';
import { createTestContext, repoRoot, type TestContext } from '@fleet/tools-infra/testing';
import jwt from 'jsonwebtoken';
import { request } from 'node:http';
import { ALL_SCOPES, checkedFetch, conforming, openApiDocument } from './conformance';
import { testGatewayConfig } from './gateway-config';
import { loadConfig } from '../src/config';
import { startGateway, type RunningGateway } from '../src/gateway';

// The pipeline every /api route goes through: authentication, the rate limit, bodies, problems.
const logger = createLogger('gateway', 'silent');
const SECRET = 'a-test-secret-of-32-characters!!';
const KEY = 'all-scopes-123';
let ctx: TestContext;
let gateway: RunningGateway;
let origin: string;

beforeAll(async () => {
  ctx = await createTestContext('gateway-pipeline');
  gateway = await startGateway(testGatewayConfig(ctx, { GATEWAY_API_KEYS: `all=${KEY}:${ALL_SCOPES}`, GATEWAY_JWT_SECRET: SECRET }), logger);
  origin = `http://127.0.0.1:${gateway.port}`;
});
afterAll(async () => {
  await gateway?.close();
  await ctx?.close();
});

type Operation = { requestBody?: unknown };
/** Every operation of the document, its path parameters filled in. */
const operations = Object.entries(openApiDocument.paths as Record<string, Record<string, Operation>>).flatMap(([template, item]) =>
  Object.entries(item).map(([method, op]) => ({ method: method.toUpperCase(), template, path: template.replace(/\{[^}]+\}/g, 'some-id'), hasBody: op.requestBody !== undefined })),
);

describe('authentication on every /api route', () => {
  it('lists operations of every API (a domain API found from the folders, the schedules API, the document)', () => {
    const templates = operations.map((o) => o.template);
    for (const p of ['/api/v0/license-deactivations', '/api/v0/vsync/verifications', '/api/v0/schedules', '/api/v0/openapi.json']) expect(templates).toContain(p);
  });

  it.each(operations.map((o) => [`${o.method} ${o.template}`, o] as const))('%s answers 401 without a token', async (_name, o) => {
    const url = `${origin}${o.path}`;
    const init = { method: o.method, ...(o.hasBody ? { headers: { 'content-type': 'application/json' }, body: '{}' } : {}) };
    const res = await fetch(url, init);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await conforming(o.method, url, res)).toMatchObject({ status: 401, title: 'Unauthorized' });
  });

  it('every operation of the document is mounted: with a token, none answers "no such route"', async () => {
    for (const o of operations) {
      const res = await fetch(`${origin}${o.path}`, {
        method: o.method,
        headers: { authorization: `Bearer ${KEY}`, ...(o.hasBody ? { 'content-type': 'application/json' } : {}) },
        // An unknown field: refused by every body schema, so nothing is started.
        ...(o.hasBody ? { body: '{"probe":true}' } : {}),
      });
      const body = (await res.json()) as { detail?: string };
      expect([`${o.method} ${o.template}`, body.detail]).not.toEqual([`${o.method} ${o.template}`, 'no such route']);
    }
  });

  it('401 for an unknown /api route too; other unknown routes are a 404 problem', async () => {
    expect((await fetch(`${origin}/api/v0/nothing-here`)).status).toBe(401);
    expect((await fetch(`${origin}/api/nothing`)).status).toBe(401);
    const known = await fetch(`${origin}/api/v0/nothing-here`, { headers: { authorization: `Bearer ${KEY}` } });
    expect(known.status).toBe(404);
    expect(known.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const outside = await fetch(`${origin}/nothing`);
    expect(outside.status).toBe(404);
    expect(outside.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('serves the OpenAPI document to any valid token', async () => {
    const res = await checkedFetch<{ openapi: string }>(`${origin}/api/v0/openapi.json`, { headers: { authorization: `Bearer ${KEY}` } });
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(res.body).toEqual(JSON.parse(JSON.stringify(openApiDocument)));
  });
});

describe('JWTs', () => {
  const getWith = (token: string) => checkedFetch<{ detail: string }>(`${origin}/api/v0/vsync/verifications?limit=1`, { headers: { authorization: `Bearer ${token}` } });

  it('refuses a token without exp', async () => {
    const res = await getWith(jwt.sign({ sub: 'ops', scope: 'vsync:read' }, SECRET));
    expect(res.status).toBe(401);
    expect(res.body.detail).toBe('the token is not valid: the token has no expiry (exp)');
  });

  it('refuses an expired token, another secret and another algorithm', async () => {
    expect((await getWith(jwt.sign({ sub: 'ops', scope: 'vsync:read', exp: Math.floor(Date.now() / 1000) - 60 }, SECRET))).status).toBe(401);
    expect((await getWith(jwt.sign({ sub: 'ops', scope: 'vsync:read' }, 'another-secret-of-enough-length', { expiresIn: '5m' }))).status).toBe(401);
    expect((await getWith(jwt.sign({ sub: 'ops', scope: 'vsync:read' }, SECRET, { expiresIn: '5m', algorithm: 'HS512' }))).status).toBe(401);
  });

  it('accepts one with exp and the scope', async () => {
    expect((await getWith(jwt.sign({ sub: 'ops', scope: 'vsync:read' }, SECRET, { expiresIn: '5m' }))).status).toBe(200);
  });
});

/** A request whose bytes are exactly these (fetch would fix some of them up). */
function raw(method: string, path: string, headers: Record<string, string>, body?: Buffer | string): Promise<{ status: number; contentType: string; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${origin}${path}`, { method, headers: { authorization: `Bearer ${KEY}`, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('bad input is a 4xx problem, never a 500, and never shows internals', () => {
  const json = { 'content-type': 'application/json' };
  const dryRun = JSON.stringify({ dryRun: true });
  it.each([
    ['a malformed percent-encoding in a path parameter', 'GET', '/api/v0/license-deactivations/%E0%A4%A', {}, undefined, 400],
    ['a malformed percent-encoding in another', 'POST', '/api/v0/vsync/reconciliations/%ZZ/approve', json, '{"by":"ops"}', 400],
    ['a malformed percent-encoding in the query', 'GET', '/api/v0/vsync/verifications?limit=%ZZ', {}, undefined, 400],
    ['Content-Encoding: br', 'POST', '/api/v0/license-deactivations', { ...json, 'content-encoding': 'br' }, dryRun, 415],
    ['Content-Encoding: gzip', 'POST', '/api/v0/license-deactivations', { ...json, 'content-encoding': 'gzip' }, dryRun, 415],
    ['a garbage Content-Encoding', 'POST', '/api/v0/license-deactivations', { ...json, 'content-encoding': 'x-%%garbage' }, dryRun, 415],
    ['charset=latin1', 'POST', '/api/v0/license-deactivations', { 'content-type': 'application/json; charset=latin1' }, dryRun, 415],
    ['charset=utf-16', 'POST', '/api/v0/license-renewals', { 'content-type': 'application/json; charset=utf-16' }, '{}', 415],
    ['a malformed Content-Type', 'POST', '/api/v0/license-deactivations', { 'content-type': 'application/json; charset' }, dryRun, 415],
    ['a body that is not JSON', 'POST', '/api/v0/license-deactivations', json, '{"dryRun": tru', 400],
    ['a JSON body that is not an object or array', 'POST', '/api/v0/license-deactivations', json, '"dryRun"', 400],
    ['a JSON array where an object is expected', 'POST', '/api/v0/license-renewals', json, '[]', 400],
    ['a text/plain body on a route that needs a body', 'POST', '/api/v0/license-renewals', { 'content-type': 'text/plain' }, 'licenseId=x', 415],
    ['a form body', 'POST', '/api/v0/vsync/verifications', { 'content-type': 'application/x-www-form-urlencoded' }, 'day=2026-01-01', 415],
    ['a body without a Content-Type', 'POST', '/api/v0/vsync/reconciliations/x/reject', {}, '{"by":"ops"}', 415],
    ['a body over 64 KB', 'POST', '/api/v0/license-renewals', json, JSON.stringify({ licenseId: 'x'.repeat(70_000) }), 413],
    ['a workflow id Temporal refuses (too long)', 'GET', `/api/v0/license-renewals/${'x'.repeat(3000)}`, {}, undefined, 404],
    ['a workflow id with control characters', 'GET', '/api/v0/vsync/reconciliations/%00%01', {}, undefined, 404],
    ['an unsupported method', 'PATCH', '/api/v0/license-deactivations', json, dryRun, 404],
  ] as const)('%s', async (_name, method, path, headers, body, status) => {
    const res = await raw(method, path, headers, body);
    expect([res.status, res.text]).toEqual([status, expect.any(String)]);
    expect(res.contentType).toMatch(/^application\/problem\+json/);
    const problem = JSON.parse(res.text) as { status: number; title: string; detail: string };
    expect(problem.status).toBe(status);
    // No file system path, no stack, no upstream message.
    expect(res.text).not.toContain(repoRoot);
    expect(res.text).not.toMatch(/node_modules|\/work\/|\.ts:\d|\n\s+at |Error:|Unexpected token|Failed to decode/);
  });

  it('a rejected query names the parameter', async () => {
    const res = await checkedFetch<{ errors: { field: string }[] }>(`${origin}/api/v0/vsync/verifications?limit=%ZZ`, { headers: { authorization: `Bearer ${KEY}` } });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e) => e.field)).toEqual(['limit']);
  });
});

describe('where it listens', () => {
  it('on 127.0.0.1 by default', () => {
    expect(loadConfig({}).GATEWAY_HOST).toBe('127.0.0.1');
    expect(gateway.host).toBe('127.0.0.1');
  });

  it('where GATEWAY_HOST says', async () => {
    const anywhere = await startGateway(testGatewayConfig(ctx, { GATEWAY_HOST: '0.0.0.0' }), logger);
    try {
      expect(anywhere.host).toBe('0.0.0.0');
      expect((await fetch(`http://127.0.0.1:${anywhere.port}/healthz`)).status).toBe(200);
    } finally {
      await anywhere.close();
    }
  });
});

describe('the rate limit', () => {
  it('counts failed authentication per address, apart from a valid key', async () => {
    const limited = await startGateway(testGatewayConfig(ctx, { GATEWAY_API_KEYS: `all=${KEY}:${ALL_SCOPES}`, GATEWAY_RATE_LIMIT_PER_MINUTE: '3' }), logger);
    try {
      const url = `http://127.0.0.1:${limited.port}/api/v0/openapi.json`;
      const statuses: number[] = [];
      for (const token of ['guess-1', 'guess-2', undefined, 'guess-3']) {
        const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
        statuses.push(res.status);
        if (res.status === 429) {
          expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
          expect(res.headers.get('ratelimit-policy')).toBe('3;w=60');
        }
      }
      expect(statuses).toEqual([401, 401, 401, 429]);
      // The key's own budget is untouched by the guesses from its address.
      expect((await fetch(url, { headers: { authorization: `Bearer ${KEY}` } })).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
