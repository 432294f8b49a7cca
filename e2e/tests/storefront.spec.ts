import { expect, test } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { Storefront, watchTopics } from '../pages/storefront';

// The product as ./idp start runs it (same processes, keys and config), used only through the gateway.
test.describe('storefront journey', () => {
  test('register, log in, browse, search, get recommendations, track, add to cart, check out (and retry), read the order, see the events', async ({ request }) => {
    const topics = await watchTopics(['orders', 'events.view', 'events.click']);
    try {
      const shop = new Storefront(request);
      const shopper = await shop.register();
      await shop.logIn(shopper.email, shopper.password);

      const products = await shop.browse({ limit: '50' });
      expect(products.length, 'the demo catalogue is seeded by ./idp start').toBeGreaterThan(0);
      // a demo product ("Classic Tent 37"): its name is a phrase search finds
      const product = products.find(p => p.stock >= 2 && /^[A-Z][a-z]+ [A-Za-z ]+ \d+$/.test(p.name));
      expect(product, 'a product with stock').toBeDefined();

      // search is fed from the `products` topic, so a product appears there shortly after it is written
      await expect
        .poll(async () => (await shop.search(`"${product!.name}"`)).map(hit => hit.id), { timeout: 30_000 })
        .toContain(product!.id);

      // what the storefront reports as the shopper browses: a signed-in view and click, and an anonymous view
      const sessionId = `s-${randomUUID()}`;
      const ts = new Date().toISOString();
      const tracked = await shop.track([
        { sessionId, type: 'view', productId: product!.id, ts, meta: { page: 'search' } },
        { sessionId, type: 'click', productId: product!.id, ts, meta: { position: 1 } },
      ]);
      expect(tracked.accepted).toBe(2);
      const anonymous = await new Storefront(request).track(
        [{ sessionId: `s-${randomUUID()}`, type: 'view', productId: product!.id, ts, meta: {} }],
        { anonymous: true },
      );

      // a new shopper is a cold start: the champion that ./idp start trained answers its popularity list, in stock
      const recommended = await shop.recommendations(shopper.id, 10);
      expect(recommended).toMatchObject({ userId: shopper.id, source: 'popularity', model: { name: 'recommendation-ranker' } });
      expect(recommended.fallbacks).toContain('cold_start');
      expect(recommended.modelVersion).toBe(recommended.model.version);
      expect(recommended.items).toHaveLength(10);
      for (const item of recommended.items.slice(0, 3)) {
        const shown = await shop.product(item.productId);
        expect(shown.stock, `recommended ${item.productId} is in stock`).toBeGreaterThan(0);
      }

      const cart = await shop.addToCart(product!.id, 2);
      expect(cart.items).toEqual([expect.objectContaining({ productId: product!.id, quantity: 2 })]);

      const key = `journey-${randomUUID()}`;
      const placed = await shop.checkout(key);
      expect(placed.status(), await placed.text()).toBe(201);
      const order = await placed.json();
      expect(order).toMatchObject({ userId: shopper.id, status: 'pending' });

      const retried = await shop.checkout(key);
      expect(retried.status(), 'a retry with the same key returns the original order').toBe(200);
      expect((await retried.json()).id).toBe(order.id);

      expect(await shop.order(order.id)).toMatchObject({ id: order.id, userId: shopper.id, total: order.total });

      await expect.poll(() => topics.ordersFor(order.id).length, { timeout: 30_000 }).toBeGreaterThan(0);
      const [event] = topics.ordersFor(order.id);
      expect(event.key).toBe(order.id);
      expect(event.value).toMatchObject({ orderId: order.id, userId: shopper.id, status: 'pending', total: order.total });

      // every acknowledged interaction is on its topic, keyed by the user (or the session when anonymous)
      const [viewId, clickId] = tracked.eventIds;
      await expect.poll(() => [viewId, clickId, anonymous.eventIds[0]].map(id => topics.trackedEvent(id)?.topic)).toEqual([
        'events.view',
        'events.click',
        'events.view',
      ]);
      expect(topics.trackedEvent(viewId)).toMatchObject({ key: shopper.id, value: { userId: shopper.id, sessionId, productId: product!.id } });
      expect(topics.trackedEvent(anonymous.eventIds[0])?.value).toMatchObject({ userId: null });
    } finally {
      await topics.close();
    }
  });
});
