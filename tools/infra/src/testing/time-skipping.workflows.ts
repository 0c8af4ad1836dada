/**
 * Workflows of the time-skipping test server's own test (tools/infra/src/temporal-test-server.test.ts).
 * Workflow code: no Node built-ins, no IO.
 */
import { condition, defineQuery, defineSignal, setHandler, sleep } from '@temporalio/workflow';

/** Sleeps three days of workflow time and reports how much time passed. */
export async function sleepThreeDays(): Promise<number> {
  const started = Date.now();
  await sleep('3 days');
  return Date.now() - started;
}

export const release = defineSignal('release');
/** Whether the workflow waits for `release` (its timer is set). */
export const waiting = defineQuery<boolean>('waiting');

/** Waits for `release` at most two days: true if it came, false if the timer ran out. */
export async function waitTwoDaysForRelease(): Promise<{ released: boolean; waitedMs: number }> {
  let released = false;
  setHandler(release, () => {
    released = true;
  });
  setHandler(waiting, () => true);
  const started = Date.now();
  const came = await condition(() => released, '2 days');
  return { released: came, waitedMs: Date.now() - started };
}
