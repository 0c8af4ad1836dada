import { appNodeArgs, repoRoot, spawnManaged, testEnv, workerTestEnv, type ManagedProcess, type TestContext } from '@fleet/tools-infra/testing';
import path from 'node:path';

/**
 * The license worker as its own process on the test's namespace and database (the gateway reaches
 * it only through Temporal); `env` on top. Like every test worker it keeps no schedules unless
 * `env` names a SCHEDULE_FILE.
 */
export function startLicenseWorkerProcess(ctx: TestContext, name: string, env: Record<string, string> = {}): { process: ManagedProcess; logFile: string } {
  const logFile = path.join(testEnv('dir'), 'logs', `${name}-license-worker.log`);
  const process_ = spawnManaged({
    name: 'license-worker',
    command: process.execPath,
    args: [...appNodeArgs(), path.join(repoRoot, 'apps/license-worker/src/main.ts')],
    cwd: repoRoot,
    env: { ...process.env, ...workerTestEnv(ctx), WORKFLOW_BUNDLE: ctx.bundle('license-worker'), ...env },
    logFile,
  });
  return { process: process_, logFile };
}
