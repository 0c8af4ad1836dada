import { appNodeArgs, repoRoot, spawnManaged, testEnv, workerTestEnv, type ManagedProcess, type TestContext } from '@fleet/tools-infra/testing';
import path from 'node:path';

/**
 * The ticketing worker as its own process on the test's namespace and database (the gateway
 * reaches it only through Temporal); `env` on top. It registers the ticket search attributes in
 * the namespace before it polls, so an answered Update means they exist.
 */
export function startTicketingWorkerProcess(ctx: TestContext, name: string, env: Record<string, string> = {}): { process: ManagedProcess; logFile: string } {
  const logFile = path.join(testEnv('dir'), 'logs', `${name}-ticketing-worker.log`);
  const process_ = spawnManaged({
    name: 'ticketing-worker',
    command: process.execPath,
    args: [...appNodeArgs(), path.join(repoRoot, 'apps/ticketing-worker/src/main.ts')],
    cwd: repoRoot,
    env: { ...process.env, ...workerTestEnv(ctx), WORKFLOW_BUNDLE: ctx.bundle('ticketing-worker'), ...env },
    logFile,
  });
  return { process: process_, logFile };
}
