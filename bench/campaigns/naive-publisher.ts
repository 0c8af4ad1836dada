/**
 * The naive publisher, for comparison (the seed's design, as listmonk/Mautic-style senders do it):
 * one activity publishes a campaign on every channel in one go (the three creates at once),
 * straight to the platforms' HTTP APIs with fetch, no limiter, no lookup before a create,
 * Temporal's default retry policy. A 429 or any error on one channel fails the whole activity, and the retry creates again what the
 * failed attempt had already created: the platforms take no idempotency keys, so that is a
 * duplicate. Run as its own process (a worker on its own task queue):
 *
 *   node --import tsx bench/campaigns/naive-publisher.ts   (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, CHANNELS_URL, NAIVE_ACCOUNT)
 */
import { createLogger } from '@fleet/shared-observability';
import { installRuntime, runWorker } from '@fleet/shared-temporal';

export const NAIVE_TASK_QUEUE = 'campaigns-naive';

export interface NaivePublishInput {
  /** The campaign's reference; each channel's object carries `<reference>:<channel>:1`. */
  reference: string;
  headline: string;
  body: string;
  budget: number;
}

export interface NaiveActivities {
  publishAllChannels(input: NaivePublishInput): Promise<{ externalIds: string[] }>;
}

/** The simulator's three platforms, one create each, in a row. */
export function createNaiveActivities(baseUrl: string, account: string): NaiveActivities {
  const post = async (what: string, url: string, body: unknown, idOf: (r: Response, json: Record<string, unknown>) => string | undefined): Promise<string> => {
    const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const json = (await r.json().catch(() => ({}))) as Record<string, unknown>;
    const id = r.ok ? idOf(r, json) : undefined;
    if (!id) throw new Error(`${what}: ${r.status} ${JSON.stringify(json).slice(0, 200)}`);
    return id;
  };
  return {
    async publishAllChannels(p) {
      const ref = (channel: string) => `${p.reference}:${channel}:1`;
      // All channels in one go: any refusal fails the attempt, and the retry creates every channel again.
      const [google, meta, linkedin] = await Promise.all([
        post(
          'google mutate',
          `${baseUrl}/google-ads/v1/customers/${account}/campaigns:mutate`,
          { operations: [{ create: { name: `${p.headline} (${ref('google')})`, externalReference: ref('google'), status: 'ENABLED', budgetAmountMicros: Math.round(p.budget * 1_000_000) } }], partialFailure: false },
          (_r, j) => ((j.results ?? []) as { resourceName?: string }[])[0]?.resourceName,
        ),
        post(
          'meta create',
          `${baseUrl}/meta/v1/act_${account}/campaigns`,
          { name: `${p.headline} (${ref('meta')})`, external_reference: ref('meta'), objective: 'OUTCOME_TRAFFIC', status: 'ACTIVE', daily_budget: Math.max(100, Math.round(p.budget * 100)) },
          (_r, j) => (j.id === undefined ? undefined : String(j.id)),
        ),
        post(
          'linkedin create',
          `${baseUrl}/linkedin/v1/posts`,
          { author: `urn:li:organization:${account}`, commentary: `${p.headline}\n\n${p.body}`, externalReference: ref('linkedin'), visibility: 'PUBLIC', lifecycleState: 'PUBLISHED' },
          (r) => r.headers.get('x-restli-id') ?? undefined,
        ),
      ]);
      return { externalIds: [google, meta, linkedin] };
    },
  };
}

async function main(): Promise<void> {
  const logger = createLogger('campaigns-naive-publisher', 'warn');
  installRuntime(logger);
  const worker = await runWorker({
    target: { address: process.env.TEMPORAL_ADDRESS ?? '', namespace: process.env.TEMPORAL_NAMESPACE ?? 'default' },
    taskQueue: NAIVE_TASK_QUEUE,
    workflows: { workflowsPath: require.resolve('./naive-workflow') },
    activities: createNaiveActivities(process.env.CHANNELS_URL ?? '', process.env.NAIVE_ACCOUNT ?? 'naive'),
    logger,
  });
  await worker.done;
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
