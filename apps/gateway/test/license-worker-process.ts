import { appNodeArgs, repoRoot, spawnManaged, testEnv, type ManagedProcess, type TestContext } from '@fleet/tools-infra/testing';
import path from 'node:path';

/** The license worker as its own process on the test's namespace and database: the gateway reaches it only through Temporal. */
export function startLicenseWorkerProcess(ctx: TestContext, name: string): ManagedProcess {
  return spawnManaged({
    name: 'license-worker',
    command: process.execPath,
    args: [...appNodeArgs(), path.join(repoRoot, 'apps/license-worker/src/main.ts')],
    cwd: repoRoot,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: ctx.temporal.address,
      TEMPORAL_NAMESPACE: ctx.temporal.namespace,
      DATABASE_URL: ctx.databaseUrl,
      WORKFLOW_BUNDLE: ctx.bundle('license-worker'),
      METRICS_PORT: '0',
    },
    logFile: path.join(testEnv('dir'), 'logs', `${name}-license-worker.log`),
  });
}
