// The workflow bundle's entry point: every workflow the campaign-worker runs.
export { campaignsSampleWorkflow } from './campaigns-sample.workflow';
