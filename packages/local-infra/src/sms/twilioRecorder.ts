import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The one stand-in of the platform's tests: SMS providers cannot be reached from a developer machine, so this
 * small server speaks Twilio's Messages API as documented (https://www.twilio.com/docs/messaging/api/message-resource)
 * and records what it was sent:
 *
 * - `POST /2010-04-01/Accounts/{AccountSid}/Messages.json`, HTTP basic auth (AccountSid:AuthToken), a form-encoded
 *   body with `To`, `From` and `Body`: 201 with the Message resource (`sid` SM..., `status` "queued").
 * - `GET /2010-04-01/Accounts/{AccountSid}/Messages.json[?To=...]`: the recorded messages, newest first, in
 *   Twilio's list shape (`messages`, `page`, `page_size`, ...), so a test reads what arrived like it would from Twilio.
 * - Errors in Twilio's shape: `{ code, message, more_info, status }` (20003 authentication, 21211 invalid To,
 *   21602/21603/21604 missing Body/From/To, 21617 body over 1600 characters, 20500 a provider failure).
 *
 * `failNext(n)` and `failAll()` make the next requests (or every one) fail like an unavailable provider.
 * `GET /healthz` answers 200 (not Twilio's: for `./idp start`, which runs it through `src/sms/main.ts`).
 */
export interface TwilioMessage {
  sid: string;
  account_sid: string;
  api_version: '2010-04-01';
  to: string;
  from: string;
  body: string;
  status: 'queued';
  direction: 'outbound-api';
  num_segments: string;
  num_media: '0';
  date_created: string;
  date_updated: string;
  date_sent: null;
  error_code: null;
  error_message: null;
  messaging_service_sid: null;
  price: null;
  price_unit: 'USD';
  uri: string;
  subresource_uris: { media: string };
}

export interface TwilioError {
  code: number;
  message: string;
  more_info: string;
  status: number;
}

export interface TwilioRecorder {
  /** e.g. http://127.0.0.1:43121: the provider's base URL (Twilio's is https://api.twilio.com) */
  url: string;
  accountSid: string;
  authToken: string;
  /** what was accepted, oldest first */
  messages: TwilioMessage[];
  /** requests answered, accepted or not */
  requests(): number;
  /** the next `count` sends fail (default: 500, Twilio error 20500) */
  failNext(
    count: number,
    failure?: { status: number; code: number; message: string },
  ): void;
  /** every send fails until `recover()` */
  failAll(failure?: { status: number; code: number; message: string }): void;
  recover(): void;
  close(): Promise<void>;
}

const E164 = /^\+[1-9]\d{6,14}$/;
const MESSAGES_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/;
const PROVIDER_FAILURE = {
  status: 500,
  code: 20500,
  message: 'An internal server error has occurred',
};

const error = (status: number, code: number, message: string): TwilioError => ({
  code,
  message,
  more_info: `https://www.twilio.com/docs/errors/${code}`,
  status,
});

const rfc2822 = (date: Date) => date.toUTCString().replace('GMT', '+0000');
const sidOf = (prefix: string) => `${prefix}${randomBytes(16).toString('hex')}`;

/** The first of Twilio's validation errors a send has, if any. */
function refusal(form: URLSearchParams): TwilioError | undefined {
  const to = form.get('To');
  const body = form.get('Body');
  if (!to) return error(400, 21604, "A 'To' phone number is required.");
  if (!E164.test(to))
    return error(
      400,
      21211,
      `The 'To' number ${to} is not a valid phone number.`,
    );
  if (!form.get('From'))
    return error(400, 21603, "A 'From' phone number is required.");
  if (!body) return error(400, 21602, 'Message body is required.');
  if (body.length > 1600)
    return error(
      400,
      21617,
      'The concatenated message body exceeds the 1600 character limit.',
    );
  return undefined;
}

export async function startTwilioRecorder(
  options: {
    port?: number;
    host?: string;
    accountSid?: string;
    authToken?: string;
  } = {},
): Promise<TwilioRecorder> {
  const accountSid = options.accountSid ?? sidOf('AC');
  const authToken = options.authToken ?? randomBytes(16).toString('hex');
  const expectedAuth = `Basic ${Buffer.from(
    `${accountSid}:${authToken}`,
  ).toString('base64')}`;
  const messages: TwilioMessage[] = [];
  let answered = 0;
  let failuresLeft = 0;
  let failure = PROVIDER_FAILURE;
  let failingForever = false;

  function send(res: http.ServerResponse, status: number, body: unknown) {
    answered++;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  function create(res: http.ServerResponse, form: URLSearchParams) {
    if (failingForever || failuresLeft > 0) {
      if (!failingForever) failuresLeft--;
      send(
        res,
        failure.status,
        error(failure.status, failure.code, failure.message),
      );
      return;
    }
    const refused = refusal(form);
    if (refused) {
      send(res, refused.status, refused);
      return;
    }
    const to = form.get('To')!;
    const from = form.get('From')!;
    const body = form.get('Body')!;
    const sid = sidOf('SM');
    const now = rfc2822(new Date());
    const uri = `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`;
    const message: TwilioMessage = {
      sid,
      account_sid: accountSid,
      api_version: '2010-04-01',
      to,
      from,
      body,
      status: 'queued',
      direction: 'outbound-api',
      // GSM-7 segments of 153 characters once a message needs more than one
      num_segments: String(
        body.length <= 160 ? 1 : Math.ceil(body.length / 153),
      ),
      num_media: '0',
      date_created: now,
      date_updated: now,
      date_sent: null,
      error_code: null,
      error_message: null,
      messaging_service_sid: null,
      price: null,
      price_unit: 'USD',
      uri,
      subresource_uris: { media: uri.replace(/\.json$/, '/Media.json') },
    };
    messages.push(message);
    send(res, 201, message);
  }

  function list(res: http.ServerResponse, query: URLSearchParams) {
    const to = query.get('To');
    const found = messages.filter(m => !to || m.to === to).reverse();
    const uri = `/2010-04-01/Accounts/${accountSid}/Messages.json`;
    send(res, 200, {
      messages: found,
      page: 0,
      page_size: found.length,
      start: 0,
      end: Math.max(0, found.length - 1),
      uri,
      first_page_uri: `${uri}?PageSize=${found.length}&Page=0`,
      next_page_uri: null,
      previous_page_uri: null,
    });
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://recorder');
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', () => {
      // liveness for `./idp start`, which runs the recorder as the platform's local SMS provider
      if (url.pathname === '/healthz' && req.method === 'GET') return send(res, 200, { status: 'ok' });
      const match = MESSAGES_PATH.exec(url.pathname);
      if (!match)
        return send(
          res,
          404,
          error(
            404,
            20404,
            `The requested resource ${url.pathname} was not found`,
          ),
        );
      if (
        req.headers.authorization !== expectedAuth ||
        match[1] !== accountSid
      ) {
        return send(res, 401, error(401, 20003, 'Authenticate'));
      }
      if (req.method === 'GET') return list(res, url.searchParams);
      if (req.method !== 'POST')
        return send(res, 405, error(405, 20004, 'Method not allowed'));
      if (
        !(req.headers['content-type'] ?? '').startsWith(
          'application/x-www-form-urlencoded',
        )
      ) {
        return send(
          res,
          400,
          error(400, 21604, "A 'To' phone number is required."),
        );
      }
      return create(
        res,
        new URLSearchParams(Buffer.concat(chunks).toString('utf8')),
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${address.port}`,
    accountSid,
    authToken,
    messages,
    requests: () => answered,
    failNext(count, how = PROVIDER_FAILURE) {
      failuresLeft = count;
      failure = how;
    },
    failAll(how = PROVIDER_FAILURE) {
      failingForever = true;
      failure = how;
    },
    recover() {
      failingForever = false;
      failuresLeft = 0;
    },
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
