export * from './schema';
export { campaignsMigrations } from './migrations';
export { findContents, insertCampaign, insertChanges, saveContents, updateCampaignView } from './campaign.repository';
export { findPublication, savePublication, type PublicationRow } from './publication.repository';
export { blockedFor, learnPlatformRate, refuseUntil, reserveSlot, slotState } from './limits.repository';
export { findAgentRuns, findReport, recordAgentRun, saveReport, type AgentRunRow } from './agents.repository';
export { insertOptimizationDecisions, type OptimizationChange } from './optimization.repository';
export { upsertCampaignAnalytics, type AnalyticsPeriodBounds } from './analytics.repository';
