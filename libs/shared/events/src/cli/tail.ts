/**
 * `npm run events:tail -- <topic> [--from earliest|latest] [--url ws://127.0.0.1:8080]`: prints a
 * topic's events as they arrive, one JSON line each, for debugging. Uses a reader, so it takes
 * nothing from any subscription.
 */
import { parseArgs } from 'node:util';
import { PulsarConsumer } from '../pulsar-ws';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    from: { type: 'string', default: 'latest' },
    url: { type: 'string', default: process.env.PULSAR_WS_URL ?? 'ws://127.0.0.1:8080' },
  },
});
const topic = positionals[0];
if (!topic || (values.from !== 'earliest' && values.from !== 'latest')) {
  console.error('usage: events:tail <persistent://tenant/namespace/topic> [--from earliest|latest] [--url ws://host:port]');
  process.exit(2);
}

async function main(topicName: string): Promise<void> {
  const reader = await PulsarConsumer.reader(values.url, topicName, values.from as 'earliest' | 'latest');
  console.error(`tailing ${topicName} from ${values.from} (Ctrl-C to stop)`);
  process.once('SIGINT', () => reader.close());
  await reader.run((m) => {
    console.log(JSON.stringify({ messageId: m.messageId, key: m.key, publishTime: m.publishTime, event: JSON.parse(m.payload) as unknown }));
    reader.ack(m.messageId);
  });
}

main(topic).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
