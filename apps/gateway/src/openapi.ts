import { assembleOpenApiDocument, createBodyValidator, operation, type DomainApi, type OpenApiFragment } from '@fleet/shared-http';
import { SCOPES } from './auth';
import { schedulesOpenApi } from './schedules/openapi';

/** Where every API is mounted. */
export const API_BASE = '/api/v0';

/** The gateway's own operations: the document itself (authenticated like every /api route). */
const gatewayOpenApi: OpenApiFragment = {
  paths: {
    '/openapi.json': {
      get: operation({
        operationId: 'getOpenApiDocument',
        summary: 'This document: every operation of the API with its request and response schemas (any valid token)',
        responses: { '200': { description: 'The OpenAPI 3.1 document', schema: { type: 'object', required: ['openapi', 'paths'], properties: { openapi: { type: 'string' }, paths: { type: 'object' } } } } },
      }),
    },
  },
};

/**
 * The one OpenAPI 3.1 document: the gateway's operations, the schedules API and every domain's
 * API, each fragment's paths under /api/v0. Served at /api/v0/openapi.json.
 */
export function gatewayOpenApiDocument(domainApis: readonly DomainApi[]) {
  const scopes = [SCOPES.scheduleRead, SCOPES.scheduleWrite, ...domainApis.flatMap((d) => [d.scopes.read, d.scopes.write])];
  return assembleOpenApiDocument({
    info: {
      title: 'Fleet gateway',
      version: '0.3.0',
      description: `The schedules API and the domains' APIs (${domainApis.map((d) => d.domain).join(', ')}), through Temporal only. Errors are application/problem+json.`,
    },
    mounts: [
      { base: API_BASE, name: 'gateway', fragment: gatewayOpenApi },
      { base: API_BASE, name: 'schedules', fragment: schedulesOpenApi },
      ...domainApis.map((d) => ({ base: API_BASE, name: `${d.domain} API`, fragment: d.openapi })),
    ],
    securityDescription: `An API key (GATEWAY_API_KEYS) or an HS256 JWT with an exp, carrying scopes (\`scope\` or \`scp\`): ${scopes.join(', ')}`,
  });
}

/** Validates a schedules request body against its schema in the document; a 400 names each field. */
export const validateBody = createBodyValidator(schedulesOpenApi.components.schemas);
