import { campaignsDomain } from '@fleet/campaigns-contracts';
import { jsonSchemaOf, operation, type OpenApiFragment } from '@fleet/shared-http';
import { sampleRunSchema, sampleStartedSchema } from './schemas';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const location = { Location: { description: 'Where the run is reported', schema: { type: 'string' } } };
const { read, write } = campaignsDomain.scopes;
const tags = ['campaigns'];

/** The campaigns API's part of the OpenAPI document, generated from the zod schemas the routes and workflows validate with. */
export const campaignsOpenApi: OpenApiFragment = {
  components: {
    schemas: {
      CampaignsSampleRequest: jsonSchemaOf(campaignsDomain.workflows.sample.input),
      CampaignsSampleStarted: jsonSchemaOf(sampleStartedSchema),
      CampaignsSampleRun: jsonSchemaOf(sampleRunSchema),
    },
  },
  paths: {
    '/campaigns/samples': {
      post: operation({
        operationId: 'startCampaignsSample',
        summary: 'Start the sample workflow (one per sample id)',
        scope: write,
        tags,
        body: { schema: ref('CampaignsSampleRequest'), required: true },
        responses: { '202': { description: 'Started, or already running', schema: ref('CampaignsSampleStarted'), headers: location } },
      }),
    },
    '/campaigns/samples/{workflowId}': {
      get: operation({
        operationId: 'getCampaignsSample',
        summary: 'A sample run: its status, its state while running, its result once completed',
        scope: read,
        tags,
        path: { workflowId: 'The workflow id a start answered with' },
        responses: { '200': { description: 'The sample run', schema: ref('CampaignsSampleRun') } },
      }),
    },
  },
};
