export { createTestContext, type TestContext } from './context';
export { testEnv, TEST_ENV } from './env';
export { waitFor } from './wait';
