import { createTestContext, type TestContext } from '@fleet/tools-infra/testing';
import { z } from 'zod';
import { parseDeclarations, reconcile, scheduleIdOf } from '../src';

// What Temporal (server 1.29) does with a daily cron across a DST change, as the README documents:
// a local time that does not exist (spring forward) is skipped that day; a local time that happens
// twice (fall back) runs twice. Declare a time outside 01:00-03:00, or UTC, to avoid both.
let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext('schedules-dst');
});
afterAll(() => ctx.close());

async function nextRuns(id: string, cron: string, startAt: string): Promise<string[]> {
  const declarations = parseDeclarations(
    [
      {
        file: 'dst.yaml',
        text: `project: dst\nworkflows:\n  - id: ${id}\n    type: w\n    task_queue: q\n    schedule: { cron: "${cron}", timezone: America/New_York, start_at: "${startAt}" }\n`,
      },
    ],
    { w: z.object({}).strict() },
  );
  await reconcile({ client: ctx.client, declarations, projects: ['dst'] });
  const description = await ctx.client.schedule.getHandle(scheduleIdOf('dst', id)).describe();
  return description.info.nextActionTimes.slice(0, 4).map((t) => t.toISOString());
}

it('spring forward: 02:30 does not exist on 2027-03-14 in New York, so that day has no run', async () => {
  expect(await nextRuns('spring', '30 2 * * *', '2027-03-12T00:00:00Z')).toEqual([
    '2027-03-12T07:30:00.000Z',
    '2027-03-13T07:30:00.000Z',
    '2027-03-15T06:30:00.000Z',
    '2027-03-16T06:30:00.000Z',
  ]);
});

it('fall back: 01:30 happens twice on 2027-11-07 in New York, and runs twice', async () => {
  expect(await nextRuns('fall', '30 1 * * *', '2027-11-05T00:00:00Z')).toEqual([
    '2027-11-05T05:30:00.000Z',
    '2027-11-06T05:30:00.000Z',
    '2027-11-07T05:30:00.000Z',
    '2027-11-07T06:30:00.000Z',
  ]);
});
