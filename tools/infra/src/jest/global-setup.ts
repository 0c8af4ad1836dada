import { rmSync } from 'node:fs';
import path from 'node:path';
import { buildAllBundles } from '../bundles';
import { startInfrastructure, type Infrastructure } from '../infrastructure';
import { fleetDir } from '../paths';
import { freePort } from '../ports';
import { TEST_ENV } from '../testing/env';

/**
 * Starts one real Temporal dev server, one real PostgreSQL and one real Pulsar for the whole run, on free ports,
 * and bundles every domain's workflows once. Test files isolate themselves with a namespace and a database
 * each (see createTestContext), so parallel files never collide.
 */
export default async function globalSetup(): Promise<void> {
  // A Jest run started by a test (the domain generator's test runs the generated domain's tests)
  // uses the infrastructure of the run it was started from, and bundles only its own workflows.
  const outerDir = process.env[TEST_ENV.dir];
  if (process.env[TEST_ENV.temporalAddress] && outerDir) {
    const nested = path.join(outerDir, 'nested', String(process.pid));
    process.env[TEST_ENV.bundles] = JSON.stringify(await buildAllBundles(path.join(nested, 'bundles')));
    process.env[TEST_ENV.nestedDir] = nested;
    return;
  }
  const dir = path.join(fleetDir, 'test', String(process.pid));
  rmSync(dir, { recursive: true, force: true });
  const [temporalPort, postgresPort, pulsarWebPort, pulsarBrokerPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const infra = await startInfrastructure({
    dir,
    temporalPort,
    persistent: false,
    postgresPort,
    databaseUrl: process.env.DATABASE_URL,
    // Durability settings off: the tests assert behaviour, not crash safety of the disk.
    postgresSettings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '200' },
    pulsar: { webPort: pulsarWebPort, brokerPort: pulsarBrokerPort },
  });
  // The tests need a real broker: no Java is a failure here, not a fallback.
  if (!infra.pulsar) {
    await infra.stop();
    throw new Error(`the tests need Pulsar: ${infra.pulsarUnavailable ?? 'not started'}`);
  }
  const bundles = await buildAllBundles(path.join(dir, 'bundles'));
  process.env[TEST_ENV.temporalAddress] = infra.temporal.address;
  process.env[TEST_ENV.databaseUrl] = infra.postgres.url;
  process.env[TEST_ENV.bundles] = JSON.stringify(bundles);
  process.env[TEST_ENV.dir] = dir;
  process.env[TEST_ENV.pulsarWsUrl] = infra.pulsar.wsUrl;
  process.env[TEST_ENV.pulsarAdminUrl] = infra.pulsar.adminUrl;
  (globalThis as { __fleetInfra?: Infrastructure }).__fleetInfra = infra;
}
