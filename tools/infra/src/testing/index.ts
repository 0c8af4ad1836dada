export { createTestContext, workerTestEnv, type TestContext } from './context';
export { testEnv, testBundle, TEST_ENV } from './env';
export { waitFor } from './wait';
export { spawnManaged, appNodeArgs, tsxLoaderArgs, type ManagedProcess } from '../managed-process';
export { repoRoot } from '../paths';
export { freePort } from '../ports';
export { recordHistory, recordedHistories, replayHistory } from './histories';
export { MailpitClient, type MailpitMessage, type ChaosTrigger, type ChaosTriggers, type MessageIdCount } from './mailpit';
export { timeSkippingEnv, resolveTimeSkippingServer, TEMPORAL_TEST_SERVER_VERSION } from '../temporal-test-server';
