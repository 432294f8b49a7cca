import { problems, type NextFunction, type Request, type RequestHandler, type Response, type Router } from '@platform/service-kit';
import type { DecisionService } from '../experiments/DecisionService';
import { publicExperiment, type ExperimentStore } from '../experiments/ExperimentStore';
import type { Actor, ExperimentInput, ExperimentKind, ExperimentPatch, ExperimentStatus } from '../experiments/model';
import type { ResultsService } from '../results/ResultsService';
import { isManaged, planFrom, type RolloutPlan } from '../rollout/plan';
import type { RolloutStore } from '../rollout/RolloutStore';

export interface AbTestingRoutesOptions {
  store: ExperimentStore;
  decisions: DecisionService;
  results: ResultsService;
  rollouts: RolloutStore;
  /** requireAuth with role admin: defining experiments and their rollout plans */
  admin: RequestHandler;
  /** requireAuth with role admin or service (the portal, after its own permission check; the rollout controller): reading, starting, ramping, stopping, concluding */
  operator: RequestHandler;
  /** requireAuth with role admin, service or customer: decisions (a customer only for themself) */
  caller: RequestHandler;
}

function actorOf(req: Request): Actor {
  if (!req.auth) throw problems.unauthorized('A bearer access token is required.');
  return { sub: req.auth.sub, roles: req.auth.roles };
}

const keyOf = (req: Request) => String(req.params.key);

/** The routes of the A/B Testing API; the kit has checked every request against the contract already. */
export function abTestingRoutes(
  router: Router,
  { store, decisions, results, rollouts, admin, operator, caller }: AbTestingRoutesOptions,
): void {
  router.get('/experiments', operator, async (req, res) => {
    const { status, kind, owner } = req.query as { status?: ExperimentStatus; kind?: ExperimentKind; owner?: string };
    res.json({ items: (await store.list({ status, kind, owner })).map(publicExperiment) });
  });

  router.post('/experiments', admin, async (req, res) => {
    const created = await store.create(req.body as ExperimentInput, { actor: actorOf(req) });
    res.status(201).location(`/experiments/${created.key}`).json(publicExperiment(created));
  });

  router.get('/experiments/:key', operator, async (req, res) => {
    res.json(publicExperiment(await store.require(keyOf(req))));
  });

  router.patch('/experiments/:key', admin, async (req, res) => {
    const { reason, ...patch } = req.body as ExperimentPatch & { reason?: string };
    res.json(publicExperiment(await store.update(keyOf(req), patch, { actor: actorOf(req), reason })));
  });

  router.post('/experiments/:key/start', operator, async (req, res) => {
    const { reason } = (req.body ?? {}) as { reason?: string };
    res.json(publicExperiment(await store.start(keyOf(req), { actor: actorOf(req), reason })));
  });

  router.post('/experiments/:key/ramp', operator, async (req, res) => {
    const { variants, reason, evidence } = req.body as {
      variants: Array<{ name: string; weight: number }>;
      reason: string;
      evidence?: Record<string, unknown>;
    };
    res.json(publicExperiment(await store.ramp(keyOf(req), variants, { actor: actorOf(req), reason, evidence })));
  });

  router.post('/experiments/:key/stop', operator, async (req, res) => {
    const { reason, evidence } = req.body as { reason: string; evidence?: Record<string, unknown> };
    res.json(publicExperiment(await store.stop(keyOf(req), { actor: actorOf(req), reason, evidence })));
  });

  router.post('/experiments/:key/conclude', operator, async (req, res) => {
    const { winner, reason, evidence } = req.body as { winner: string; reason: string; evidence?: Record<string, unknown> };
    res.json(publicExperiment(await store.conclude(keyOf(req), winner, { actor: actorOf(req), reason, evidence })));
  });

  router.get('/experiments/:key/audit', operator, async (req, res) => {
    res.json({ items: await store.auditLog(keyOf(req)) });
  });

  router.get('/experiments/:key/results', operator, async (req, res) => {
    res.json(await results.results(keyOf(req)));
  });

  const rolloutOf = async (key: string) => {
    const experiment = await store.require(key);
    const [plan, state] = await Promise.all([rollouts.plan(experiment.id), rollouts.state(experiment.id)]);
    return { experimentKey: experiment.key, managed: isManaged(experiment), ...plan, state };
  };

  router.get('/experiments/:key/rollout', operator, async (req, res) => {
    res.json(await rolloutOf(keyOf(req)));
  });

  router.put('/experiments/:key/rollout', admin, async (req, res) => {
    const { reason, ...input } = req.body as Partial<RolloutPlan> & { reason: string };
    const experiment = await store.require(keyOf(req));
    if (!isManaged(experiment)) {
      throw problems.unprocessable(`Experiment ${experiment.key} is not one the rollout controller drives.`, [
        { pointer: '/', message: 'a model experiment with two variants: control → champion, treatment → challenger' },
      ]);
    }
    const plan = planFrom(input);
    const actor = actorOf(req);
    await rollouts.savePlan(experiment.id, plan, actor.sub);
    await store.note(experiment.key, 'plan', {
      actor,
      reason,
      evidence: {
        enabled: plan.enabled,
        steps: plan.steps.join(','),
        concludeAfterLastStep: plan.concludeAfterLastStep,
        holdSeconds: plan.holdSeconds,
        minUsersPerVariant: plan.minUsersPerVariant,
        thresholds: JSON.stringify(plan.thresholds).slice(0, 500),
        decisionMetric: plan.decisionMetric,
        decisionChance: plan.decisionChance,
      },
    });
    res.json(await rolloutOf(experiment.key));
  });

  router.get('/experiments/:key/decision', caller, async (req, res) => {
    const { userId, country, platform } = req.query as { userId: string; country?: string; platform?: string };
    const auth = req.auth!;
    const privileged = auth.roles.includes('admin') || auth.roles.includes('service');
    if (!privileged && auth.sub.toLowerCase() !== userId.toLowerCase()) {
      throw problems.forbidden('A customer may ask for their own decision only.');
    }
    res.json(await decisions.decide(keyOf(req), userId.toLowerCase(), { country, platform }));
  });

  router.use((error: unknown, _req: Request, _res: Response, next: NextFunction) => next(databaseUnavailable(error)));
}

/** Error codes of a PostgreSQL server that is down, restarting or refusing connections, and of the socket. */
const UNAVAILABLE = /^(08|53|57P0)/;
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE']);

/** Turns "the database is unavailable" into a 503 problem (nothing was changed); other errors pass on. */
export function databaseUnavailable(error: unknown): unknown {
  const code = (error as { code?: unknown })?.code;
  const message = (error as { message?: unknown })?.message;
  const down =
    (typeof code === 'string' && (UNAVAILABLE.test(code) || NETWORK.has(code))) ||
    (typeof message === 'string' && /Connection terminated|timeout exceeded when trying to connect/i.test(message));
  return down ? problems.serviceUnavailable('The experiments database (PostgreSQL) is unavailable; nothing was changed.') : error;
}
