import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import type { RenderedEmail } from '../templates/templates';
import { DeliveryError, type ChannelSender } from './types';

export interface SmtpEmailOptions {
  /** smtp://[user:password@]host:port, or smtps:// for implicit TLS */
  url: string;
  from: string;
  poolSize: number;
  timeoutMs: number;
  logger: Logger;
}

interface SmtpFailure extends Error {
  code?: string;
  responseCode?: number;
}

/** 5xx replies are the server's final word on this message (RFC 5321 4.2.1); 4xx and lost connections are not. */
const isPermanent = (error: SmtpFailure) =>
  typeof error.responseCode === 'number' &&
  error.responseCode >= 500 &&
  error.responseCode < 600;

/** E-mail through any SMTP server with nodemailer's pooled transport: Mailpit locally, the mail relay deployed. */
export function smtpEmailSender(options: SmtpEmailOptions): ChannelSender {
  const url = new URL(options.url);
  const transportOptions = {
    host: url.hostname,
    port: Number(url.port || (url.protocol === 'smtps:' ? 465 : 587)),
    secure: url.protocol === 'smtps:',
    auth: url.username
      ? {
          user: decodeURIComponent(url.username),
          pass: decodeURIComponent(url.password),
        }
      : undefined,
    connectionTimeout: options.timeoutMs,
    greetingTimeout: options.timeoutMs,
    socketTimeout: options.timeoutMs,
  };
  const transport = nodemailer.createTransport({
    ...transportOptions,
    pool: true,
    maxConnections: options.poolSize,
  });
  // a pooled connection that dies idle is replaced on the next send; say so instead of crashing
  transport.on('error', error =>
    options.logger.warn({ err: error }, 'SMTP connection failed'),
  );
  return {
    channel: 'email',
    provider: 'smtp',
    async send({ id, to, content }) {
      const email = content as RenderedEmail;
      try {
        const info = await transport.sendMail({
          from: options.from,
          to,
          subject: email.subject,
          text: email.text,
          html: email.html,
          // the notification id as Message-ID: a resend after a crash is recognisable as the same message
          messageId: `<${id}@notification-service>`,
          headers: { 'X-Notification-Id': id },
        });
        return { providerMessageId: info.messageId };
      } catch (error) {
        const failure = error as SmtpFailure;
        const reason = `SMTP ${
          failure.responseCode ?? failure.code ?? 'error'
        }: ${failure.message}`;
        throw new DeliveryError(reason, isPermanent(failure));
      }
    },
    async check() {
      // a connection of its own: the pool's may all be busy sending
      const probe = nodemailer.createTransport(transportOptions);
      try {
        await probe.verify();
      } finally {
        probe.close();
      }
    },
    async close() {
      transport.close();
    },
  };
}
