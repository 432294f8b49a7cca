import type { RenderedSms } from '../templates/templates';
import { DeliveryError, type ChannelSender } from './types';

export interface TwilioSmsOptions {
  /** https://api.twilio.com */
  apiUrl: string;
  accountSid: string;
  authToken: string;
  from: string;
  timeoutMs: number;
}

interface TwilioErrorBody {
  code?: number;
  message?: string;
  status?: number;
}

/**
 * SMS through Twilio's Messages API: `POST /2010-04-01/Accounts/{AccountSid}/Messages.json`, form-encoded
 * To/From/Body, basic auth with the account SID and auth token; 201 answers the Message resource (`sid`). A 4xx
 * other than 429 is Twilio refusing this message (invalid number, ...): permanent.
 */
export function twilioSmsSender(options: TwilioSmsOptions): ChannelSender {
  const endpoint = `${options.apiUrl.replace(
    /\/$/,
    '',
  )}/2010-04-01/Accounts/${encodeURIComponent(
    options.accountSid,
  )}/Messages.json`;
  const authorization = `Basic ${Buffer.from(
    `${options.accountSid}:${options.authToken}`,
  ).toString('base64')}`;
  return {
    channel: 'sms',
    provider: 'twilio',
    async send({ to, content }) {
      let response: Response;
      try {
        response = await fetch(endpoint, {
          method: 'POST',
          headers: {
            authorization,
            'content-type': 'application/x-www-form-urlencoded',
            accept: 'application/json',
          },
          body: new URLSearchParams({
            To: to,
            From: options.from,
            Body: (content as RenderedSms).body,
          }).toString(),
          signal: AbortSignal.timeout(options.timeoutMs),
        });
      } catch (error) {
        const cause =
          (error as Error & { cause?: Error }).cause?.message ??
          (error as Error).message;
        throw new DeliveryError(`Twilio unreachable: ${cause}`, false);
      }
      const body = (await response
        .json()
        .catch(() => ({}))) as TwilioErrorBody & { sid?: string };
      if (response.status === 201 && typeof body.sid === 'string')
        return { providerMessageId: body.sid };
      const permanent =
        response.status >= 400 &&
        response.status < 500 &&
        response.status !== 429;
      throw new DeliveryError(
        `Twilio ${response.status}${body.code ? ` error ${body.code}` : ''}: ${
          body.message ?? response.statusText
        }`,
        permanent,
      );
    },
  };
}

/** Without an account, SMS cannot go out; every SMS notification fails with this reason (and is dead-lettered). */
export function unconfiguredSmsSender(): ChannelSender {
  return {
    channel: 'sms',
    provider: 'twilio',
    async send() {
      throw new DeliveryError(
        'SMS is not configured: set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM',
        true,
      );
    },
  };
}
