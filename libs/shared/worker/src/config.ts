import { envSchemas, parseEnv } from '@fleet/shared-config';
import { z } from 'zod';

/** What every domain worker reads from its environment; a domain adds its own variables. */
export const domainWorkerEnv = {
  ...envSchemas.temporal,
  DATABASE_URL: envSchemas.url,
  DATABASE_POOL_SIZE: envSchemas.positiveInt(10),
  /** Prometheus /metrics of the worker's own counters (0: any free port). */
  METRICS_PORT: envSchemas.port(0),
  /** Where /metrics listens. */
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  /** Bind address for the SDK's own Prometheus metrics; off when unset. */
  TEMPORAL_SDK_METRICS_BIND: z.string().optional(),
  /** The pre-built workflow bundle (`npm run build`); without it the worker bundles its workflows at start (about 10 s). */
  WORKFLOW_BUNDLE: z.string().optional(),
  MAX_CONCURRENT_ACTIVITIES: envSchemas.positiveInt(8),
  /**
   * Workflow runs kept in the worker's cache (the SDK sizes it from the heap when unset). Each cached
   * run holds its own copy of the bundle's modules: bound it to bound memory; an evicted run is
   * replayed from its history when it wakes.
   */
  MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).optional(),
  /**
   * Threads running workflow code (the SDK's workflowThreadPoolSize, 1 by default). Each holds its
   * share of the cached runs in its own V8 heap: with thousands cached, two threads halve each
   * garbage collection's pause and run two workflow tasks at once, for one more copy of the bundle.
   */
  WORKFLOW_THREADS: envSchemas.positiveInt(1),
  /** The broker's WebSocket service; without it events wait in the outbox. */
  PULSAR_WS_URL: z.string().regex(/^wss?:\/\/[^\s]+$/, 'expected ws://host:port').optional(),
  /** The broker's admin API, to create the domain's namespace; optional when it exists already. */
  PULSAR_ADMIN_URL: envSchemas.url.optional(),
  /** The Pulsar tenant of Fleet's topics. */
  EVENTS_TENANT: z.string().regex(/^[a-z0-9-]+$/, 'expected a tenant name').default('fleet'),
  LOG_LEVEL: envSchemas.logLevel,
  /** The schedules this worker keeps in Temporal: its app's workflows.yaml unless set; `none` for none. */
  SCHEDULE_FILE: z.string().min(1).optional(),
  /** Every how often the worker reconciles its schedules again (drift reverted, overrides kept); 0: at start only. */
  SCHEDULE_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(0).default(300_000),
  /** What becomes of a schedule of this worker's project that is no longer declared. */
  SCHEDULE_ORPHANS: z.enum(['delete', 'pause']).default('delete'),
  /** How the start pass checks each schedule: from one listing, or by describing each (finds what a listing does not show). */
  SCHEDULE_VERIFY: z.enum(['listing', 'describe']).default('listing'),
};

export type DomainWorkerConfig = z.infer<z.ZodObject<typeof domainWorkerEnv>>;

/** The common variables plus the domain's own, every problem reported at once naming its variable. */
export function loadWorkerConfig<S extends z.ZodRawShape>(own: S, env: NodeJS.ProcessEnv = process.env) {
  return parseEnv({ ...domainWorkerEnv, ...own }, env);
}
