export { seedAgents, agentId, type AgentSeed } from './seed';
export { licenseState, type LicenseState } from './state';
