/**
 * A small typed client of Mailpit's REST API (v1), for tests: what arrived, by Message-ID, and the
 * chaos switch that makes its SMTP server refuse mail. Start Mailpit with `startMailpit` from
 * `@fleet/tools-infra`; it enables chaos at start, which the switch needs.
 */

/** A message as Mailpit lists it. */
export interface MailpitMessage {
  /** Mailpit's own database id (for its per-message routes). */
  id: string;
  /** The Message-ID header, without its angle brackets (as Mailpit stores it); empty when the mail had none. */
  messageId: string;
  subject: string;
  from: string | undefined;
  to: string[];
  created: string;
  /** The user the SMTP client authenticated as, if it did. */
  username: string | undefined;
}

/** An SMTP refusal: the reply code (400-599) and how often it happens, in percent (0 turns it off). */
export interface ChaosTrigger {
  errorCode: number;
  probability: number;
}

/**
 * Where SMTP refuses: at MAIL FROM (sender), at RCPT TO (recipient) or at AUTH (authentication, only
 * when the client authenticates). A trigger left out is off.
 */
export interface ChaosTriggers {
  sender?: ChaosTrigger;
  recipient?: ChaosTrigger;
  authentication?: ChaosTrigger;
}

/** What Mailpit holds, counted by Message-ID: `copies` names every Message-ID that arrived more than once. */
export interface MessageIdCount {
  total: number;
  distinct: number;
  copies: Record<string, number>;
}

interface RawAddress {
  Name: string;
  Address: string;
}
interface RawSummary {
  ID: string;
  MessageID: string;
  Subject: string;
  From: RawAddress | null;
  To: RawAddress[] | null;
  Created: string;
  Username?: string;
}
interface RawTrigger {
  ErrorCode: number;
  Probability: number;
}
interface RawTriggers {
  Sender: RawTrigger;
  Recipient: RawTrigger;
  Authentication: RawTrigger;
}

const PAGE = 500;

export class MailpitClient {
  /** `apiUrl` as `startMailpit` returns it, e.g. http://127.0.0.1:8025 */
  constructor(readonly apiUrl: string) {}

  private async request(method: string, route: string, body?: unknown): Promise<Response> {
    const response = await fetch(`${this.apiUrl}/api/v1/${route}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`Mailpit ${method} /api/v1/${route}: ${response.status} ${await response.text()}`);
    return response;
  }

  /** Every message held, newest first. */
  async messages(): Promise<MailpitMessage[]> {
    // Keyed by Mailpit's id: a message arriving while the pages are read pushes the older ones one
    // place down (newest first), so one may be listed on two pages; none is skipped.
    const all = new Map<string, MailpitMessage>();
    for (let start = 0; ; start += PAGE) {
      const query = new URLSearchParams({ start: String(start), limit: String(PAGE) });
      const page = (await (await this.request('GET', `messages?${query.toString()}`)).json()) as { messages: RawSummary[] };
      for (const m of page.messages) {
        all.set(m.ID, {
          id: m.ID,
          messageId: m.MessageID,
          subject: m.Subject,
          from: m.From?.Address,
          to: (m.To ?? []).map((a) => a.Address),
          created: m.Created,
          username: m.Username || undefined,
        });
      }
      if (page.messages.length < PAGE) return [...all.values()];
    }
  }

  /** The messages with this Message-ID (angle brackets optional): more than one is a duplicate send. */
  async byMessageId(messageId: string): Promise<MailpitMessage[]> {
    const id = messageId.replace(/^<|>$/g, '');
    return (await this.messages()).filter((m) => m.messageId === id);
  }

  /** How many messages, how many distinct Message-IDs, and which arrived more than once. */
  async countMessageIds(): Promise<MessageIdCount> {
    const counts = new Map<string, number>();
    const messages = await this.messages();
    for (const m of messages) counts.set(m.messageId, (counts.get(m.messageId) ?? 0) + 1);
    const copies = Object.fromEntries([...counts].filter(([, n]) => n > 1));
    return { total: messages.length, distinct: counts.size, copies };
  }

  async deleteAll(): Promise<void> {
    await this.request('DELETE', 'messages');
  }

  /** Sets every chaos trigger at once: those left out are turned off. */
  async setChaos(triggers: ChaosTriggers): Promise<ChaosTriggers> {
    const raw = (t: ChaosTrigger | undefined) => (t ? { ErrorCode: t.errorCode, Probability: t.probability } : undefined);
    const body = { Sender: raw(triggers.sender), Recipient: raw(triggers.recipient), Authentication: raw(triggers.authentication) };
    return fromRaw((await (await this.request('PUT', 'chaos', body)).json()) as RawTriggers);
  }

  /** Turns every chaos trigger off: SMTP accepts mail again. */
  clearChaos(): Promise<ChaosTriggers> {
    return this.setChaos({});
  }

  /** The triggers in force (a trigger with probability 0 is off). */
  async chaos(): Promise<ChaosTriggers> {
    return fromRaw((await (await this.request('GET', 'chaos')).json()) as RawTriggers);
  }
}

function fromRaw(raw: RawTriggers): ChaosTriggers {
  const trigger = (t: RawTrigger) => ({ errorCode: t.ErrorCode, probability: t.Probability });
  return { sender: trigger(raw.Sender), recipient: trigger(raw.Recipient), authentication: trigger(raw.Authentication) };
}
