import { problems, type RequestHandler, type Router } from '@platform/service-kit';
import type { FeatureStore } from '../features/FeatureStore';
import type { FeatureMetrics } from '../features/metrics';
import type { EmbeddingPointer } from '../features/model';

export interface FeatureRoutesOptions {
  store: FeatureStore;
  metrics: FeatureMetrics;
  /** requireAuth with roles service and admin */
  authorize: RequestHandler;
}

/** GET and POST /features/{userId}; the contract has checked the path and the body already. */
export function featureRoutes(router: Router, { store, metrics, authorize }: FeatureRoutesOptions) {
  const redisCall = async <T>(operation: string, call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      metrics.redisErrors.inc({ operation });
      throw problems.serviceUnavailable('the feature store (Redis) is unavailable');
    }
  };

  router.get('/features/:userId', authorize, async (req, res) => {
    const userId = String(req.params.userId);
    const features = await redisCall('read', () => store.read(userId));
    if (!features) throw problems.notFound(`no features for user ${userId}`);
    res.json(features);
  });

  router.post('/features/:userId', authorize, async (req, res) => {
    const userId = String(req.params.userId);
    const { embedding } = req.body as { embedding: EmbeddingPointer | null };
    await redisCall('write', () => store.writeEmbedding(userId, embedding));
    const features = await redisCall('read', () => store.read(userId));
    res.json(features);
  });
}
