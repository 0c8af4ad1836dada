export {
  parseDeclarations,
  parseDeclarationSet,
  loadDeclarationSet,
  declarationFileName,
  declaredProject,
  DeclarationError,
  OVERLAP_POLICIES,
  type ScheduleDeclaration,
  type DeclarationProblem,
  type DeclarationRules,
  type DeclarationSet,
  type InputSchemas,
  type OverlapPolicyName,
} from './declarations';
export { parseCron, type CronSpec } from './cron';
export { parseDuration } from './durations';
export {
  compileSchedule,
  declarationHash,
  declarationMemo,
  declarationFromMemo,
  declarationHashInMemo,
  ownerOf,
  scheduleIdOf,
  managedNote,
  withDeclaration,
  declarationInNote,
  OWNER_MEMO_KEY,
  DECLARATION_MEMO_KEY,
  OVERRIDE_NOTE_PREFIX,
  MANAGED_NOTE_PREFIX,
  ORPHAN_NOTE,
  DEFAULT_CATCHUP_WINDOW_MS,
  MAX_DECLARATION_MEMO_BYTES,
  type DeclarationMemo,
  type DesiredSchedule,
} from './compile';
export { plan, decideFromDescription, decideFromListing, type Observed, type PlanOptions, type Step, type StepAction, type Verify } from './plan';
export { apply, planned, TemporalCalls, type ApplyResult, type CallKind, type CallOptions, type Outcome } from './apply';
export { reconcile, type ReconcileOptions, type ReconcileResult } from './reconcile';
export { declaredSpecKey, observedSpecKey } from './spec-match';
