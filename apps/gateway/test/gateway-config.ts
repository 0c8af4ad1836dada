import type { TestContext } from '@fleet/tools-infra/testing';
import { loadConfig } from '../src/config';

/** A gateway's configuration for a test: its namespace, a free port; `extra` on top. */
export function testGatewayConfig(ctx: Pick<TestContext, 'temporal'> | { temporal: { address: string; namespace?: string } }, extra: Record<string, string> = {}) {
  return loadConfig({
    TEMPORAL_ADDRESS: ctx.temporal.address,
    ...(ctx.temporal.namespace ? { TEMPORAL_NAMESPACE: ctx.temporal.namespace } : {}),
    GATEWAY_PORT: '0',
    ...extra,
  });
}
