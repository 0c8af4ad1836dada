/** Variables the Jest global setup hands to every test file. */
export const TEST_ENV = {
  temporalAddress: 'FLEET_TEST_TEMPORAL_ADDRESS',
  databaseUrl: 'FLEET_TEST_DATABASE_URL',
  licenseBundle: 'FLEET_TEST_LICENSE_BUNDLE',
  vsyncBundle: 'FLEET_TEST_VSYNC_BUNDLE',
  dir: 'FLEET_TEST_DIR',
  pulsarWsUrl: 'FLEET_TEST_PULSAR_WS_URL',
  pulsarAdminUrl: 'FLEET_TEST_PULSAR_ADMIN_URL',
} as const;

export function testEnv(name: keyof typeof TEST_ENV): string {
  const value = process.env[TEST_ENV[name]];
  if (!value) throw new Error(`${TEST_ENV[name]} is not set: run tests through Jest, whose global setup starts the infrastructure`);
  return value;
}
