import type { Logger } from '@fleet/shared-observability';
import type { Client } from '@temporalio/client';
import type { Router } from 'express';
import type { Registry } from 'prom-client';
import type { DeadlineContext } from './deadline';
import type { OpenApiFragment } from './openapi';

/** What the gateway hands each domain API when it mounts it. */
export interface DomainApiContext extends DeadlineContext {
  client: Client;
  /** Bound on each request's calls to Temporal, together. */
  rpcTimeoutMs: number;
  logger: Logger;
  registry: Registry;
}

/**
 * A domain's HTTP API, exported as `domainApi` by `libs/<domain>/api`: the gateway finds it by its
 * folder, mounts `router(ctx)` under /api/v0 behind its one pipeline (authentication, rate limit,
 * JSON bodies, problem+json errors) and adds `openapi` to its document.
 */
export interface DomainApi {
  /** The domain's name (its manifest's). */
  domain: string;
  /** The bearer token scopes its routes require. */
  scopes: { read: string; write: string };
  router(ctx: DomainApiContext): Router;
  /** Its paths, relative to where it is mounted (/api/v0), and the component schemas they name. */
  openapi: OpenApiFragment;
}

/** Whether a module's export is a {@link DomainApi}. */
export function isDomainApi(value: unknown): value is DomainApi {
  const api = value as Partial<DomainApi> | undefined;
  return (
    typeof api?.domain === 'string' &&
    typeof api.router === 'function' &&
    typeof api.scopes?.read === 'string' &&
    typeof api.scopes.write === 'string' &&
    typeof api.openapi?.paths === 'object' &&
    api.openapi.paths !== null
  );
}
