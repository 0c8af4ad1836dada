import { jsonSchemaOf, operation, runLink, type OpenApiFragment } from '@fleet/shared-http';
import {
  auditInputSchema,
  campaignsDomain,
  cancelInputSchema,
  createCampaignInputSchema,
  decisionInputSchema,
  pauseInputSchema,
  scheduleInputSchema,
  submitInputSchema,
} from '@fleet/campaigns-contracts';
import { auditRunSchema, auditStartedSchema, campaignViewSchema } from './schemas';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const { read, write } = campaignsDomain.scopes;
const tags = ['campaigns'];
const key = { idempotencyKey: 'The key the campaign was created with (letters, digits and . _ : -)' };
const campaign = { '200': { description: 'The campaign as it is now', schema: ref('Campaign') } };
const refused = { '409': "The move is refused (the reason says why: the campaign's state does not allow it, or the campaign has ended); nothing was changed" };
// Clients and fuzzers (Schemathesis's stateful phase) follow this from a created campaign with its real key.
const campaignLinks = { GetCampaign: { operationId: 'getCampaign', parameters: { idempotencyKey: '$response.body#/idempotencyKey' } } };

/** One Update of a campaign as a route. */
const change = (operationId: string, summary: string, body: string) =>
  operation({ operationId, summary, scope: write, tags, path: key, body: { schema: ref(body), required: true }, responses: campaign, problems: refused });

/** The campaigns API's part of the OpenAPI document, generated from the zod schemas the routes and workflows validate with. */
export const campaignsOpenApi: OpenApiFragment = {
  components: {
    schemas: {
      CampaignCreateRequest: jsonSchemaOf(createCampaignInputSchema),
      CampaignSubmitRequest: jsonSchemaOf(submitInputSchema),
      CampaignDecisionRequest: jsonSchemaOf(decisionInputSchema),
      CampaignScheduleRequest: jsonSchemaOf(scheduleInputSchema),
      CampaignPauseRequest: jsonSchemaOf(pauseInputSchema),
      CampaignCancelRequest: jsonSchemaOf(cancelInputSchema),
      Campaign: jsonSchemaOf(campaignViewSchema),
      CampaignAuditRequest: jsonSchemaOf(auditInputSchema),
      CampaignAuditStarted: jsonSchemaOf(auditStartedSchema),
      CampaignAudit: jsonSchemaOf(auditRunSchema),
    },
  },
  paths: {
    '/campaigns/campaigns': {
      post: operation({
        operationId: 'createCampaign',
        summary:
          'Create a campaign (dates local to its time zone; it starts today or later and ends in the future); creating it again with the same idempotencyKey answers the same campaign and changes nothing. Answered once the campaign is recorded',
        scope: write,
        tags,
        body: { schema: ref('CampaignCreateRequest'), required: true },
        responses: {
          '200': {
            description: 'The campaign (created now, or the campaign of that key)',
            schema: ref('Campaign'),
            headers: { Location: { description: 'Where the campaign is read', schema: { type: 'string' } } },
            links: campaignLinks,
          },
        },
        problems: { '409': 'The campaign refused the create (the reason says why), or the key belongs to a campaign whose creation failed' },
      }),
    },
    '/campaigns/campaigns/{idempotencyKey}': {
      get: operation({
        operationId: 'getCampaign',
        summary: 'A campaign: state, approval, channels, creatives with their content and publication, compensation (an ended campaign too)',
        scope: read,
        tags,
        path: key,
        responses: campaign,
      }),
    },
    '/campaigns/campaigns/{idempotencyKey}/submit': {
      post: change('submitCampaign', 'Submit a draft for approval (answered once its content is generated)', 'CampaignSubmitRequest'),
    },
    '/campaigns/campaigns/{idempotencyKey}/approve': {
      post: change('approveCampaign', 'Approve a campaign in review (not by whoever submitted it)', 'CampaignDecisionRequest'),
    },
    '/campaigns/campaigns/{idempotencyKey}/reject': { post: change('rejectCampaign', 'Reject a campaign in review: it ends', 'CampaignDecisionRequest') },
    '/campaigns/campaigns/{idempotencyKey}/schedule': {
      post: change('scheduleCampaign', 'Schedule an approved campaign: it publishes from its start time', 'CampaignScheduleRequest'),
    },
    '/campaigns/campaigns/{idempotencyKey}/pause': {
      post: change('pauseCampaign', 'Pause a running campaign, or one channel of it (channel)', 'CampaignPauseRequest'),
    },
    '/campaigns/campaigns/{idempotencyKey}/resume': {
      post: change('resumeCampaign', 'Resume a paused campaign, or a paused or auto-paused channel of it (channel)', 'CampaignPauseRequest'),
    },
    '/campaigns/campaigns/{idempotencyKey}/cancel': {
      post: change('cancelCampaign', 'Cancel the campaign: everything it published is unpublished, newest first', 'CampaignCancelRequest'),
    },
    '/campaigns/audits': {
      post: operation({
        operationId: 'startCampaignAudit',
        summary:
          "Start the digital presence audit of a domain (its website, then social media and SEO, then the report, by the AI agents); the same domain and nonce again answer that audit, running or ended (without a nonce: a new audit)",
        scope: write,
        tags,
        body: { schema: ref('CampaignAuditRequest'), required: true },
        responses: {
          '202': {
            description: 'Started, or the audit of that domain and nonce',
            schema: ref('CampaignAuditStarted'),
            headers: { Location: { description: 'Where the audit is read', schema: { type: 'string' } } },
            links: { GetCampaignAudit: runLink('getCampaignAudit') },
          },
        },
        problems: { '409': 'The id is taken by another kind of workflow' },
      }),
    },
    '/campaigns/audits/{workflowId}': {
      get: operation({
        operationId: 'getCampaignAudit',
        summary: "An audit: its status, its agents' progress while running, its report (JSON and Markdown) once completed, why it failed otherwise",
        scope: read,
        tags,
        path: { workflowId: 'The workflow id its start answered with' },
        responses: { '200': { description: 'The audit', schema: ref('CampaignAudit') } },
      }),
    },
  },
};
