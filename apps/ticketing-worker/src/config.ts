import { envSchemas } from '@fleet/shared-config';
import { loadWorkerConfig } from '@fleet/shared-worker';
import { z } from 'zod';

/** The ticketing-worker's configuration: every domain worker's variables, its metrics port and its notification channels. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadWorkerConfig(
    {
      METRICS_PORT: envSchemas.port(9466),
      /** The SMTP server e-mail goes through (locally Mailpit) and the sender address. */
      SMTP_HOST: z.string().min(1).default('127.0.0.1'),
      SMTP_PORT: envSchemas.port(1025),
      SMTP_FROM: z.email().default('fleet-ticketing@localhost'),
      /** The SMS/push provider (locally apps/notify-sim). */
      NOTIFY_URL: envSchemas.url.default('http://127.0.0.1:50061'),
      /** Transient failures of a channel before a notification falls back to the next one. */
      NOTIFY_TRANSIENT_ATTEMPTS: envSchemas.positiveInt(3),
    },
    env,
  );
}

export type TicketingWorkerConfig = ReturnType<typeof loadConfig>;
