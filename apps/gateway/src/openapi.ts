import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020';
import type { RequestHandler } from 'express';
import { sendProblem } from './problem';
import { schedulesOpenApi } from './schedules/openapi';

const problem = { $ref: '#/components/schemas/Problem' };
const errorResponses = {
  '400': { description: 'Invalid request', content: { 'application/problem+json': { schema: problem } } },
  '401': { description: 'No valid bearer token', content: { 'application/problem+json': { schema: problem } } },
  '403': { description: 'The token lacks the scope', content: { 'application/problem+json': { schema: problem } } },
  '404': { description: 'No such schedule or workflow', content: { 'application/problem+json': { schema: problem } } },
  '429': { description: 'Rate limited', content: { 'application/problem+json': { schema: problem } } },
  '503': { description: 'Temporal unreachable', content: { 'application/problem+json': { schema: problem } } },
};
const workflowId = { name: 'workflowId', in: 'path', required: true, schema: { type: 'string' } };
const security = [{ bearer: [] }];
const limit = { name: 'limit', in: 'query', required: false, description: 'How many of the most recent runs (newest first)', schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } };
const json = (name: string) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${name}` } } });
const conflict = { '409': { description: 'The reconciliation is not waiting for approval', content: { 'application/problem+json': { schema: problem } } } };
const keyType = { type: 'string', enum: ['CPF', 'CNPJ', 'PHONE', 'EMAIL', 'EVP'] };
const isoDate = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'A calendar day, YYYY-MM-DD (America/Sao_Paulo)' };
const divergences = { type: ['object', 'null'], properties: { onlyInDict: { type: 'integer' }, onlyLocal: { type: 'integer' } } };
const runStatus = { type: 'string', enum: ['RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED', 'TERMINATED', 'CONTINUED_AS_NEW', 'TIMED_OUT', 'UNKNOWN'] };
const runProperties = {
  workflowId: { type: 'string' },
  runId: { type: 'string' },
  status: runStatus,
  startTime: { type: 'string', format: 'date-time' },
  closeTime: { type: ['string', 'null'], format: 'date-time' },
  failure: { type: 'string', description: 'Why a run that did not complete ended (one run only)' },
};

/** The schedules API, as served at /api/v0/openapi.json and used to validate request bodies. */
export const openApiDocument = {
  openapi: '3.1.0',
  info: { title: 'Fleet gateway: schedules and vsync', version: '0.2.0' },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API key, or a JWT (HS256) with scopes workflow.schedule:read / workflow.schedule:write (schedules) and vsync:read / vsync:write (vsync)' } },
    schemas: {
      Problem: { type: 'object', properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' } }, required: ['title', 'status'] },
      ...schedulesOpenApi.components.schemas,
      VsyncVerificationRequest: {
        type: 'object',
        additionalProperties: false,
        properties: {
          day: { ...isoDate, description: 'The verification day (names the reconciliations it starts); default today in America/Sao_Paulo' },
          keyTypes: { type: 'array', items: keyType, minItems: 1, maxItems: 5, description: 'Default: all five' },
          reconcile: { type: 'boolean', description: 'Start a reconciliation for each NOK (default true)' },
          reconciliation: {
            type: 'object',
            additionalProperties: false,
            description: 'Options of the reconciliations it starts',
            properties: {
              approvalThreshold: { type: 'number', minimum: 0, maximum: 100_000_000 },
              approvalTimeoutHours: { type: 'number', minimum: 0.001, maximum: 336 },
              filePollIntervalSeconds: { type: 'number', minimum: 1, maximum: 3600 },
              fileWaitHours: { type: 'number', minimum: 0.001, maximum: 72 },
              fileRequestsPerRound: { type: 'number', minimum: 1, maximum: 10 },
              applyBatchSize: { type: 'number', minimum: 1, maximum: 5000 },
              maxEventPages: { type: 'number', minimum: 0, maximum: 100 },
              maxRounds: { type: 'number', minimum: 1, maximum: 5 },
            },
          },
        },
      },
      VerificationStarted: {
        type: 'object',
        required: ['workflowId', 'runId', 'day'],
        properties: { workflowId: { type: 'string' }, runId: { type: 'string' }, day: isoDate },
      },
      VerificationSummary: {
        type: 'object',
        properties: {
          day: isoDate,
          verifications: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                keyType,
                result: { type: 'string', enum: ['OK', 'NOK'] },
                vsync: { type: 'string' },
                entries: { type: 'integer' },
                dictVerificationId: { type: 'string' },
                verifiedAt: { type: 'string', format: 'date-time' },
              },
            },
          },
          reconciliations: {
            type: 'array',
            items: { type: 'object', properties: { keyType, workflowId: { type: 'string' }, started: { type: 'boolean' }, note: { type: 'string' } } },
          },
          startedAt: { type: 'string', format: 'date-time' },
          finishedAt: { type: 'string', format: 'date-time' },
        },
      },
      VerificationRun: {
        type: 'object',
        required: ['workflowId', 'runId', 'status', 'startTime', 'closeTime'],
        properties: {
          ...runProperties,
          state: {
            type: ['object', 'null'],
            description: 'While running: key types verified and pending (null when the worker does not answer)',
            properties: { verified: { type: 'array', items: { type: 'object' } }, pending: { type: 'array', items: keyType } },
          },
          result: { $ref: '#/components/schemas/VerificationSummary' },
        },
      },
      ReconciliationState: {
        type: 'object',
        properties: {
          reconciliationId: { type: 'string' },
          keyType,
          phase: {
            type: 'string',
            enum: ['starting', 'reading-events', 'requesting-file', 'waiting-for-file', 'staging-file', 'diffing', 'awaiting-approval', 'applying', 'verifying', 'done'],
          },
          path: { type: ['string', 'null'], enum: ['events', 'file', null] },
          round: { type: 'integer' },
          fileId: { type: ['string', 'null'] },
          fileStatus: { type: ['string', 'null'] },
          divergences,
          applied: {
            type: 'object',
            properties: { added: { type: 'integer' }, updated: { type: 'integer' }, removed: { type: 'integer' }, vanished: { type: 'integer' } },
          },
          approval: {
            type: 'object',
            properties: {
              required: { type: 'boolean' },
              decision: { type: ['string', 'null'], enum: ['approved', 'rejected', 'expired', null] },
              by: { type: ['string', 'null'] },
            },
          },
          outcome: { type: ['string', 'null'], enum: ['completed', 'unresolved', 'rejected', 'approval-expired', 'file-timeout', 'file-error', 'skipped', null] },
          finalVerification: { type: ['string', 'null'], enum: ['OK', 'NOK', null], description: 'In a result only' },
          startedAt: { type: 'string', format: 'date-time', description: 'In a result only' },
          finishedAt: { type: 'string', format: 'date-time', description: 'In a result only' },
        },
      },
      ReconciliationRun: {
        type: 'object',
        required: ['workflowId', 'runId', 'status', 'startTime', 'closeTime'],
        properties: {
          ...runProperties,
          state: { oneOf: [{ $ref: '#/components/schemas/ReconciliationState' }, { type: 'null' }], description: 'While running: its live state (null when the worker does not answer)' },
          result: { $ref: '#/components/schemas/ReconciliationState' },
        },
      },
      ReconciliationDecision: {
        type: 'object',
        additionalProperties: false,
        required: ['by'],
        properties: { by: { type: 'string', minLength: 1, maxLength: 200, description: 'Who decides (kept in the log)' }, reason: { type: 'string', maxLength: 1000 } },
      },
      ReconciliationDecided: {
        type: 'object',
        required: ['workflowId', 'decision', 'state'],
        properties: { workflowId: { type: 'string' }, decision: { type: 'string', enum: ['approved', 'rejected'] }, state: { $ref: '#/components/schemas/ReconciliationState' } },
      },
    },
  },
  paths: {
    ...Object.fromEntries(Object.entries(schedulesOpenApi.paths).map(([path, item]) => [`/api/v0${path}`, item])),
    '/api/v0/vsync/verifications': {
      post: {
        operationId: 'startVsyncVerification',
        summary: 'Start a VSync verification now (scope vsync:write)',
        security,
        requestBody: { required: false, content: json('VsyncVerificationRequest') },
        responses: { '202': { description: 'Started', content: json('VerificationStarted') }, ...errorResponses },
      },
      get: {
        operationId: 'listVsyncVerifications',
        summary: 'The most recent verifications, newest first (scope vsync:read)',
        security,
        parameters: [limit],
        responses: {
          '200': {
            description: 'Recent verifications: status, times, a completed one\'s summary',
            content: { 'application/json': { schema: { type: 'object', properties: { verifications: { type: 'array', items: { $ref: '#/components/schemas/VerificationRun' } } } } } },
          },
          ...errorResponses,
        },
      },
    },
    '/api/v0/vsync/verifications/{workflowId}': {
      get: {
        operationId: 'getVsyncVerification',
        summary: 'One verification (scope vsync:read)',
        security,
        parameters: [workflowId],
        responses: { '200': { description: 'The verification', content: json('VerificationRun') }, ...errorResponses },
      },
    },
    '/api/v0/vsync/reconciliations': {
      get: {
        operationId: 'listReconciliations',
        summary: 'The most recent reconciliations, newest first (scope vsync:read)',
        security,
        parameters: [limit],
        responses: {
          '200': {
            description: 'Recent reconciliations: status, times, a running one\'s live state, a completed one\'s result',
            content: { 'application/json': { schema: { type: 'object', properties: { reconciliations: { type: 'array', items: { $ref: '#/components/schemas/ReconciliationRun' } } } } } },
          },
          ...errorResponses,
        },
      },
    },
    '/api/v0/vsync/reconciliations/{workflowId}': {
      get: {
        operationId: 'getReconciliation',
        summary: 'One reconciliation (scope vsync:read)',
        security,
        parameters: [workflowId],
        responses: { '200': { description: 'The reconciliation', content: json('ReconciliationRun') }, ...errorResponses },
      },
    },
    '/api/v0/vsync/reconciliations/{workflowId}/approve': {
      post: {
        operationId: 'approveReconciliation',
        summary: 'Approve a reconciliation waiting for approval: its corrections are applied (scope vsync:write)',
        security,
        parameters: [workflowId],
        requestBody: { required: true, content: json('ReconciliationDecision') },
        responses: { '200': { description: 'Approved; its state', content: json('ReconciliationDecided') }, ...errorResponses, ...conflict },
      },
    },
    '/api/v0/vsync/reconciliations/{workflowId}/reject': {
      post: {
        operationId: 'rejectReconciliation',
        summary: 'Reject a reconciliation waiting for approval: it stops without applying anything (scope vsync:write)',
        security,
        parameters: [workflowId],
        requestBody: { required: true, content: json('ReconciliationDecision') },
        responses: { '200': { description: 'Rejected; its state', content: json('ReconciliationDecided') }, ...errorResponses, ...conflict },
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
