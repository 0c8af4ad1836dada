import { licenseDomain, licenseRenewalInputSchema } from '@fleet/license-contracts';
import { jsonSchemaOf, operation, runLink, type OpenApiFragment } from '@fleet/shared-http';
import {
  deactivationRunSchema,
  deactivationStartedSchema,
  renewalRunSchema,
  renewalStartedSchema,
  startDeactivationBody,
} from './schemas';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const location = { Location: { description: 'Where the run is reported', schema: { type: 'string' } } };
const { read, write } = licenseDomain.scopes;
const tags = ['license'];

/** The license API's part of the OpenAPI document, generated from the zod schemas the routes and workflows validate with. */
export const licenseOpenApi: OpenApiFragment = {
  components: {
    schemas: {
      LicenseDeactivationRequest: jsonSchemaOf(startDeactivationBody),
      LicenseDeactivationStarted: jsonSchemaOf(deactivationStartedSchema),
      LicenseDeactivationRun: jsonSchemaOf(deactivationRunSchema),
      LicenseRenewalRequest: jsonSchemaOf(licenseRenewalInputSchema),
      LicenseRenewalStarted: jsonSchemaOf(renewalStartedSchema),
      LicenseRenewalRun: jsonSchemaOf(renewalRunSchema),
    },
  },
  paths: {
    '/license-deactivations': {
      post: operation({
        operationId: 'startLicenseDeactivation',
        summary: 'Start a deactivation batch (a dry run, or live)',
        scope: write,
        tags,
        body: { schema: ref('LicenseDeactivationRequest'), required: true },
        responses: { '202': { description: 'Started', schema: ref('LicenseDeactivationStarted'), headers: location, links: { GetLicenseDeactivation: runLink('getLicenseDeactivation') } } },
      }),
    },
    '/license-deactivations/{workflowId}': {
      get: operation({
        operationId: 'getLicenseDeactivation',
        summary: 'A deactivation batch: its status, progress while running, summary once completed',
        scope: read,
        tags,
        path: { workflowId: 'The workflow id a start answered with' },
        responses: { '200': { description: 'The batch', schema: ref('LicenseDeactivationRun') } },
      }),
    },
    '/license-renewals': {
      post: operation({
        operationId: 'startLicenseRenewal',
        summary: 'Renew a license (one workflow per license and renewal date); reinstates its agent when nothing else is expired',
        scope: write,
        tags,
        body: { schema: ref('LicenseRenewalRequest'), required: true },
        responses: { '202': { description: 'Started, or already running', schema: ref('LicenseRenewalStarted'), headers: location, links: { GetLicenseRenewal: runLink('getLicenseRenewal') } } },
      }),
    },
    '/license-renewals/{workflowId}': {
      get: operation({
        operationId: 'getLicenseRenewal',
        summary: 'A renewal: its status and result',
        scope: read,
        tags,
        path: { workflowId: 'The workflow id a start answered with' },
        responses: { '200': { description: 'The renewal', schema: ref('LicenseRenewalRun') } },
      }),
    },
  },
};
