import { licenseDomain } from '@fleet/license-contracts';
import type { DomainApi } from '@fleet/shared-http';
import { licenseOpenApi } from './openapi';
import { licenseRouter } from './router';

/** The license domain's HTTP API, found and mounted by the gateway under /api/v0. */
export const domainApi: DomainApi = {
  domain: licenseDomain.name,
  scopes: licenseDomain.scopes,
  router: licenseRouter,
  openapi: licenseOpenApi,
};

export { licenseRouter } from './router';
export { licenseOpenApi } from './openapi';
export * from './schemas';
