import { campaignsDomain } from '@fleet/campaigns-contracts';
import type { DomainApi } from '@fleet/shared-http';
import { campaignsOpenApi } from './openapi';
import { campaignsRouter } from './router';

/** The campaigns domain's HTTP API, found and mounted by the gateway under /api/v0. */
export const domainApi: DomainApi = {
  domain: campaignsDomain.name,
  scopes: campaignsDomain.scopes,
  router: campaignsRouter,
  openapi: campaignsOpenApi,
};

export { campaignsRouter } from './router';
export { campaignsOpenApi } from './openapi';
export * from './schemas';
