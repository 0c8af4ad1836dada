import { rmSync } from 'node:fs';
import type { Infrastructure } from '../infrastructure';
import { TEST_ENV } from '../testing/env';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __fleetInfra?: Infrastructure }).__fleetInfra?.stop();
  // A nested run leaves the infrastructure and folder of the run it was started from alone.
  const dir = process.env[TEST_ENV.nestedDir] ?? process.env[TEST_ENV.dir];
  if (dir) rmSync(dir, { recursive: true, force: true });
}
