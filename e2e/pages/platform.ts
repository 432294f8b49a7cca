/** The twelve services of the platform, by catalog entity name (catalog-info/components). */
export const PLATFORM_SERVICES = [
  'user-service',
  'product-service',
  'recommendation-service',
  'event-tracking-service',
  'feature-store-service',
  'cart-checkout-service',
  'analytics-service',
  'notification-service',
  'search-service',
  'api-gateway',
  'ab-testing-service',
  'cost-monitoring-service',
];
