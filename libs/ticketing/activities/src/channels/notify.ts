import { describeError, withDeadline, type SendOutcome } from './outcome';

export interface ProviderMessage {
  channel: 'sms' | 'push';
  /** A phone number (E.164) or a push token. */
  to: string;
  body: string;
  /** The notification's id: the provider's reference for it. */
  reference: string;
}

export interface NotifyChannel {
  send(message: ProviderMessage): Promise<SendOutcome>;
}

/** The longest a provider's SMS body may be here; longer text is cut. */
const MAX_BODY = 1_000;

/**
 * SMS and push through the provider's HTTP API (locally apps/notify-sim): `POST /v1/messages`,
 * 202 = taken. 408, 429 and 5xx are transient (Retry-After honoured); any other 4xx refuses the
 * message for good; a network error or a timeout is transient. Each send ends within `timeoutMs`.
 */
export function createNotifyChannel(baseUrl: string, timeoutMs: number): NotifyChannel {
  const url = new URL('/v1/messages', baseUrl).toString();
  return {
    async send(message) {
      const body = message.body.length > MAX_BODY ? `${message.body.slice(0, MAX_BODY - 1)}…` : message.body;
      const sending = fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...message, body }),
        signal: AbortSignal.timeout(timeoutMs),
      }).then(
        async (res): Promise<SendOutcome> => {
          const text = await res.text().catch(() => '');
          const what = `${message.channel} ${res.status} ${text.slice(0, 200)}`.trim();
          if (res.ok) {
            const id = parseId(text);
            return { outcome: 'delivered', detail: `${message.channel} taken by the provider${id ? ` as ${id}` : ''} (${res.status})` };
          }
          if (res.status === 408 || res.status === 429 || res.status >= 500) return { outcome: 'failed', detail: what, retryAfterMs: retryAfter(res.headers.get('retry-after')) };
          return { outcome: 'refused', detail: what };
        },
        (err: unknown): SendOutcome => ({ outcome: 'failed', detail: `${message.channel} provider unreachable: ${describeError(err)}` }),
      );
      return withDeadline(sending, timeoutMs + 1_000, `${message.channel} provider`);
    },
  };
}

function parseId(text: string): string | undefined {
  try {
    const { id } = JSON.parse(text) as { id?: unknown };
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

/** Retry-After in seconds or as an HTTP date, in ms; undefined when absent or unreadable. */
export function retryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1_000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
