export * from '@fleet/shared-event-contracts';
export { eventsMigrations } from './migrations';
export { createOutbox, type NewEvent, type Outbox } from './outbox';
export { startOutboxRelay, type OutboxRelay, type OutboxRelayOptions, type RelayStats } from './relay';
export { consumeEvents, type ConsumeOptions, type RunningConsumer } from './consumer';
export { PulsarProducer, PulsarConsumer, topicPath, type IncomingMessage, type OutgoingMessage, type SubscriptionType } from './pulsar-ws';
export { ensureEventNamespaces, ensureSubscription, ensureTopic } from './admin';
export { startWorkerRelay, type WorkerRelayConfig } from './worker-relay';
