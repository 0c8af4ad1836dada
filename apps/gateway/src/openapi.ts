import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020';
import type { RequestHandler } from 'express';
import { sendProblem } from './problem';

const problem = { $ref: '#/components/schemas/Problem' };
const errorResponses = {
  '400': { description: 'Invalid request', content: { 'application/problem+json': { schema: problem } } },
  '401': { description: 'No valid bearer token', content: { 'application/problem+json': { schema: problem } } },
  '403': { description: 'The token lacks the scope', content: { 'application/problem+json': { schema: problem } } },
  '404': { description: 'Not declared', content: { 'application/problem+json': { schema: problem } } },
  '429': { description: 'Rate limited', content: { 'application/problem+json': { schema: problem } } },
  '503': { description: 'Temporal unreachable', content: { 'application/problem+json': { schema: problem } } },
};
const workflowId = { name: 'workflowId', in: 'path', required: true, schema: { type: 'string' } };
const security = [{ bearer: [] }];

/** The schedules API, as served at /api/v0/openapi.json and used to validate request bodies. */
export const openApiDocument = {
  openapi: '3.1.0',
  info: { title: 'Fleet gateway: schedules', version: '0.1.0' },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API key, or a JWT (HS256) with scopes workflow.schedule:read / workflow.schedule:write' } },
    schemas: {
      Problem: { type: 'object', properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' } }, required: ['title', 'status'] },
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
    '/api/v0/schedules': { get: { operationId: 'listSchedules', security, responses: { '200': { description: 'Every declared schedule' }, ...errorResponses } } },
    '/api/v0/schedules/{workflowId}': {
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
    '/api/v0/schedules/{workflowId}/trigger': { post: { operationId: 'triggerSchedule', security, parameters: [workflowId], responses: { '202': { description: 'Triggered' }, ...errorResponses } } },
    '/api/v0/schedules/{workflowId}/backfill': {
      post: {
        operationId: 'backfillSchedule',
        security,
        parameters: [workflowId],
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Backfill' } } } },
        responses: { '202': { description: 'Backfill requested' }, ...errorResponses },
      },
    },
  },
} as const;

const ajv = new Ajv2020({ allErrors: true, strict: false });
ajv.addFormat('date-time', { validate: (s: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(s) && !Number.isNaN(Date.parse(s)) });
ajv.addSchema({ $id: 'fleet', components: openApiDocument.components });

/** Validates a request body against the document's schema for it; a 400 names each field. */
export function validateBody(schemaName: keyof typeof openApiDocument.components.schemas): RequestHandler {
  const validate: ValidateFunction = ajv.compile({ $ref: `fleet#/components/schemas/${schemaName}` });
  return (req, res, next) => {
    if (validate(req.body ?? {})) return next();
    const errors = (validate.errors ?? []).map((e) => {
      const field = e.keyword === 'required' ? String(e.params.missingProperty) : e.keyword === 'additionalProperties' ? String(e.params.additionalProperty) : e.instancePath.replace(/^\//, '').replace(/\//g, '.') || '(body)';
      const message = e.keyword === 'additionalProperties' ? 'unknown field' : (e.message ?? 'invalid');
      return { field, message };
    });
    sendProblem(res, 400, 'Invalid request body', errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
  };
}
