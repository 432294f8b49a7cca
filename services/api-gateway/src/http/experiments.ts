import { createHttpClient } from '@platform/service-kit';
import type { HttpClient, PlatformClaims, Request } from '@platform/service-kit';
import type { Route } from '../routeTable';

type Experiment = NonNullable<Route['experiment']>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const VARIANT = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export interface VariantDecision {
  variant: string;
  source: 'client' | 'ab-testing' | 'fallback';
}

/**
 * The experiment variant a routed request carries: the client's own X-Exp-Variant if valid, else the A/B testing
 * service's decision for the signed-in user (getDecision), else the fallback, so an A/B outage never fails a page.
 */
export function createVariantResolver(onFallback: (experiment: Experiment, reason: string) => void) {
  const clients = new Map<string, HttpClient>();
  const clientFor = (experiment: Experiment) => {
    const key = `${experiment.upstream.url}|${experiment.timeoutMs}`;
    let client = clients.get(key);
    if (!client) {
      client = createHttpClient({ name: experiment.upstream.name, baseUrl: experiment.upstream.url, timeoutMs: experiment.timeoutMs, retries: 0 });
      clients.set(key, client);
    }
    return client;
  };

  return async (experiment: Experiment, req: Request, claims: PlatformClaims | undefined): Promise<VariantDecision> => {
    const requested = req.get('x-exp-variant');
    if (requested && VARIANT.test(requested)) return { variant: requested, source: 'client' };
    const fallback = (reason: string): VariantDecision => {
      onFallback(experiment, reason);
      return { variant: experiment.fallbackVariant, source: 'fallback' };
    };
    if (!claims || !UUID.test(claims.sub)) return fallback('the caller is not a user');
    try {
      const decision = await clientFor(experiment).get<{ variant?: unknown }>(
        `/experiments/${experiment.key}/decision?userId=${encodeURIComponent(claims.sub)}`,
        { headers: { authorization: req.get('authorization') ?? '' } },
      );
      return typeof decision?.variant === 'string' && VARIANT.test(decision.variant)
        ? { variant: decision.variant, source: 'ab-testing' }
        : fallback('the decision has no variant');
    } catch (e) {
      return fallback((e as Error).message);
    }
  };
}
