import { ticketingDomain } from '@fleet/ticketing-contracts';
import type { DomainApi } from '@fleet/shared-http';
import { ticketingOpenApi } from './openapi';
import { ticketingRouter } from './router';

/** The ticketing domain's HTTP API, found and mounted by the gateway under /api/v0. */
export const domainApi: DomainApi = {
  domain: ticketingDomain.name,
  scopes: ticketingDomain.scopes,
  router: ticketingRouter,
  openapi: ticketingOpenApi,
};

export { ticketingRouter } from './router';
export { ticketingOpenApi } from './openapi';
export * from './schemas';
