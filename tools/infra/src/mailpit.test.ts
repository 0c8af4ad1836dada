import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { createTransport } from 'nodemailer';
import { startMailpit, type MailpitServer } from './mailpit';
import { freePort } from './ports';
import { testEnv } from './testing/env';
import { MailpitClient } from './testing/mailpit';

/** The listening TCP sockets of a process, as ss prints their local addresses (e.g. 127.0.0.1:1025). */
function listeningAddresses(pid: number): string[] {
  const out = execFileSync('ss', ['-ltnpH'], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((line) => line.includes(`pid=${pid},`))
    .map((line) => line.trim().split(/\s+/)[3] ?? line);
}

/** The SMTP reply code of a failed send (nodemailer's `responseCode`). */
async function refusal(send: Promise<unknown>): Promise<number | undefined> {
  try {
    await send;
  } catch (err) {
    return (err as { responseCode?: number }).responseCode;
  }
  throw new Error('the send was accepted');
}

/** An SMTP client of Mailpit's (nodemailer), with credentials when given. */
function smtp(mailpit: MailpitServer, auth?: { user: string; pass: string }) {
  return createTransport({ host: mailpit.smtpHost, port: mailpit.smtpPort, secure: false, auth });
}

describe('Mailpit', () => {
  let mailpit: MailpitServer;
  let api: MailpitClient;
  let transport: ReturnType<typeof smtp>;

  beforeAll(async () => {
    const dir = path.join(testEnv('dir'), `mailpit-${process.pid}`);
    // The first start builds Mailpit with go install (a few minutes, once).
    mailpit = await startMailpit({ dir, smtpPort: await freePort(), httpPort: await freePort(), logFile: path.join(dir, 'mailpit.log') });
    api = new MailpitClient(mailpit.apiUrl);
    transport = smtp(mailpit);
  }, 15 * 60_000);

  afterAll(async () => {
    transport?.close();
    await mailpit?.stop();
  });

  const mail = (messageId: string) => ({
    from: 'fleet@fleet.test',
    to: 'agent@example.test',
    subject: `notification ${messageId}`,
    text: 'hello',
    messageId: `<${messageId}>`,
  });

  it('listens on 127.0.0.1 only', () => {
    const addresses = listeningAddresses(mailpit.process.pid);
    expect(addresses.sort()).toEqual([`127.0.0.1:${mailpit.smtpPort}`, `127.0.0.1:${new URL(mailpit.apiUrl).port}`].sort());
  });

  it('receives a mail over SMTP and lists it with its Message-ID', async () => {
    await api.deleteAll();
    const sent = await transport.sendMail(mail('ticket-1.n1@fleet.test'));
    expect(sent.response).toMatch(/^250 /);
    const [message] = await api.byMessageId(sent.messageId);
    expect(message).toMatchObject({
      messageId: 'ticket-1.n1@fleet.test',
      subject: 'notification ticket-1.n1@fleet.test',
      from: 'fleet@fleet.test',
      to: ['agent@example.test'],
      username: undefined,
    });
  });

  it('refuses mail with the code the chaos switch asks for, and accepts it again once off', async () => {
    await api.deleteAll();
    await api.setChaos({ recipient: { errorCode: 451, probability: 100 } });
    expect(await refusal(transport.sendMail(mail('ticket-2.n1@fleet.test')))).toBe(451);

    expect(await api.setChaos({ sender: { errorCode: 550, probability: 100 } })).toMatchObject({
      sender: { errorCode: 550, probability: 100 },
      recipient: { probability: 0 },
    });
    expect(await refusal(transport.sendMail(mail('ticket-2.n2@fleet.test')))).toBe(550);

    await api.clearChaos();
    expect(await api.chaos()).toMatchObject({ sender: { probability: 0 }, recipient: { probability: 0 }, authentication: { probability: 0 } });
    await transport.sendMail(mail('ticket-2.n2@fleet.test'));
    expect((await api.messages()).map((m) => m.messageId)).toEqual(['ticket-2.n2@fleet.test']);
  });

  it('counts distinct Message-IDs and names the copies', async () => {
    await api.deleteAll();
    for (const id of ['a@fleet.test', 'b@fleet.test', 'a@fleet.test', 'c@fleet.test', 'a@fleet.test']) {
      await transport.sendMail(mail(id));
    }
    expect(await api.countMessageIds()).toEqual({ total: 5, distinct: 3, copies: { 'a@fleet.test': 3 } });
  });

  it('accepts a client that authenticates, with any credentials', async () => {
    await api.deleteAll();
    const withAuth = smtp(mailpit, { user: 'fleet', pass: 'anything' });
    try {
      await withAuth.sendMail(mail('auth@fleet.test'));
    } finally {
      withAuth.close();
    }
    expect(await api.byMessageId('<auth@fleet.test>')).toMatchObject([{ username: 'fleet' }]);
  });
});
