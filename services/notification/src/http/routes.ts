import {
  problems,
  type Request,
  type RequestHandler,
  type Response,
  type Router,
} from '@platform/service-kit';
import type { NotificationRequest } from '../notifications/model';
import {
  IdempotencyConflictError,
  type NotificationStore,
} from '../notifications/NotificationStore';
import { TemplateDataError } from '../templates/templates';

export interface NotificationRoutesDeps {
  store: NotificationStore;
  /** a valid token with the admin or service role (sets req.auth) */
  requireStaff: RequestHandler;
  /** tells the delivery relay a notification was queued */
  onQueued(): void;
}

/** What a `service` token may ask for: the checkout's outbox sends order confirmations. Manual sends are for admins. */
const SERVICE_TEMPLATES = new Set(['order-confirmation']);

export function notificationRoutes(
  router: Router,
  { store, requireStaff, onQueued }: NotificationRoutesDeps,
): void {
  router.post(
    '/notifications',
    requireStaff,
    async (req: Request, res: Response) => {
      const request = req.body as NotificationRequest;
      if (
        !req.auth!.roles.includes('admin') &&
        !SERVICE_TEMPLATES.has(request.template)
      ) {
        throw problems.forbidden(
          `a manual send (template ${request.template}) needs the admin role`,
        );
      }
      let result;
      try {
        result = await store.request(request, req.get('idempotency-key'));
      } catch (error) {
        if (
          error instanceof TemplateDataError ||
          error instanceof IdempotencyConflictError
        ) {
          throw problems.unprocessable(error.message);
        }
        throw error;
      }
      const { created, notification } = result;
      if (!created) {
        res.status(200).json(notification);
        return;
      }
      if (notification.status === 'queued') onQueued();
      res
        .status(202)
        .location(`/notifications/${notification.id}`)
        .json(notification);
    },
  );

  router.get(
    '/notifications/:id',
    requireStaff,
    async (req: Request, res: Response) => {
      const notification = await store.get(String(req.params.id));
      if (!notification)
        throw problems.notFound(`no notification ${req.params.id}`);
      res.json(notification);
    },
  );
}
