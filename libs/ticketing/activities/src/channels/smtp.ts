import { createTransport } from 'nodemailer';
import type { SMTPError } from 'nodemailer/lib/smtp-connection';
import { describeError, withDeadline, type SendOutcome } from './outcome';

export interface Email {
  to: string;
  subject: string;
  text: string;
  /** The notification's deterministic Message-ID, angle brackets included. */
  messageId: string;
  headers: Record<string, string>;
}

export interface SmtpChannel {
  send(email: Email): Promise<SendOutcome>;
  close(): void;
}

/**
 * E-mail through an SMTP server, over a small connection pool. A 5xx reply is a permanent refusal;
 * a 4xx reply, a connection error or a timeout is transient. Each send ends within `timeoutMs`.
 */
export function createSmtpChannel(smtp: { host: string; port: number; from: string }, timeoutMs: number): SmtpChannel {
  const third = Math.max(1_000, Math.floor(timeoutMs / 3));
  const transport = createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: false,
    pool: true,
    maxConnections: 5,
    connectionTimeout: third,
    greetingTimeout: third,
    socketTimeout: third,
  });
  return {
    async send(email) {
      const sending = transport
        .sendMail({ from: smtp.from, to: email.to, subject: email.subject, text: email.text, messageId: email.messageId, headers: email.headers })
        .then(
          (info): SendOutcome =>
            info.rejected.length ? { outcome: 'refused', detail: `recipient refused: ${info.response}` } : { outcome: 'delivered', detail: `${smtp.host}:${smtp.port} ${info.response}` },
          (err: unknown): SendOutcome => classify(err),
        );
      return withDeadline(sending, timeoutMs, `SMTP ${smtp.host}:${smtp.port}`);
    },
    close: () => transport.close(),
  };
}

function classify(err: unknown): SendOutcome {
  const { responseCode, code, command, response } = err as SMTPError;
  if (responseCode !== undefined && responseCode >= 500) return { outcome: 'refused', detail: `SMTP ${responseCode} at ${command ?? '?'}: ${response ?? describeError(err)}` };
  if (responseCode !== undefined && responseCode >= 400) return { outcome: 'failed', detail: `SMTP ${responseCode} at ${command ?? '?'}: ${response ?? describeError(err)}` };
  return { outcome: 'failed', detail: `SMTP ${code ?? 'error'}: ${describeError(err)}` };
}
