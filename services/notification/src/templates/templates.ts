import type { Channel } from '../notifications/model';

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export interface RenderedSms {
  body: string;
}

export type Rendered = RenderedEmail | RenderedSms;

/** A template's data does not fit it: the request is refused (422), an event dead-lettered. */
export class TemplateDataError extends Error {}

interface OrderLine {
  productId: string;
  quantity: number;
  price: number;
}

interface OrderData {
  orderId: string;
  total: number;
  currency?: string;
  items: OrderLine[];
}

// Sums in cents, as checkout does, so the lines add up to the total without binary floating-point residue.
const cents = (amount: number) => Math.round(amount * 100);
const money = (amountCents: number, currency: string) =>
  `${(amountCents / 100).toFixed(2)} ${currency}`;
const shortId = (orderId: string) => orderId.slice(0, 8);

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    c =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[
        c
      ]!),
  );

function orderData(data: Record<string, unknown>): OrderData {
  const { orderId, total, currency, items } = data;
  if (
    typeof orderId !== 'string' ||
    typeof total !== 'number' ||
    !Array.isArray(items) ||
    items.length === 0
  ) {
    throw new TemplateDataError(
      'order-confirmation needs the order: orderId, total and its lines',
    );
  }
  return {
    orderId,
    total,
    currency: typeof currency === 'string' ? currency : undefined,
    items: items as OrderLine[],
  };
}

/** The order's lines and totals: what was bought, how many, at what price, and what it came to. */
function orderConfirmation(
  channel: Channel,
  data: Record<string, unknown>,
): Rendered {
  const order = orderData(data);
  const currency = order.currency ?? 'EUR';
  const lines = order.items.map(item => ({
    ...item,
    lineCents: cents(item.price) * item.quantity,
  }));
  const count = lines.reduce((sum, line) => sum + line.quantity, 0);
  const total = money(cents(order.total), currency);
  if (channel === 'sms') {
    return {
      body: `Storefront: order ${shortId(
        order.orderId,
      )} is confirmed. ${count} item${count === 1 ? '' : 's'}, total ${total}.`,
    };
  }
  const subject = `Your order ${shortId(order.orderId)} is confirmed`;
  const text = [
    'Thank you for your order.',
    '',
    `Order ${order.orderId}`,
    '',
    ...lines.map(
      line =>
        `${line.quantity} x ${line.productId} at ${money(
          cents(line.price),
          currency,
        )} = ${money(line.lineCents, currency)}`,
    ),
    '',
    `Total: ${total}`,
  ].join('\n');
  const rows = lines
    .map(
      line =>
        `<tr><td>${escapeHtml(line.productId)}</td><td>${
          line.quantity
        }</td><td>${money(cents(line.price), currency)}</td><td>${money(
          line.lineCents,
          currency,
        )}</td></tr>`,
    )
    .join('');
  const html =
    `<p>Thank you for your order.</p><p>Order ${escapeHtml(
      order.orderId,
    )}</p>` +
    `<table><thead><tr><th>Product</th><th>Quantity</th><th>Price</th><th>Amount</th></tr></thead><tbody>${rows}</tbody>` +
    `<tfoot><tr><td colspan="3">Total</td><td>${total}</td></tr></tfoot></table>`;
  return { subject, text, html };
}

/** A message an admin writes: `data.text`, with the request's subject for email. */
function message(
  channel: Channel,
  data: Record<string, unknown>,
  subject?: string,
): Rendered {
  const text = data.text;
  if (typeof text !== 'string' || text.trim() === '')
    throw new TemplateDataError('the message template needs data.text');
  if (channel === 'sms') {
    if (text.length > 1600)
      throw new TemplateDataError('an SMS holds at most 1600 characters');
    return { body: text };
  }
  return {
    subject: subject ?? 'A message from Storefront',
    text,
    html: `<p>${escapeHtml(text).replace(/\n/g, '<br>')}</p>`,
  };
}

const TEMPLATES = {
  'order-confirmation': orderConfirmation,
  message,
} as const;

export const TEMPLATE_NAMES = Object.keys(TEMPLATES);

export const isTemplate = (name: string): name is keyof typeof TEMPLATES =>
  name in TEMPLATES;

export function render(
  template: string,
  channel: Channel,
  data: Record<string, unknown>,
  subject?: string,
): Rendered {
  if (!isTemplate(template))
    throw new TemplateDataError(
      `no template ${template}; known: ${TEMPLATE_NAMES.join(', ')}`,
    );
  return TEMPLATES[template](channel, data, subject);
}
