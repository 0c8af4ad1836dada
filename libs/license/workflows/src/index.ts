// The workflow bundle's entry point: every workflow the license worker runs.
export { licenseDeactivationWorkflow } from './license-deactivation.workflow';
export { licenseRenewalRemindersWorkflow } from './license-renewal-reminders.workflow';
export { licenseRenewalWorkflow } from './license-renewal.workflow';
