import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startNotifySim, type NotifySim, type NotifySimOptions, type SimMessage } from '../src';

interface Callback {
  id: string;
  reference: string;
  status: 'delivered' | 'failed';
  reason?: string;
}

/** A real receiver, as the ticketing worker will run: it answers `failFirst` callbacks with 500 first. */
async function startReceiver(failFirst = 0) {
  const received: Callback[] = [];
  let calls = 0;
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      if (++calls <= failFirst) return void res.writeHead(500).end();
      received.push(JSON.parse(text) as Callback);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callbacks`;
  return { url, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
});

async function setup(options: NotifySimOptions = {}, failFirst = 0) {
  const sim: NotifySim = await startNotifySim({ deliveryDelayMs: 20, callbackBackoffMs: 20, ...options });
  cleanup.push(() => sim.close());
  const receiver = await startReceiver(failFirst);
  cleanup.push(receiver.close);
  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${sim.url}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const send = (extra: Record<string, unknown> = {}) =>
    call('POST', '/v1/messages', { channel: 'sms', to: '+5511999990000', body: 'Ticket 42 escalated', reference: 'notif-1', callbackUrl: receiver.url, ...extra });
  const messages = async () => (await (await call('GET', '/admin/messages')).json()) as SimMessage[];
  return { sim, receiver, call, send, messages };
}

async function until<T>(check: () => Promise<T | undefined> | T | undefined, ms = 3000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('notify-sim', () => {
  it('binds 127.0.0.1 by default', async () => {
    const { sim } = await setup();
    expect(sim.url).toBe(`http://127.0.0.1:${sim.port}`);
  });

  it('accepts a message and posts a delivered callback, retrying a failing receiver', async () => {
    const { send, receiver, messages } = await setup({}, 2);
    const res = await send();
    expect(res.status).toBe(202);
    const { id, status } = (await res.json()) as { id: string; status: string };
    expect(status).toBe('accepted');
    const callback = await until(() => receiver.received[0]);
    expect(callback).toEqual({ id, reference: 'notif-1', status: 'delivered' });
    // The receiver has the callback a moment before the sim sees its answer.
    const message = await until(async () => (await messages()).find((m) => m.callback !== 'pending'));
    expect(message).toMatchObject({ id, status: 'delivered', callback: 'sent' });
    expect(message?.callbackAttempts.map((a) => a.status)).toEqual([500, 500, 204]);
  });

  it('answers 400 naming each invalid field', async () => {
    const { call } = await setup();
    const res = await call('POST', '/v1/messages', { channel: 'fax', body: '' });
    expect(res.status).toBe(400);
    const { issues } = (await res.json()) as { issues: { field: string }[] };
    expect(issues.map((i) => i.field).sort()).toEqual(['body', 'channel', 'reference', 'to']);
  });

  it('refuses an invalid recipient permanently (400), and transiently with 503 or 429 and Retry-After', async () => {
    const { call, send, messages } = await setup();
    await call('PUT', '/admin/faults', { invalidRecipients: ['+5500000000000'] });
    const invalid = await send({ to: '+5500000000000' });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ error: 'invalid recipient' });
    expect((await send()).status).toBe(202);

    await call('PUT', '/admin/faults', { refuse: { status: 503, probability: 1 } });
    expect((await send()).status).toBe(503);
    await call('PUT', '/admin/faults', { refuse: { status: 429, probability: 1, retryAfterSeconds: 7 } });
    const limited = await send();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');

    // Refusals are not messages: only the one accepted send is recorded.
    expect(await messages()).toHaveLength(1);
    const stats = (await (await call('GET', '/admin/stats')).json()) as { refused: Record<string, number> };
    expect(stats.refused).toEqual({ 'invalid recipient': 1, '503': 1, '429': 1 });
  });

  it('reports a failed delivery in the callback', async () => {
    const { call, send, receiver, messages } = await setup();
    await call('PUT', '/admin/faults', { failDelivery: { probability: 1, reason: 'handset unreachable' } });
    const { id } = (await (await send()).json()) as { id: string };
    expect(await until(() => receiver.received[0])).toEqual({ id, reference: 'notif-1', status: 'failed', reason: 'handset unreachable' });
    expect((await messages())[0]).toMatchObject({ status: 'failed', reason: 'handset unreachable' });
  });

  it('records a repeated reference as another message (no idempotency key), and clears on DELETE', async () => {
    const { call, send, receiver, messages } = await setup();
    const first = (await (await send()).json()) as { id: string };
    const second = (await (await send()).json()) as { id: string };
    expect(second.id).not.toBe(first.id);
    await until(() => (receiver.received.length === 2 ? true : undefined));
    expect((await messages()).map((m) => m.reference)).toEqual(['notif-1', 'notif-1']);
    const stats = (await (await call('GET', '/admin/stats')).json()) as { messages: number; duplicateReferences: number; delivered: number };
    expect(stats).toMatchObject({ messages: 2, delivered: 2, duplicateReferences: 1 });
    expect((await call('DELETE', '/admin/messages')).status).toBe(204);
    expect(await messages()).toEqual([]);
  });

  it('draws faults from the seed, so a run replays', async () => {
    const outcomes = async () => {
      const { call, send } = await setup({ seed: 42 });
      await call('PUT', '/admin/faults', { refuse: { status: 500, probability: 0.5 } });
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) statuses.push((await send({ callbackUrl: undefined })).status);
      return statuses;
    };
    const a = await outcomes();
    expect(await outcomes()).toEqual(a);
    expect(new Set(a)).toEqual(new Set([202, 500]));
  });
});
