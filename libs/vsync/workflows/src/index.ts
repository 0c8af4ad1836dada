// The workflow bundle's entry point: every workflow the vsync worker runs.
export { vsyncVerificationWorkflow } from './vsync-verification.workflow';
export { vsyncReconciliationWorkflow } from './vsync-reconciliation.workflow';
