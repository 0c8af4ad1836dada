import type { Client, Connection } from '@temporalio/client';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from '@fleet/shared-observability';
import { Counter, Histogram, type Registry } from 'prom-client';
import { sendProblem } from './problem';
import { licenseRoutes } from './routes/license';
import { scheduleRoutes } from './routes/schedules';
import { vsyncRoutes } from './routes/vsync';
import { authenticate, type AuthConfig, type Principal } from './auth';
import { openApiDocument } from './openapi';
import { rateLimit, ipKeyGenerator } from 'express-rate-limit';
import type { DeclarationSet } from '@fleet/shared-schedules';
import { isTemporalUnreachable } from './temporal-errors';
import type { ScheduleReconciler } from './schedules/reconciler';

export interface GatewayDeps {
  client: Client;
  logger: Logger;
  registry: Registry;
  /** Bound on each request's calls to Temporal. */
  rpcTimeoutMs: number;
  reconciler: ScheduleReconciler;
  declared: DeclarationSet;
  auth: AuthConfig;
  /** Requests per minute per client on the schedules API, and separately on the vsync API. */
  rateLimitPerMinute: number;
}

/** The express API in front of the workers: it reaches them only through Temporal. */
export function createGatewayApp({ client, logger, registry, rpcTimeoutMs, reconciler, declared, auth, rateLimitPerMinute }: GatewayDeps): express.Express {
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
  app.use(express.json({ limit: '64kb' }));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Ready once Temporal answers and the schedules are reconciled.
  app.get('/readyz', async (_req, res) => {
    const schedules = { state: reconciler.state, ...(reconciler.lastError ? { lastError: reconciler.lastError } : {}) };
    try {
      await client.withDeadline(Date.now() + rpcTimeoutMs, () => (client.connection as Connection).healthService.check({}));
    } catch (err) {
      res.status(503).json({ status: 'not ready', reason: `Temporal unreachable: ${String(err)}`, schedules });
      return;
    }
    if (reconciler.state !== 'ready') res.status(503).json({ status: 'not ready', reason: 'schedules not reconciled yet', schedules });
    else res.json({ status: 'ready', schedules });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });

  app.get('/api/v0/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });
  // The schedules and vsync APIs: bearer token first (so the limit counts per client), then 100/min
  // per client on each.
  const limiter = () =>
    rateLimit({
      windowMs: 60_000,
      limit: rateLimitPerMinute,
      standardHeaders: 'draft-7',
      legacyHeaders: false,
      keyGenerator: (req, res) => (res.locals.principal as Principal | undefined)?.id ?? ipKeyGenerator(req.ip ?? 'unknown'),
      handler: (_req, res) => sendProblem(res, 429, 'Too many requests', `at most ${rateLimitPerMinute} requests a minute per client`),
    });
  app.use('/api/v0/schedules', authenticate(auth), limiter());
  app.use('/api/v0', scheduleRoutes(client, declared, registry, rpcTimeoutMs));
  app.use('/api/v0/vsync', authenticate(auth), limiter(), vsyncRoutes(client, rpcTimeoutMs));
  app.use('/api/v0', licenseRoutes(client, rpcTimeoutMs));

  app.use((_req, res) => sendProblem(res, 404, 'Not found', 'no such route'));
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const bodyError = err as { type?: string; status?: number; message?: string };
    if (bodyError.type === 'entity.parse.failed') {
      return sendProblem(res, 400, 'Invalid request body', `the body is not valid JSON: ${bodyError.message}`);
    }
    if (bodyError.type === 'entity.too.large') return sendProblem(res, 413, 'Payload too large', 'the body exceeds 64 KB');
    if (isTemporalUnreachable(err)) {
      logger.warn({ err, path: req.path }, 'Temporal unreachable');
      return sendProblem(res, 503, 'Temporal unavailable', 'Temporal is unreachable; try again later.');
    }
    logger.error({ err, path: req.path }, 'request failed');
    sendProblem(res, 500, 'Internal error', 'the request failed; see the gateway log');
  });
  return app;
}
