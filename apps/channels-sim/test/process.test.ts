import { startTestChannelsSim, type TestChannelsSim } from '@fleet/tools-infra/testing';

// The simulator as npm start runs it: its own process, configured from the environment.
describe('channels-sim as its own process', () => {
  let sim: TestChannelsSim;
  beforeAll(async () => {
    sim = await startTestChannelsSim('process', { quotas: { linkedin: { ratePerSecond: 0.2, burst: 1 } }, sites: ['env-site.example'] });
  });
  afterAll(() => sim?.stop());

  it('takes its quotas and sites from the environment, and its admin API answers', async () => {
    const create = () =>
      fetch(`${sim.url}/linkedin/v1/posts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ author: 'urn:li:organization:1', commentary: 'hi', externalReference: 'p1' }),
      });
    expect((await create()).status).toBe(201);
    const limited = await create();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(4);
    expect((await fetch(`${sim.url}/sites/env-site.example/`)).status).toBe(200);

    expect(await sim.objects({ channel: 'linkedin' })).toEqual([expect.objectContaining({ externalReference: 'p1', account: '1' })]);
    expect((await sim.stats()).channels.linkedin?.['1']).toMatchObject({ calls: 2, creates: 1, throttled: 1 });
    await sim.setQuota('linkedin', { ratePerSecond: 100 });
    await sim.addFault({ kind: 'error500', channel: 'linkedin', count: 1 });
    expect((await create()).status).toBe(500);
    expect((await create()).status).toBe(201);
    await sim.reset();
    expect(await sim.objects()).toEqual([]);
  });
});
