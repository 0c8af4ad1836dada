import type { OpenApiFragment } from '@fleet/shared-http';

/** The campaigns API's part of the OpenAPI document. */
export const campaignsOpenApi: OpenApiFragment = { components: { schemas: {} }, paths: {} };
