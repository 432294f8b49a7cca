import { problems, type Request, type RequestHandler, type Response, type Router } from '@platform/service-kit';
import { isOrderMetric, type Metric, type ResultStore, type WindowSize } from '../results/ResultStore';

const DAY_MS = 24 * 3600_000;
/** the longest range per window size: about 10,000 points of one series */
const MAX_RANGE_MS: Record<WindowSize, number> = { '1m': 7 * DAY_MS, '5m': 35 * DAY_MS, '1h': 400 * DAY_MS };

export interface AnalyticsRoutesDeps {
  store: ResultStore;
  /** a valid token with the admin or service role */
  requireStaff: RequestHandler;
}

/** [from, to) of a request: `to` defaults to now, `from` to 24 hours before `to` (422 when empty or too long) */
function range(req: Request, window: WindowSize): { from: Date; to: Date } {
  const to = req.query.to ? new Date(String(req.query.to)) : new Date();
  const from = req.query.from ? new Date(String(req.query.from)) : new Date(to.getTime() - DAY_MS);
  // a valid RFC 3339 text JavaScript cannot place (a leap second, 23:59:60)
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) {
    throw problems.unprocessable('`from` and `to` must be instants JavaScript can represent (no leap second)');
  }
  if (from >= to) throw problems.unprocessable('`from` must be before `to`');
  if (to.getTime() - from.getTime() > MAX_RANGE_MS[window]) {
    throw problems.unprocessable(`a range of ${window} windows spans at most ${MAX_RANGE_MS[window] / DAY_MS} days`);
  }
  return { from, to };
}

export function analyticsRoutes(router: Router, { store, requireStaff }: AnalyticsRoutesDeps): void {
  router.get('/kpis', requireStaff, async (req: Request, res: Response) => {
    const metric = String(req.query.metric) as Metric;
    const orderMetric = isOrderMetric(metric);
    const defaultWindow: WindowSize = orderMetric ? '5m' : '1m';
    const window = (req.query.window ? String(req.query.window) : defaultWindow) as WindowSize;
    const experiment = req.query.experiment ? String(req.query.experiment) : undefined;
    const variant = req.query.variant ? String(req.query.variant) : undefined;
    if (orderMetric && window !== '5m') throw problems.unprocessable(`${metric} is computed over 5m windows only`);
    if (!orderMetric && window === '5m') throw problems.unprocessable(`${metric} is computed over 1m and 1h windows`);
    if (orderMetric && experiment) throw problems.unprocessable(`${metric} is not split by experiment`);
    if (variant && !experiment) throw problems.unprocessable('`variant` needs `experiment`');
    const { from, to } = range(req, window);
    const series = await store.series({ metric, window, from, to, experiment, variant });
    res.json({
      metric,
      window,
      from: from.toISOString(),
      to: to.toISOString(),
      experiment: experiment ?? null,
      series,
    });
  });

  router.get('/experiments/:key/outcomes', requireStaff, async (req: Request, res: Response) => {
    const experiment = String(req.params.key);
    const { from, to } = range(req, '1h');
    res.json({
      experiment,
      window: '1h',
      from: from.toISOString(),
      to: to.toISOString(),
      variants: await store.outcomes(experiment, from, to),
    });
  });

  router.get('/top-products', requireStaff, async (req: Request, res: Response) => {
    const { from, to } = range(req, '5m');
    res.json({ window: '5m', from: from.toISOString(), to: to.toISOString(), windows: await store.topProducts(from, to) });
  });
}
