// The workflow bundle's entry point: every workflow the campaign-worker runs.
export { campaignWorkflow } from './campaign.workflow';
