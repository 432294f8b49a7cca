import type { Cloud } from './types';

/** The twelve services of the platform and where the design places them (seed 000, section 1). */
export interface PlatformService {
  name: string;
  cloud: Cloud;
}

export const PLATFORM_SERVICES: readonly PlatformService[] = [
  { name: 'user-service', cloud: 'aws' },
  { name: 'product-service', cloud: 'aws' },
  { name: 'recommendation-service', cloud: 'azure' },
  { name: 'event-tracking-service', cloud: 'aws' },
  { name: 'feature-store-service', cloud: 'azure' },
  { name: 'cart-checkout-service', cloud: 'aws' },
  { name: 'analytics-service', cloud: 'azure' },
  { name: 'notification-service', cloud: 'gcp' },
  { name: 'search-service', cloud: 'gcp' },
  { name: 'api-gateway', cloud: 'aws' },
  { name: 'ab-testing-service', cloud: 'azure' },
  { name: 'cost-monitoring-service', cloud: 'aws' },
];

export const CLOUDS: readonly Cloud[] = ['aws', 'azure', 'gcp'];

/** The tag (AWS, GCP label, Azure tag) whose value names the platform service a cost belongs to. */
export const DEFAULT_COST_ALLOCATION_TAG_KEY = 'cost-allocation';

/** Maps FOCUS ProviderName values (and the clouds' own spellings) to the cloud dimension. */
export function cloudOfProvider(providerName: string): string {
  const name = providerName.trim().toLowerCase();
  if (name === 'aws' || name.startsWith('amazon')) return 'aws';
  if (name === 'azure' || name.startsWith('microsoft')) return 'azure';
  if (name === 'gcp' || name.startsWith('google')) return 'gcp';
  return name.replace(/[^a-z0-9]+/g, '-');
}
