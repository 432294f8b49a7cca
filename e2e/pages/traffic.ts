import { expect } from '@playwright/test';
import { Storefront } from './storefront';

/**
 * Runs `body` while a shopper asks for recommendations through the gateway four times a second, then checks every
 * request answered. Steady traffic, not a burst: a counter's first scrape is only its baseline, so Prometheus shows a
 * rate only after two scrapes (15 s apart) during the traffic.
 */
export async function withSteadyTraffic<T>(shop: Storefront, shopperId: string, body: () => Promise<T>): Promise<T> {
  let sending = true;
  let trafficError: unknown;
  const traffic = (async () => {
    while (sending) {
      await shop.recommendations(shopperId, 10).catch(error => {
        trafficError = error;
        sending = false;
      });
      await new Promise(resolve => setTimeout(resolve, 250));
    }
  })();
  try {
    return await body();
  } finally {
    sending = false;
    await traffic;
    expect(trafficError, 'every recommendation request of the traffic answered').toBeUndefined();
  }
}
