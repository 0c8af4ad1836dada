import { jsonSchemaOf, operation, runLink, type OpenApiFragment } from '@fleet/shared-http';
import { vsyncDomain, vsyncVerificationInputSchema } from '@fleet/vsync-contracts';
import {
  decidedSchema,
  decisionBody,
  listQuery,
  reconciliationListSchema,
  reconciliationResultSchema,
  reconciliationRunSchema,
  reconciliationStateSchema,
  verificationListSchema,
  verificationRunSchema,
  verificationStartedSchema,
} from './schemas';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const { read, write } = vsyncDomain.scopes;
const tags = ['vsync'];
const workflowId = { workflowId: 'The workflow id' };
const notWaiting = { '409': 'The reconciliation is not waiting for approval' };

/** The vsync API's part of the OpenAPI document, generated from the zod schemas the routes and workflows validate with. */
export const vsyncOpenApi: OpenApiFragment = {
  components: {
    schemas: {
      VsyncVerificationRequest: jsonSchemaOf(vsyncVerificationInputSchema),
      VsyncVerificationStarted: jsonSchemaOf(verificationStartedSchema),
      VsyncVerificationRun: jsonSchemaOf(verificationRunSchema),
      VsyncVerificationList: jsonSchemaOf(verificationListSchema),
      VsyncReconciliationState: jsonSchemaOf(reconciliationStateSchema),
      VsyncReconciliationResult: jsonSchemaOf(reconciliationResultSchema),
      VsyncReconciliationRun: jsonSchemaOf(reconciliationRunSchema),
      VsyncReconciliationList: jsonSchemaOf(reconciliationListSchema),
      VsyncReconciliationDecision: jsonSchemaOf(decisionBody),
      VsyncReconciliationDecided: jsonSchemaOf(decidedSchema),
    },
  },
  paths: {
    '/vsync/verifications': {
      post: operation({
        operationId: 'startVsyncVerification',
        summary: 'Start a VSync verification now',
        scope: write,
        tags,
        body: { schema: ref('VsyncVerificationRequest'), required: false },
        responses: {
          '202': {
            description: 'Started',
            schema: ref('VsyncVerificationStarted'),
            headers: { Location: { schema: { type: 'string' } } },
            links: { GetVsyncVerification: runLink('getVsyncVerification') },
          },
        },
      }),
      get: operation({
        operationId: 'listVsyncVerifications',
        summary: 'The most recent verifications, newest first',
        scope: read,
        tags,
        query: listQuery,
        responses: { '200': { description: "Recent verifications: status, times, a running one's progress, a completed one's summary", schema: ref('VsyncVerificationList') } },
      }),
    },
    '/vsync/verifications/{workflowId}': {
      get: operation({
        operationId: 'getVsyncVerification',
        summary: 'One verification',
        scope: read,
        tags,
        path: workflowId,
        responses: { '200': { description: 'The verification', schema: ref('VsyncVerificationRun') } },
      }),
    },
    '/vsync/reconciliations': {
      get: operation({
        operationId: 'listVsyncReconciliations',
        summary: 'The most recent reconciliations, newest first',
        scope: read,
        tags,
        query: listQuery,
        responses: { '200': { description: "Recent reconciliations: status, times, a running one's live state, a completed one's result", schema: ref('VsyncReconciliationList') } },
      }),
    },
    '/vsync/reconciliations/{workflowId}': {
      get: operation({
        operationId: 'getVsyncReconciliation',
        summary: 'One reconciliation',
        scope: read,
        tags,
        path: workflowId,
        responses: { '200': { description: 'The reconciliation', schema: ref('VsyncReconciliationRun') } },
      }),
    },
    '/vsync/reconciliations/{workflowId}/approve': {
      post: operation({
        operationId: 'approveVsyncReconciliation',
        summary: 'Approve a reconciliation waiting for approval: its corrections are applied',
        scope: write,
        tags,
        path: workflowId,
        body: { schema: ref('VsyncReconciliationDecision'), required: true },
        responses: { '200': { description: 'Approved; its state', schema: ref('VsyncReconciliationDecided') } },
        problems: notWaiting,
      }),
    },
    '/vsync/reconciliations/{workflowId}/reject': {
      post: operation({
        operationId: 'rejectVsyncReconciliation',
        summary: 'Reject a reconciliation waiting for approval: it stops without applying anything',
        scope: write,
        tags,
        path: workflowId,
        body: { schema: ref('VsyncReconciliationDecision'), required: true },
        responses: { '200': { description: 'Rejected; its state', schema: ref('VsyncReconciliationDecided') } },
        problems: notWaiting,
      }),
    },
  },
};
