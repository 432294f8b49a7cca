import {
  problems,
  type Request,
  type Response,
  type Router,
  type RequestHandler,
} from '@platform/service-kit';
import type { Actor, CheckoutService } from '../checkout/CheckoutService';
import type { OrderStatus } from '../orders/statusFlow';

export interface CartCheckoutRoutesDeps {
  checkout: CheckoutService;
  /** Verifies the bearer token and sets `req.auth`. */
  requireUser: RequestHandler;
}

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{8,128}$/;

function actorOf(req: Request): Actor {
  const auth = (
    req as Request & {
      auth?: { sub?: string; email?: string; roles?: string[] };
    }
  ).auth;
  if (!auth?.sub) throw problems.unauthorized('a bearer token is required');
  return { userId: auth.sub, email: auth.email, roles: auth.roles ?? [] };
}

export function cartCheckoutRoutes(
  router: Router,
  { checkout, requireUser }: CartCheckoutRoutesDeps,
): void {
  router.get('/cart', requireUser, async (req: Request, res: Response) => {
    res.json(await checkout.cart(actorOf(req).userId));
  });

  router.post('/cart', requireUser, async (req: Request, res: Response) => {
    const { productId, quantity } = req.body as {
      productId: string;
      quantity: number;
    };
    res
      .status(201)
      .json(await checkout.addToCart(actorOf(req).userId, productId, quantity));
  });

  router.delete(
    '/cart/:itemId',
    requireUser,
    async (req: Request, res: Response) => {
      res.json(
        await checkout.removeFromCart(
          actorOf(req).userId,
          String(req.params.itemId),
        ),
      );
    },
  );

  router.post('/checkout', requireUser, async (req: Request, res: Response) => {
    const key = req.get('Idempotency-Key');
    if (!key || !IDEMPOTENCY_KEY.test(key)) {
      throw problems.badRequest(
        'the Idempotency-Key header is missing or malformed',
        [
          {
            parameter: 'Idempotency-Key',
            message: 'required: 8-128 characters of A-Z a-z 0-9 _ . : -',
          },
        ],
      );
    }
    const { created, order } = await checkout.checkout(actorOf(req), key);
    if (created) res.status(201).location(`/orders/${order.id}`);
    res.json(order);
  });

  router.get(
    '/orders/:id',
    requireUser,
    async (req: Request, res: Response) => {
      res.json(await checkout.order(actorOf(req), String(req.params.id)));
    },
  );

  router.patch(
    '/orders/:id/status',
    requireUser,
    async (req: Request, res: Response) => {
      const { status } = req.body as { status: OrderStatus };
      res.json(
        await checkout.changeStatus(
          actorOf(req),
          String(req.params.id),
          status,
        ),
      );
    },
  );
}
