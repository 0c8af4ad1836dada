import { createHash } from 'node:crypto';
import { createTransport } from 'nodemailer';
import type { SMTPError } from 'nodemailer/lib/smtp-connection';

export interface SmtpConfig {
  host: string;
  port: number;
  from: string;
}

export interface Mailer {
  /** Sends one message; answers 'refused' on a permanent (5xx) refusal, throws on a transient failure. */
  send(mail: { to: string; subject: string; text: string; messageId: string; headers: Record<string, string> }): Promise<{ outcome: 'sent' | 'refused'; detail: string }>;
  close(): void;
}

/**
 * The Message-ID of one creative to one recipient, derived from the reference and the address: every
 * send of it, by any worker and any retry, carries the same one, so copies are countable.
 */
export function campaignMessageId(reference: string, recipient: string): string {
  return `<${createHash('sha256').update(`${reference}\n${recipient.toLowerCase()}`).digest('hex').slice(0, 32)}@campaigns.fleet>`;
}

/** E-mail through an SMTP server (locally Mailpit), over a small pool. */
export function createMailer(smtp: SmtpConfig, timeoutMs = 15_000): Mailer {
  const transport = createTransport({ host: smtp.host, port: smtp.port, secure: false, pool: true, maxConnections: 3, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs });
  return {
    async send(mail) {
      try {
        const info = await transport.sendMail({ from: smtp.from, ...mail });
        if (info.rejected.length) return { outcome: 'refused', detail: `recipient refused: ${info.response}` };
        return { outcome: 'sent', detail: info.response };
      } catch (err) {
        const { responseCode, response } = err as SMTPError;
        if (responseCode !== undefined && responseCode >= 500) return { outcome: 'refused', detail: `SMTP ${responseCode}: ${response ?? (err as Error).message}` };
        throw err;
      }
    },
    close: () => transport.close(),
  };
}
