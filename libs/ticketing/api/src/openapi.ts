import { ticketingDomain } from '@fleet/ticketing-contracts';
import { jsonSchemaOf, operation, type OpenApiFragment } from '@fleet/shared-http';
import { sampleRunSchema, sampleStartedSchema } from './schemas';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const location = { Location: { description: 'Where the run is reported', schema: { type: 'string' } } };
const { read, write } = ticketingDomain.scopes;
const tags = ['ticketing'];

/** The ticketing API's part of the OpenAPI document, generated from the zod schemas the routes and workflows validate with. */
export const ticketingOpenApi: OpenApiFragment = {
  components: {
    schemas: {
      TicketingSampleRequest: jsonSchemaOf(ticketingDomain.workflows.sample.input),
      TicketingSampleStarted: jsonSchemaOf(sampleStartedSchema),
      TicketingSampleRun: jsonSchemaOf(sampleRunSchema),
    },
  },
  paths: {
    '/ticketing/samples': {
      post: operation({
        operationId: 'startTicketingSample',
        summary: 'Start the sample workflow (one per sample id)',
        scope: write,
        tags,
        body: { schema: ref('TicketingSampleRequest'), required: true },
        responses: { '202': { description: 'Started, or already running', schema: ref('TicketingSampleStarted'), headers: location } },
      }),
    },
    '/ticketing/samples/{workflowId}': {
      get: operation({
        operationId: 'getTicketingSample',
        summary: 'A sample run: its status, its state while running, its result once completed',
        scope: read,
        tags,
        path: { workflowId: 'The workflow id a start answered with' },
        responses: { '200': { description: 'The sample run', schema: ref('TicketingSampleRun') } },
      }),
    },
  },
};
