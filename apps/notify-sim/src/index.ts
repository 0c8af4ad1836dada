export { startNotifySim, type NotifySim, type NotifySimOptions, type SimMessage, type CallbackAttempt } from './sim';
export { faultsSchema, type Faults } from './faults';
