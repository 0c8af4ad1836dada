/**
 * The load generator of the schedules benchmark, run as its own process:
 * `node schedules-load.ts <baseUrl> <token> <requests> <concurrency> <workflowId>` prints JSON latencies.
 */
import { forEachLimited } from '@fleet/shared-limits';

const [base, token, requestsArg, concurrencyArg, workflowId] = process.argv.slice(2);
const requests = Number(requestsArg);
const concurrency = Number(concurrencyArg);

/**
 * Latencies of n requests, `limit` at a time, after `warmup` more that are not counted: the first
 * requests of each kind pay for the gateway's JIT and first connections (their slowest is reported
 * as `warmupMax`, apart from the steady figures).
 */
async function measure(
  name: string,
  n: number,
  once: (i: number) => Promise<Response>,
  limit = concurrency,
  warmup = Math.min(20, Math.ceil(n / 10)),
): Promise<{ name: string; n: number; p50: number; p99: number; max: number; errors: number; warmup: number; warmupMax: number }> {
  const times: number[] = [];
  let warmupMax = 0;
  let errors = 0;
  await forEachLimited(Array.from({ length: warmup + n }, (_, i) => i), limit, Infinity, async (i) => {
    const started = performance.now();
    const res = await once(i);
    await res.arrayBuffer();
    const took = performance.now() - started;
    if (i < warmup) warmupMax = Math.max(warmupMax, took);
    else times.push(took);
    if (!res.ok) errors += 1;
  });
  times.sort((a, b) => a - b);
  const at = (p: number) => Number((times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))] ?? 0).toFixed(1));
  return { name, n, p50: at(50), p99: at(99), max: at(100), errors, warmup, warmupMax: Number(warmupMax.toFixed(1)) };
}

async function main(): Promise<void> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const one = `${base}/api/v0/schedules/${workflowId}`;
  const results = [
    await measure('get one', requests, () => fetch(one, { headers })),
    await measure('update one', requests, (i) => fetch(`${base}/api/v0/schedules/job-${i % 500}`, { method: 'PUT', headers, body: JSON.stringify({ enabled: i % 2 === 1 }) })),
    // The median of one listing at a time (the target), then 4 at a time (what concurrent clients see).
    await measure('list all, one at a time', Math.max(11, Math.floor(requests / 25)), () => fetch(`${base}/api/v0/schedules`, { headers }), 1),
    await measure('list all', Math.max(5, Math.floor(requests / 100)), () => fetch(`${base}/api/v0/schedules`, { headers })),
  ];
  console.log(JSON.stringify(results));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
