export { parseDeclarations, parseDeclarationSet, loadDeclarationSet, DeclarationError, OVERLAP_POLICIES, type ScheduleDeclaration, type DeclarationProblem, type DeclarationSet, type InputSchemas, type OverlapPolicyName } from './declarations';
export { parseCron, type CronSpec } from './cron';
export { parseDuration } from './durations';
export { compileSchedule, declarationHash, scheduleIdOf, OWNER_MEMO_KEY, DECLARED_HASH_KEY, type DesiredSchedule } from './compile';
export { reconcile, observedHash, OBSERVED_HASH_KEY, OVERRIDE_NOTE_PREFIX, type Outcome, type ReconcileOptions, type ReconcileResult } from './reconcile';
export { forEachLimited } from './pool';
