import type { DomainApi } from '@fleet/shared-http';
import { vsyncDomain } from '@fleet/vsync-contracts';
import { vsyncOpenApi } from './openapi';
import { vsyncRouter } from './router';

/** The vsync domain's HTTP API, found and mounted by the gateway under /api/v0. */
export const domainApi: DomainApi = {
  domain: vsyncDomain.name,
  scopes: vsyncDomain.scopes,
  router: vsyncRouter,
  openapi: vsyncOpenApi,
};

export { vsyncRouter } from './router';
export { vsyncOpenApi } from './openapi';
export * from './schemas';
