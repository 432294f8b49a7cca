import { startTwilioRecorder, type TwilioRecorder } from './twilioRecorder';

let recorder: TwilioRecorder;

beforeAll(async () => {
  recorder = await startTwilioRecorder();
});

afterAll(() => recorder.close());

const messagesUrl = () =>
  `${recorder.url}/2010-04-01/Accounts/${recorder.accountSid}/Messages.json`;
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

async function send(
  form: Record<string, string>,
  authorization = basic(recorder.accountSid, recorder.authToken),
) {
  const response = await fetch(messagesUrl(), {
    method: 'POST',
    headers: {
      authorization,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams(form).toString(),
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
  };
}

describe('the Twilio Messages API recorder', () => {
  it('answers a send with 201 and the Message resource, and lists it', async () => {
    const sent = await send({
      To: '+4915112345678',
      From: '+15005550006',
      Body: 'Your order is confirmed',
    });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({
      account_sid: recorder.accountSid,
      to: '+4915112345678',
      from: '+15005550006',
      body: 'Your order is confirmed',
      status: 'queued',
      direction: 'outbound-api',
      num_segments: '1',
      error_code: null,
    });
    expect(sent.body.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(sent.body.uri).toBe(
      `/2010-04-01/Accounts/${recorder.accountSid}/Messages/${sent.body.sid}.json`,
    );

    const listed = await fetch(
      `${messagesUrl()}?To=${encodeURIComponent('+4915112345678')}`,
      {
        headers: {
          authorization: basic(recorder.accountSid, recorder.authToken),
        },
      },
    );
    expect(listed.status).toBe(200);
    expect(
      (
        (await listed.json()) as { messages: Array<{ sid: string }> }
      ).messages.map(m => m.sid),
    ).toEqual([sent.body.sid]);
  });

  it.each([
    [{ From: '+15005550006', Body: 'x' }, 400, 21604],
    [{ To: '0151 123', From: '+15005550006', Body: 'x' }, 400, 21211],
    [{ To: '+4915112345678', Body: 'x' }, 400, 21603],
    [{ To: '+4915112345678', From: '+15005550006' }, 400, 21602],
    [
      { To: '+4915112345678', From: '+15005550006', Body: 'x'.repeat(1601) },
      400,
      21617,
    ],
  ])('refuses %j with Twilio error %s/%s', async (form, status, code) => {
    const before = recorder.messages.length;
    const answer = await send(form);
    expect(answer).toEqual({
      status,
      body: {
        code,
        message: expect.any(String),
        more_info: `https://www.twilio.com/docs/errors/${code}`,
        status,
      },
    });
    expect(recorder.messages).toHaveLength(before);
  });

  it('answers /healthz without credentials (./idp start waits for it), and nothing else of its own', async () => {
    const health = await fetch(`${recorder.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    expect((await fetch(`${recorder.url}/metrics`)).status).toBe(404);
  });

  it('refuses wrong credentials with 401 (20003) and fails on demand like an unavailable provider', async () => {
    expect(
      await send(
        { To: '+4915112345678', From: '+15005550006', Body: 'x' },
        basic(recorder.accountSid, 'wrong'),
      ),
    ).toEqual({
      status: 401,
      body: {
        code: 20003,
        message: 'Authenticate',
        more_info: 'https://www.twilio.com/docs/errors/20003',
        status: 401,
      },
    });
    recorder.failNext(1);
    expect(
      (await send({ To: '+4915112345678', From: '+15005550006', Body: 'x' }))
        .body,
    ).toMatchObject({ code: 20500, status: 500 });
    expect(
      (await send({ To: '+4915112345678', From: '+15005550006', Body: 'x' }))
        .status,
    ).toBe(201);
    recorder.failAll();
    expect(
      (await send({ To: '+4915112345678', From: '+15005550006', Body: 'x' }))
        .status,
    ).toBe(500);
    recorder.recover();
    expect(
      (await send({ To: '+4915112345678', From: '+15005550006', Body: 'x' }))
        .status,
    ).toBe(201);
  });
});
