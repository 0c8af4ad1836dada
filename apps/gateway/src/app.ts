import type { Client, Connection } from '@temporalio/client';
import express from 'express';
import type { Logger } from '@fleet/shared-observability';
import { Counter, Histogram, type Registry } from 'prom-client';
import {
  clientRateLimit,
  identify,
  jsonBodies,
  loadDomainApis,
  problemErrorHandler,
  rejectAnonymous,
  sendProblem,
  withDeadline,
  type AuthConfig,
  type DomainApi,
} from '@fleet/shared-http';
import { scheduleRoutes } from './routes/schedules';
import { API_BASE, gatewayOpenApiDocument } from './openapi';

export interface GatewayDeps {
  client: Client;
  logger: Logger;
  registry: Registry;
  /** Bound on each request's calls to Temporal, together. */
  rpcTimeoutMs: number;
  auth: AuthConfig;
  /** Requests per minute per client on every /api route. */
  rateLimitPerMinute: number;
  /** The domains' HTTP APIs; by default every `libs/<domain>/api` of the workspace (found from the folders). */
  domainApis?: readonly DomainApi[];
}

/**
 * The express API in front of the workers, which it reaches only through Temporal. Every /api route
 * goes through one pipeline: bearer authentication, the per-client rate limit (failed
 * authentication counted per address), JSON bodies checked before they are read, each domain's
 * router and the schedules API, problem+json for every error.
 */
export function createGatewayApp({ client, logger, registry, rpcTimeoutMs, auth, rateLimitPerMinute, domainApis = loadDomainApis() }: GatewayDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  const requests = new Counter({
    name: 'gateway_http_requests_total',
    help: 'HTTP requests by route and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'gateway_http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  app.use((req, res, next) => {
    const end = latency.startTimer();
    res.on('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      end({ method: req.method, route });
      requests.inc({ method: req.method, route, status: res.statusCode });
    });
    next();
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Ready once Temporal answers (the workers keep the schedules; the API reads them from Temporal).
  app.get('/readyz', async (_req, res) => {
    try {
      await withDeadline(client, rpcTimeoutMs, () => (client.connection as Connection).healthService.check({}));
    } catch (err) {
      res.status(503).json({ status: 'not ready', reason: `Temporal unreachable: ${String(err)}` });
      return;
    }
    res.json({ status: 'ready' });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });

  // The pipeline of every /api route: who is calling; the limit (per principal, or per address for
  // a refused token, so failed attempts count); 401 for a refused token; bodies.
  app.use('/api', identify(auth), clientRateLimit({ perMinute: rateLimitPerMinute }), rejectAnonymous(), ...jsonBodies());

  const openApiDocument = gatewayOpenApiDocument(domainApis);
  app.get(`${API_BASE}/openapi.json`, (_req, res) => {
    res.json(openApiDocument);
  });
  const ctx = { client, rpcTimeoutMs, logger, registry };
  for (const domainApi of domainApis) app.use(API_BASE, domainApi.router(ctx));
  app.use('/api/v0', scheduleRoutes(client, registry, rpcTimeoutMs));

  app.use((_req, res) => sendProblem(res, 404, 'Not found', 'no such route'));
  app.use(problemErrorHandler(logger));
  return app;
}
