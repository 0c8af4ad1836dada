import { repoRoot, type TestContext } from '@fleet/tools-infra/testing';
import path from 'node:path';
import { loadConfig } from '../src/config';

/** The license worker's declarations: gateway tests do not depend on other apps' schedules coming and going. */
export const LICENSE_WORKFLOWS_FILE = path.join(repoRoot, 'apps/license-worker/workflows.yaml');

/** A gateway's configuration for a test: its namespace, a free port, no periodic reconcile; `extra` on top. */
export function testGatewayConfig(ctx: Pick<TestContext, 'temporal'> | { temporal: { address: string; namespace?: string } }, extra: Record<string, string> = {}) {
  return loadConfig({
    TEMPORAL_ADDRESS: ctx.temporal.address,
    ...(ctx.temporal.namespace ? { TEMPORAL_NAMESPACE: ctx.temporal.namespace } : {}),
    GATEWAY_PORT: '0',
    SCHEDULE_RECONCILE_INTERVAL_MS: '0',
    SCHEDULE_FILES: LICENSE_WORKFLOWS_FILE,
    ...extra,
  });
}
