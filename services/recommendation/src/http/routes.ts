import { problems, type RequestHandler, type Router } from '@platform/service-kit';
import type { RecommendationMetrics } from '../metrics';
import type { ModelStore } from '../model/ModelStore';
import { ModelNotLoaded, type Recommender } from '../model/Recommender';

export interface RecommendationRoutesOptions {
  recommender: Recommender;
  metrics: RecommendationMetrics;
  /** requireAuth without roles: any valid token; the routes check who may ask for whom */
  authenticate: RequestHandler;
  /** for `GET /models`: what is loaded behind each alias */
  store: ModelStore;
  /** variant → alias (VARIANT_ALIASES), in the configured order */
  variantAliases: Record<string, string>;
}

export const VARIANT_HEADER = 'X-Exp-Variant';
const DEFAULT_TOP_K = 20;
const PRIVILEGED_ROLES = ['admin', 'service'];

const topKOf = (value: unknown) => (typeof value === 'number' ? value : DEFAULT_TOP_K);

function notReady(error: unknown): never {
  if (error instanceof ModelNotLoaded) throw problems.serviceUnavailable(`No model loaded yet: ${error.message}.`);
  throw error;
}

/** The recommendation API; the kit's contract check has validated userId, topK, the variant header and the token's presence. */
export function recommendationRoutes(router: Router, { recommender, metrics, authenticate, store, variantAliases }: RecommendationRoutesOptions) {
  // Which version each variant serves now (read-only; for the portal and operators, not for customers).
  router.get('/models', authenticate, (req, res) => {
    if (!PRIVILEGED_ROLES.some(role => req.auth!.roles.includes(role))) {
      throw problems.forbidden('The served models are for services and admins.');
    }
    const status = store.status();
    const byAlias = new Map(status.aliases.map(a => [a.alias, a]));
    const primary = byAlias.get(store.primaryAlias);
    res.json({
      model: status.model,
      variants: Object.entries(variantAliases).map(([variant, alias]) => {
        const own = byAlias.get(alias);
        const version = own?.version ?? null;
        // a variant whose alias has no version is answered by the primary alias (as /recommendations does)
        let served: { alias: string; version: string } | null = version !== null ? { alias, version } : null;
        if (!served && primary?.version) served = { alias: store.primaryAlias, version: primary.version };
        return {
          variant,
          alias,
          version,
          loadedAt: own?.loadedAt?.toISOString() ?? null,
          servedAlias: served?.alias ?? null,
          servedVersion: served?.version ?? null,
        };
      }),
      registryUp: status.registryUp,
      lastRegistryContactAt: status.lastRegistryContactAt?.toISOString() ?? null,
    });
  });

  router.get('/recommendations', authenticate, async (req, res) => {
    const started = process.hrtime.bigint();
    const userId = String(req.query.userId);
    const claims = req.auth!;
    if (claims.sub !== userId && !PRIVILEGED_ROLES.some(role => claims.roles.includes(role))) {
      throw problems.forbidden('Customers may only ask for their own recommendations.');
    }
    const result = await recommender.recommend(userId, req.get(VARIANT_HEADER), topKOf(req.query.topK)).catch(notReady);
    res.setHeader(VARIANT_HEADER, result.variant);
    res.json(result);
    metrics.requestDuration.observe(
      { variant: result.variant, model_version: result.modelVersion },
      Number(process.hrtime.bigint() - started) / 1e9,
    );
  });

  router.get('/recommendations/trending', authenticate, (req, res) => {
    let result: ReturnType<Recommender['trending']>;
    try {
      result = recommender.trending(topKOf(req.query.topK));
    } catch (error) {
      notReady(error);
    }
    res.json({ modelVersion: result.model.version, ...result });
  });

  router.get('/recommendations/similar/:productId', authenticate, (req, res) => {
    const productId = String(req.params.productId);
    let result: ReturnType<Recommender['similar']>;
    try {
      result = recommender.similar(productId, topKOf(req.query.topK));
    } catch (error) {
      notReady(error);
    }
    if (!result) throw problems.notFound(`Product ${productId} is not known to the served model.`);
    res.json({ productId, modelVersion: result.model.version, ...result });
  });
}
