import { createDb, withTryAdvisoryLock } from '@fleet/shared-db';
import { createTestContext, type TestContext } from '@fleet/tools-infra/testing';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext('reconcile-lock');
});
afterAll(() => ctx.close());

it('one gateway at a time reconciles: a second finds the lock taken and skips its round', async () => {
  const [a, b] = [createDb(ctx.databaseUrl), createDb(ctx.databaseUrl)];
  try {
    let release!: () => void;
    const holding = new Promise<void>((r) => (release = r));
    const first = withTryAdvisoryLock(a, 42, async () => {
      await holding;
      return 'first';
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(await withTryAdvisoryLock(b, 42, async () => 'second')).toBeUndefined();
    release();
    expect(await first).toBe('first');
    expect(await withTryAdvisoryLock(b, 42, async () => 'second')).toBe('second');
  } finally {
    await Promise.all([a.destroy(), b.destroy()]);
  }
});
