/** Authentication lives in @fleet/shared-http (one pipeline for every API); the schedules API's scopes are the gateway's own. */
export { authenticate, identify, rejectAnonymous, requireScope, parseApiKeys, type Principal, type AuthConfig } from '@fleet/shared-http';

/** Scopes of the schedules API. */
export const SCOPES = { scheduleRead: 'workflow.schedule:read', scheduleWrite: 'workflow.schedule:write' } as const;
