export { createNotificationService } from './app';
export type { NotificationService } from './app';
export { loadNotificationConfig, notificationConfigSchema } from './config';
export type { NotificationConfig } from './config';
export { NotificationStore } from './notifications/NotificationStore';
export type {
  Channel,
  DeliveryAttempt,
  Notification,
  NotificationRequest,
  NotificationStatus,
} from './notifications/model';
export { orderEventSchema } from './orders/orderEvent';
export type { OrderEvent } from './orders/orderEvent';
export { render, TEMPLATE_NAMES } from './templates/templates';
export { NOTIFICATION_METRICS } from './metrics';
