/**
 * The servers notifications go through, for a test file of their own: Mailpit (real SMTP, its REST
 * API and chaos switch) and the SMS/push simulator (apps/notify-sim, started as its own process, as
 * `npm start` runs it). Both on free ports of 127.0.0.1, their logs under the test run's folder.
 */
import path from 'node:path';
import { startMailpit, type MailpitServer } from '../mailpit';
import { appNodeArgs, spawnManaged } from '../managed-process';
import { repoRoot } from '../paths';
import { freePort, waitForPort } from '../ports';
import { testEnv } from './env';
import { MailpitClient } from './mailpit';

export interface TestMailpit {
  server: MailpitServer;
  api: MailpitClient;
  smtp: { host: string; port: number };
  stop(): Promise<void>;
}

/** Mailpit on free ports, with a fresh database (the first start of a machine builds it: minutes). */
export async function startTestMailpit(name: string): Promise<TestMailpit> {
  const dir = path.join(testEnv('dir'), `mailpit-${name}-${process.pid}`);
  const server = await startMailpit({ dir, smtpPort: await freePort(), httpPort: await freePort(), logFile: path.join(dir, 'mailpit.log') });
  return { server, api: new MailpitClient(server.apiUrl), smtp: { host: server.smtpHost, port: server.smtpPort }, stop: () => server.stop() };
}

/** A message as the simulator's admin API lists it. */
export interface NotifySimMessage {
  id: string;
  channel: 'sms' | 'push';
  to: string;
  body: string;
  reference: string;
  status: 'accepted' | 'delivered' | 'failed';
  acceptedAt: string;
}

/** The simulator's faults (see apps/notify-sim/src/faults.ts); each call replaces the whole set. */
export interface NotifySimFaults {
  refuse?: { status: 400 | 403 | 429 | 500 | 503; probability: number; retryAfterSeconds?: number };
  latencyMs?: number;
  failDelivery?: { probability: number; reason: string };
  invalidRecipients?: string[];
}

export interface NotifySimStats {
  messages: number;
  duplicateReferences: number;
  refused: Record<string, number>;
}

export interface TestNotifySim {
  url: string;
  messages(): Promise<NotifySimMessage[]>;
  setFaults(faults: NotifySimFaults): Promise<void>;
  clearMessages(): Promise<void>;
  stats(): Promise<NotifySimStats>;
  stop(): Promise<void>;
}

/** apps/notify-sim as its own process on a free port (quick deliveries), and its admin API. */
export async function startTestNotifySim(name: string): Promise<TestNotifySim> {
  const port = await freePort();
  const dir = path.join(testEnv('dir'), `notify-sim-${name}-${process.pid}`);
  const process_ = spawnManaged({
    name: 'notify-sim',
    command: process.execPath,
    args: [...appNodeArgs(), path.join(repoRoot, 'apps', 'notify-sim', 'src', 'main.ts')],
    cwd: repoRoot,
    env: { ...process.env, NOTIFY_SIM_PORT: String(port), NOTIFY_SIM_HOST: '127.0.0.1', NOTIFY_SIM_DELIVERY_DELAY_MS: '20', LOG_LEVEL: 'warn' },
    logFile: path.join(dir, 'notify-sim.log'),
  });
  try {
    await waitForPort(port, 60_000);
  } catch (err) {
    await process_.stop();
    throw new Error(`notify-sim did not listen on ${port}; see ${path.join(dir, 'notify-sim.log')}`, { cause: err });
  }
  const url = `http://127.0.0.1:${port}`;
  const call = async (method: string, route: string, body?: unknown) => {
    const res = await fetch(`${url}${route}`, { method, headers: body === undefined ? undefined : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!res.ok) throw new Error(`notify-sim ${method} ${route}: ${res.status} ${await res.text()}`);
    return res;
  };
  return {
    url,
    messages: async () => (await (await call('GET', '/admin/messages')).json()) as NotifySimMessage[],
    setFaults: async (faults) => void (await call('PUT', '/admin/faults', faults)),
    clearMessages: async () => void (await call('DELETE', '/admin/messages')),
    stats: async () => (await (await call('GET', '/admin/stats')).json()) as NotifySimStats,
    stop: () => process_.stop(),
  };
}
