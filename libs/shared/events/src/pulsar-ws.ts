import WebSocket from 'ws';

/**
 * A small client for the broker's WebSocket API (`/ws/v2/...`): the npm `pulsar-client` package
 * cannot be installed on these machines, and the WebSocket API needs only `ws`.
 */

export interface OutgoingMessage {
  /** Message key: the event's subject, so a key's messages keep their order. */
  key: string;
  /** The message body (an event envelope as JSON). */
  payload: string;
  properties?: Record<string, string>;
}

export interface IncomingMessage {
  messageId: string;
  key?: string;
  payload: string;
  properties: Record<string, string>;
  publishTime: string;
  redeliveryCount: number;
}

/** `persistent://tenant/ns/topic` → `persistent/tenant/ns/topic`, as the WebSocket paths want it. */
export function topicPath(topic: string): string {
  const m = /^(persistent|non-persistent):\/\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(topic);
  if (!m) throw new Error(`not a fully qualified topic: ${topic}`);
  return `${m[1]}/${m[2]}/${m[3]}/${encodeURIComponent(m[4] as string)}`;
}

function open(url: string, timeoutMs: number): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { handshakeTimeout: timeoutMs });
    ws.once('open', () => resolve(ws));
    ws.once('error', (err) => reject(err));
    ws.once('unexpected-response', (_req, res) => {
      reject(new Error(`WebSocket ${url} answered HTTP ${res.statusCode}`));
      ws.terminate();
    });
  });
}

/** A producer on one topic. Sends are pipelined; each resolves with its message id once the broker acknowledged it. */
export class PulsarProducer {
  private nextContext = 0;
  private readonly pending = new Map<string, { resolve: (id: string) => void; reject: (err: Error) => void }>();
  private closedError: Error | undefined;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (raw) => {
      const reply = JSON.parse(raw.toString()) as { result: string; messageId?: string; context?: string; errorMsg?: string };
      const waiter = reply.context === undefined ? undefined : this.pending.get(reply.context);
      if (!waiter || reply.context === undefined) return;
      this.pending.delete(reply.context);
      if (reply.result === 'ok' && reply.messageId) waiter.resolve(reply.messageId);
      else waiter.reject(new Error(`broker refused the message: ${reply.result} ${reply.errorMsg ?? ''}`.trim()));
    });
    const fail = (err: Error) => {
      this.closedError ??= err;
      for (const waiter of this.pending.values()) waiter.reject(err);
      this.pending.clear();
    };
    ws.on('close', (code) => fail(new Error(`producer connection closed (${code})`)));
    ws.on('error', (err) => fail(err));
  }

  static async connect(wsUrl: string, topic: string, options: { timeoutMs?: number; batching?: boolean } = {}): Promise<PulsarProducer> {
    const timeoutMs = options.timeoutMs ?? 5000;
    // Batching (1 ms) by default: the broker takes many small messages per write. Keys are
    // batched together, which Exclusive, Failover and Shared subscriptions deliver in order.
    const params = new URLSearchParams({ sendTimeoutMillis: String(timeoutMs), maxPendingMessages: '10000' });
    if (options.batching ?? true) {
      params.set('batchingEnabled', 'true');
      params.set('batchingMaxPublishDelay', '1');
      params.set('batchingMaxMessages', '1000');
    }
    const ws = await open(`${wsUrl}/ws/v2/producer/${topicPath(topic)}?${params}`, timeoutMs);
    return new PulsarProducer(ws);
  }

  get open(): boolean {
    return !this.closedError && this.ws.readyState === WebSocket.OPEN;
  }

  send(message: OutgoingMessage): Promise<string> {
    if (this.closedError) return Promise.reject(this.closedError);
    const context = String(this.nextContext++);
    return new Promise<string>((resolve, reject) => {
      this.pending.set(context, { resolve, reject });
      this.ws.send(
        JSON.stringify({
          payload: Buffer.from(message.payload).toString('base64'),
          key: message.key,
          properties: message.properties ?? {},
          context,
        }),
        (err) => {
          if (!err) return;
          this.pending.delete(context);
          reject(err);
        },
      );
    });
  }

  close(): void {
    this.ws.close();
  }
}

export type SubscriptionType = 'Exclusive' | 'Shared' | 'Failover' | 'Key_Shared';

export interface ConsumerOptions {
  subscription: string;
  subscriptionType?: SubscriptionType;
  /** After this many redeliveries a message goes to the dead-letter topic. */
  maxRedeliverCount?: number;
  deadLetterTopic?: string;
  /** Delay before a negatively acknowledged message comes back, in ms. */
  negativeAckRedeliveryDelayMs?: number;
  receiverQueueSize?: number;
  timeoutMs?: number;
}

/** A consumer on one topic and subscription. */
export class PulsarConsumer {
  private constructor(private readonly ws: WebSocket) {}

  static async connect(wsUrl: string, topic: string, options: ConsumerOptions): Promise<PulsarConsumer> {
    const params = new URLSearchParams({
      subscriptionType: options.subscriptionType ?? 'Shared',
      receiverQueueSize: String(options.receiverQueueSize ?? 1000),
    });
    if (options.maxRedeliverCount !== undefined) params.set('maxRedeliverCount', String(options.maxRedeliverCount));
    if (options.deadLetterTopic) params.set('deadLetterTopic', options.deadLetterTopic);
    if (options.negativeAckRedeliveryDelayMs !== undefined) params.set('negativeAckRedeliveryDelay', String(options.negativeAckRedeliveryDelayMs));
    const url = `${wsUrl}/ws/v2/consumer/${topicPath(topic)}/${encodeURIComponent(options.subscription)}?${params}`;
    return new PulsarConsumer(await open(url, options.timeoutMs ?? 5000));
  }

  /** A reader from the earliest (or latest) message of a topic, with no subscription: for tailing. */
  static async reader(wsUrl: string, topic: string, from: 'earliest' | 'latest', timeoutMs = 5000): Promise<PulsarConsumer> {
    return new PulsarConsumer(await open(`${wsUrl}/ws/v2/reader/${topicPath(topic)}?messageId=${from}`, timeoutMs));
  }

  /** Calls `onMessage` for each message as it arrives; resolves when the connection closes. */
  run(onMessage: (message: IncomingMessage) => void): Promise<number> {
    this.ws.on('message', (raw) => {
      const m = JSON.parse(raw.toString()) as {
        messageId: string;
        payload: string;
        key?: string;
        properties?: Record<string, string>;
        publishTime: string;
        redeliveryCount?: number;
      };
      onMessage({
        messageId: m.messageId,
        key: m.key,
        payload: Buffer.from(m.payload, 'base64').toString(),
        properties: m.properties ?? {},
        publishTime: m.publishTime,
        redeliveryCount: m.redeliveryCount ?? 0,
      });
    });
    return new Promise((resolve) => this.ws.once('close', (code) => resolve(code)));
  }

  ack(messageId: string): void {
    this.ws.send(JSON.stringify({ messageId }));
  }

  negativeAck(messageId: string): void {
    this.ws.send(JSON.stringify({ type: 'negativeAcknowledge', messageId }));
  }

  close(): void {
    this.ws.close();
  }
}
