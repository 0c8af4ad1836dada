import { appNodeArgs, repoRoot, spawnManaged, testEnv, workerTestEnv, type ManagedProcess, type TestContext } from '@fleet/tools-infra/testing';
import path from 'node:path';

/**
 * The campaign worker as its own process on the test's namespace and database (the gateway
 * reaches it only through Temporal; it migrates its database before it polls); `env` on top: the
 * platforms (CHANNELS_URL), the LLM (LLM_BASE_URL, LLM_MODEL), SMTP.
 */
export function startCampaignWorkerProcess(ctx: TestContext, name: string, env: Record<string, string> = {}): { process: ManagedProcess; logFile: string } {
  const logFile = path.join(testEnv('dir'), 'logs', `${name}-campaign-worker.log`);
  const process_ = spawnManaged({
    name: 'campaign-worker',
    command: process.execPath,
    args: [...appNodeArgs(), path.join(repoRoot, 'apps/campaign-worker/src/main.ts')],
    cwd: repoRoot,
    env: { ...process.env, ...workerTestEnv(ctx), WORKFLOW_BUNDLE: ctx.bundle('campaign-worker'), ...env },
    logFile,
  });
  return { process: process_, logFile };
}
