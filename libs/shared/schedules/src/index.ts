export { parseDeclarations, loadDeclarations, DeclarationError, OVERLAP_POLICIES, type ScheduleDeclaration, type DeclarationProblem, type InputSchemas, type OverlapPolicyName } from './declarations';
export { parseCron, type CronSpec } from './cron';
export { parseDuration } from './durations';
