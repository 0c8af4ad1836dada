import { FLEET_TENANT } from '@fleet/shared-event-contracts';

async function put(url: string, body?: unknown): Promise<void> {
  const res = await fetch(url, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // 409: it exists already, which is what we want.
  if (!res.ok && res.status !== 409) throw new Error(`PUT ${url} answered ${res.status}: ${await res.text()}`);
}

/** Creates the tenant (`fleet` by default) and a namespace per domain, idempotently, through the admin API. */
export async function ensureEventNamespaces(adminUrl: string, domains: string[], tenant: string = FLEET_TENANT): Promise<void> {
  const clusters = await fetch(`${adminUrl}/admin/v2/clusters`);
  if (!clusters.ok) throw new Error(`GET ${adminUrl}/admin/v2/clusters answered ${clusters.status}`);
  await put(`${adminUrl}/admin/v2/tenants/${tenant}`, { allowedClusters: (await clusters.json()) as string[], adminRoles: [] });
  for (const domain of domains) await put(`${adminUrl}/admin/v2/namespaces/${tenant}/${domain}`);
}

/** Creates a (non-partitioned) topic, idempotently. */
export async function ensureTopic(adminUrl: string, topic: string): Promise<void> {
  await put(`${adminUrl}/admin/v2/${topic.replace('://', '/')}`);
}

/** Creates a durable subscription at the topic's start, idempotently, so no message published after this is missed. */
export async function ensureSubscription(adminUrl: string, topic: string, subscription: string): Promise<void> {
  await ensureTopic(adminUrl, topic);
  await put(`${adminUrl}/admin/v2/${topic.replace('://', '/')}/subscription/${encodeURIComponent(subscription)}`, {
    ledgerId: -1,
    entryId: -1,
    partitionIndex: -1,
  });
}
