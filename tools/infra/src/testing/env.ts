/** Variables the Jest global setup hands to every test file. */
export const TEST_ENV = {
  temporalAddress: 'FLEET_TEST_TEMPORAL_ADDRESS',
  databaseUrl: 'FLEET_TEST_DATABASE_URL',
  /** JSON: each worker app's pre-built workflow bundle, keyed by app (`license-worker`). */
  bundles: 'FLEET_TEST_BUNDLES',
  dir: 'FLEET_TEST_DIR',
  /** Set in a Jest run started by a test: its own folder inside the outer run's. */
  nestedDir: 'FLEET_TEST_NESTED_DIR',
  pulsarWsUrl: 'FLEET_TEST_PULSAR_WS_URL',
  pulsarAdminUrl: 'FLEET_TEST_PULSAR_ADMIN_URL',
} as const;

export function testEnv(name: keyof typeof TEST_ENV): string {
  const value = process.env[TEST_ENV[name]];
  if (!value) throw new Error(`${TEST_ENV[name]} is not set: run tests through Jest, whose global setup starts the infrastructure`);
  return value;
}

/** The pre-built workflow bundle of a worker app (`license-worker`), built once by the Jest global setup. */
export function testBundle(workerApp: string): string {
  const bundles = JSON.parse(testEnv('bundles')) as Record<string, string>;
  const bundle = bundles[workerApp];
  if (!bundle) throw new Error(`no workflow bundle was built for ${workerApp}: is it a domain's worker app (tagged scope:<domain>)?`);
  return bundle;
}
