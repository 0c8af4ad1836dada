import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from '@fleet/shared-observability';
import { z } from 'zod';
import { faultsSchema, type Faults } from './faults';
import { seededRandom } from '@fleet/shared-random';

const sendBody = z.strictObject({
  channel: z.enum(['sms', 'push']),
  to: z.string().min(1),
  body: z.string().min(1),
  reference: z.string().min(1),
  callbackUrl: z.url().optional(),
});

export interface CallbackAttempt {
  at: string;
  /** The receiver's HTTP status, or the network error when there was none. */
  status?: number;
  error?: string;
}

export interface SimMessage {
  id: string;
  channel: 'sms' | 'push';
  to: string;
  body: string;
  reference: string;
  callbackUrl?: string;
  status: 'accepted' | 'delivered' | 'failed';
  reason?: string;
  acceptedAt: string;
  /** 'none' without a callbackUrl; 'failed' once every retry was refused. */
  callback: 'none' | 'pending' | 'sent' | 'failed';
  callbackAttempts: CallbackAttempt[];
}

export interface NotifySimOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  seed?: number;
  /** Time between accepting a message and its delivery callback. */
  deliveryDelayMs?: number;
  /** Callback attempts in all, the n-th retry waiting callbackBackoffMs * 2^(n-1). */
  callbackAttempts?: number;
  callbackBackoffMs?: number;
  faults?: Faults;
  logger?: Logger;
}

export interface NotifySim {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startNotifySim(options: NotifySimOptions = {}): Promise<NotifySim> {
  const { host = '127.0.0.1', port = 0, deliveryDelayMs = 100, callbackAttempts = 4, callbackBackoffMs = 100, logger } = options;
  const random = seededRandom(options.seed ?? 1);
  let faults: Faults = options.faults ?? {};
  const messages: SimMessage[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const refused: Record<string, number> = {};
  let sequence = 0;
  let closing = false;

  const later = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  async function deliver(message: SimMessage): Promise<void> {
    await later(deliveryDelayMs);
    if (closing) return;
    const fail = faults.failDelivery && random() < faults.failDelivery.probability ? faults.failDelivery : undefined;
    message.status = fail ? 'failed' : 'delivered';
    if (fail) message.reason = fail.reason;
    if (!message.callbackUrl) return;
    const payload = { id: message.id, reference: message.reference, status: message.status, ...(fail ? { reason: fail.reason } : {}) };
    for (let attempt = 0; attempt < callbackAttempts && !closing; attempt++) {
      if (attempt > 0) await later(callbackBackoffMs * 2 ** (attempt - 1));
      const record: CallbackAttempt = { at: new Date().toISOString() };
      message.callbackAttempts.push(record);
      try {
        const res = await fetch(message.callbackUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(payload),
          signal: AbortSignal.timeout(2000),
        });
        record.status = res.status;
        if (res.ok) {
          message.callback = 'sent';
          return;
        }
      } catch (err) {
        record.error = err instanceof Error ? err.message : String(err);
      }
    }
    message.callback = 'failed';
    logger?.warn({ id: message.id, callbackUrl: message.callbackUrl }, 'delivery callback never accepted');
  }

  const app = express();
  app.use(express.json());

  app.post('/v1/messages', async (req: Request, res: Response) => {
    const parsed = sendBody.safeParse(req.body);
    if (!parsed.success) return void res.status(400).json(validationError(parsed.error));
    if (faults.latencyMs) await later(faults.latencyMs);
    const input = parsed.data;
    if (faults.invalidRecipients?.includes(input.to)) {
      refused['invalid recipient'] = (refused['invalid recipient'] ?? 0) + 1;
      return void res.status(400).json({ error: 'invalid recipient', to: input.to });
    }
    const refuse = faults.refuse;
    if (refuse && random() < refuse.probability) {
      refused[refuse.status] = (refused[refuse.status] ?? 0) + 1;
      if (refuse.retryAfterSeconds !== undefined) res.set('Retry-After', String(refuse.retryAfterSeconds));
      return void res.status(refuse.status).json({ error: `refused (fault ${refuse.status})` });
    }
    // No idempotency key, like real providers: a repeated reference is another message.
    const message: SimMessage = {
      id: `msg-${String(++sequence).padStart(6, '0')}`,
      ...input,
      status: 'accepted',
      acceptedAt: new Date().toISOString(),
      callback: input.callbackUrl ? 'pending' : 'none',
      callbackAttempts: [],
    };
    messages.push(message);
    void deliver(message).catch((err: unknown) => logger?.error({ err, id: message.id }, 'delivery failed'));
    res.status(202).json({ id: message.id, status: 'accepted' });
  });

  app.put('/admin/faults', (req: Request, res: Response) => {
    const parsed = faultsSchema.safeParse(req.body ?? {});
    if (!parsed.success) return void res.status(400).json(validationError(parsed.error));
    faults = parsed.data;
    res.json(faults);
  });
  app.get('/admin/faults', (_req: Request, res: Response) => void res.json(faults));
  app.get('/admin/messages', (_req: Request, res: Response) => void res.json(messages));
  app.delete('/admin/messages', (_req: Request, res: Response) => {
    messages.length = 0;
    res.status(204).end();
  });
  app.get('/admin/stats', (_req: Request, res: Response) => {
    const byReference = new Map<string, number>();
    for (const m of messages) byReference.set(m.reference, (byReference.get(m.reference) ?? 0) + 1);
    const count = (f: (m: SimMessage) => boolean) => messages.filter(f).length;
    res.json({
      messages: messages.length,
      accepted: count((m) => m.status === 'accepted'),
      delivered: count((m) => m.status === 'delivered'),
      failed: count((m) => m.status === 'failed'),
      callbacksSent: count((m) => m.callback === 'sent'),
      callbacksFailed: count((m) => m.callback === 'failed'),
      /** References sent more than once: what a caller retrying without care would produce. */
      duplicateReferences: [...byReference.values()].filter((n) => n > 1).length,
      refused,
    });
  });
  app.use((req: Request, res: Response) => void res.status(404).json({ error: `no route ${req.method} ${req.path}` }));
  // Malformed JSON and other errors: answered as JSON, not express's HTML page.
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = typeof err === 'object' && err !== null && 'status' in err && typeof err.status === 'number' ? err.status : 500;
    res.status(status).json({ error: err instanceof Error ? err.message : String(err) });
  });

  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  const address = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  return {
    url,
    port: address.port,
    close: async () => {
      closing = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}

function validationError(error: z.ZodError) {
  return {
    error: 'invalid request',
    issues: error.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message })),
  };
}
