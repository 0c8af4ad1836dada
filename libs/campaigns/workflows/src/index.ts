// The workflow bundle's entry point: every workflow the campaign-worker runs.
export { campaignWorkflow } from './campaign.workflow';
export { campaignAuditWorkflow } from './campaign-audit.workflow';
export { campaignContentPipelineWorkflow } from './campaign-content-pipeline.workflow';
export { campaignSeoAnalysisWorkflow } from './campaign-seo-analysis.workflow';
export { campaignReportWorkflow } from './campaign-report.workflow';
export { campaignAnalyticsWorkflow } from './campaign-analytics.workflow';
