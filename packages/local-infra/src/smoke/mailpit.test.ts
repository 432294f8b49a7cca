import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { loadInfraEnv } from '../env';

/** One SMTP session, line by line as RFC 5321 has it, so the smoke test needs no mail library. */
async function smtpSend(
  host: string,
  port: number,
  from: string,
  to: string,
  data: string,
) {
  const socket = net.connect(port, host);
  socket.setEncoding('utf8');
  let buffer = '';
  const reply = () =>
    new Promise<string>((resolve, reject) => {
      let onData = (_chunk: string) => undefined as void;
      const check = () => {
        // a reply ends with a line "NNN text" (a space after the code, not a dash)
        const match = /(^|\r\n)(\d{3}) [^\r\n]*\r\n$/.exec(buffer);
        if (!match) return;
        socket.off('data', onData);
        const text = buffer;
        buffer = '';
        resolve(text);
      };
      onData = (chunk: string) => {
        buffer += chunk;
        check();
      };
      socket.on('data', onData);
      socket.once('error', reject);
      check();
    });
  const command = async (line: string, expected: string) => {
    socket.write(`${line}\r\n`);
    const text = await reply();
    if (!text.startsWith(expected))
      throw new Error(`${line.split(' ')[0]}: ${text.trim()}`);
  };
  try {
    if (!(await reply()).startsWith('220')) throw new Error('no SMTP greeting');
    await command('EHLO smoke.test', '250');
    await command(`MAIL FROM:<${from}>`, '250');
    await command(`RCPT TO:<${to}>`, '250');
    await command('DATA', '354');
    await command(`${data.replace(/\n/g, '\r\n')}\r\n.`, '250');
    await command('QUIT', '221');
  } finally {
    socket.destroy();
  }
}

describe('SMTP and its HTTP API (Mailpit, yarn infra)', () => {
  const env = loadInfraEnv();

  it('stores a message sent over SMTP and shows it through the API', async () => {
    const to = `smoke-${randomUUID()}@example.com`;
    const subject = `smoke ${randomUUID()}`;
    await smtpSend(
      env.SMTP_HOST,
      Number(env.SMTP_PORT),
      'infra@example.com',
      to,
      [
        'From: infra@example.com',
        `To: ${to}`,
        `Subject: ${subject}`,
        '',
        'It arrived.',
      ].join('\n'),
    );

    const search = await fetch(
      `${env.MAILPIT_URL}/api/v1/search?query=${encodeURIComponent(
        `to:"${to}"`,
      )}`,
    );
    expect(search.status).toBe(200);
    const found = (await search.json()) as {
      messages: Array<{
        ID: string;
        Subject: string;
        To: Array<{ Address: string }>;
      }>;
    };
    expect(
      found.messages.map(m => [m.Subject, m.To.map(a => a.Address)]),
    ).toEqual([[subject, [to]]]);

    const message = await fetch(
      `${env.MAILPIT_URL}/api/v1/message/${found.messages[0].ID}`,
    );
    expect(((await message.json()) as { Text: string }).Text.trim()).toBe(
      'It arrived.',
    );
    await fetch(`${env.MAILPIT_URL}/api/v1/messages`, {
      method: 'DELETE',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ IDs: [found.messages[0].ID] }),
    });
  });
});
