/**
 * The schedules API's part of the OpenAPI document: its paths (relative to /api/v0, where the
 * gateway mounts it) and the component schemas they name. The gateway assembles it with the
 * domains' fragments; `#/components/schemas/Problem` is the gateway's shared problem document.
 */
const problem = { $ref: '#/components/schemas/Problem' };
const problemContent = { 'application/problem+json': { schema: problem } };
const errorResponses = {
  '400': { description: 'Invalid request', content: problemContent },
  '401': { description: 'No valid bearer token', content: problemContent },
  '403': { description: 'The token lacks the scope', content: problemContent },
  '404': { description: 'No such schedule', content: problemContent },
  '429': { description: 'Rate limited', content: problemContent },
  '503': { description: 'Temporal unreachable', content: problemContent },
};
const workflowId = { name: 'workflowId', in: 'path', required: true, schema: { type: 'string' } };
const security = [{ bearer: [] }];

export const schedulesOpenApi = {
  components: {
    schemas: {
      Schedule: {
        type: 'object',
        properties: {
          workflow_id: { type: 'string' },
          schedule_id: { type: 'string' },
          project: { type: 'string' },
          cron: { type: 'string' },
          timezone: { type: 'string' },
          enabled: { type: 'boolean' },
          is_override: { type: 'boolean' },
          config: { type: 'object' },
          next_run_time: { type: ['string', 'null'], format: 'date-time' },
          last_run_time: { type: ['string', 'null'], format: 'date-time' },
          last_run_status: { type: ['string', 'null'] },
        },
      },
      SetEnabled: { type: 'object', additionalProperties: false, required: ['enabled'], properties: { enabled: { type: 'boolean' } } },
      Backfill: {
        type: 'object',
        additionalProperties: false,
        required: ['start', 'end'],
        properties: { start: { type: 'string', format: 'date-time' }, end: { type: 'string', format: 'date-time' } },
      },
    },
  },
  paths: {
    '/schedules': { get: { operationId: 'listSchedules', security, responses: { '200': { description: 'Every declared schedule' }, ...errorResponses } } },
    '/schedules/{workflowId}': {
      get: { operationId: 'getSchedule', security, parameters: [workflowId], responses: { '200': { description: 'The schedule' }, ...errorResponses } },
      put: {
        operationId: 'setScheduleEnabled',
        security,
        parameters: [workflowId],
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/SetEnabled' } } } },
        responses: { '200': { description: 'Overridden until the next reload' }, ...errorResponses },
      },
      delete: { operationId: 'deleteSchedule', security, parameters: [workflowId], responses: { '204': { description: 'Deleted (re-created on reload while declared)' }, ...errorResponses } },
    },
    '/schedules/{workflowId}/trigger': { post: { operationId: 'triggerSchedule', security, parameters: [workflowId], responses: { '202': { description: 'Triggered' }, ...errorResponses } } },
    '/schedules/{workflowId}/backfill': {
      post: {
        operationId: 'backfillSchedule',
        security,
        parameters: [workflowId],
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Backfill' } } } },
        responses: { '202': { description: 'Backfill requested' }, ...errorResponses },
      },
    },
  },
};
