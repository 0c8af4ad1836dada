export { parseDeclarations, parseDeclarationSet, loadDeclarationSet, DeclarationError, OVERLAP_POLICIES, type ScheduleDeclaration, type DeclarationProblem, type DeclarationSet, type InputSchemas, type OverlapPolicyName } from './declarations';
export { parseCron, type CronSpec } from './cron';
export { parseDuration } from './durations';
export { compileSchedule, declarationHash, scheduleIdOf, managedNote, withDeclaration, declarationInNote, OWNER_MEMO_KEY, DECLARED_HASH_KEY, OVERRIDE_NOTE_PREFIX, MANAGED_NOTE_PREFIX, DEFAULT_CATCHUP_WINDOW_MS, type DesiredSchedule } from './compile';
export { reconcile, type Outcome, type ReconcileOptions, type ReconcileResult, type Verify } from './reconcile';
export { declaredSpecKey, observedSpecKey } from './spec-match';
