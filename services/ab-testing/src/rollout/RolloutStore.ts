import type { Pool } from 'pg';
import { DEFAULT_ROLLOUT_PLAN, INITIAL_STATE, type GuardrailEvaluation, type RolloutPhase, type RolloutPlan, type RolloutState } from './plan';

export interface StoredPlan {
  plan: RolloutPlan;
  /** true while nobody saved a plan for the experiment: the controller uses DEFAULT_ROLLOUT_PLAN */
  isDefault: boolean;
  updatedAt: string | null;
  updatedBy: string | null;
}

interface StateRow {
  phase: RolloutPhase;
  held_since: Date | null;
  paused_reason: string | null;
  paused_at: Date | null;
  last_evaluation: GuardrailEvaluation | null;
  rolled_back_at: Date | null;
  demotion_pending: boolean;
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** Rollout plans (`rollout_plans`) and the controller's state between ticks (`rollout_state`). */
export class RolloutStore {
  constructor(private readonly pool: Pool) {}

  async plan(experimentId: string): Promise<StoredPlan> {
    const { rows } = await this.pool.query<{ plan: RolloutPlan; updated_at: Date; updated_by: string }>(
      'SELECT plan, updated_at, updated_by FROM rollout_plans WHERE experiment_id = $1',
      [experimentId],
    );
    if (!rows[0]) return { plan: DEFAULT_ROLLOUT_PLAN, isDefault: true, updatedAt: null, updatedBy: null };
    return { plan: rows[0].plan, isDefault: false, updatedAt: rows[0].updated_at.toISOString(), updatedBy: rows[0].updated_by };
  }

  /** Saves the plan; a pause (sample ratio mismatch) ends with it: saving is the decision to go on. */
  async savePlan(experimentId: string, plan: RolloutPlan, by: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO rollout_plans (experiment_id, plan, updated_by) VALUES ($1, $2, $3)
       ON CONFLICT (experiment_id) DO UPDATE SET plan = EXCLUDED.plan, updated_by = EXCLUDED.updated_by, updated_at = now()`,
      [experimentId, JSON.stringify(plan), by],
    );
    await this.pool.query(
      `UPDATE rollout_state SET phase = 'ramping', paused_reason = NULL, paused_at = NULL, held_since = NULL, updated_at = now()
        WHERE experiment_id = $1 AND phase = 'paused'`,
      [experimentId],
    );
  }

  async state(experimentId: string): Promise<RolloutState> {
    const { rows } = await this.pool.query<StateRow>('SELECT * FROM rollout_state WHERE experiment_id = $1', [experimentId]);
    const row = rows[0];
    if (!row) return { ...INITIAL_STATE };
    return {
      phase: row.phase,
      heldSince: iso(row.held_since),
      pausedReason: row.paused_reason,
      pausedAt: iso(row.paused_at),
      lastEvaluation: row.last_evaluation,
      rolledBackAt: iso(row.rolled_back_at),
      demotionPending: row.demotion_pending,
    };
  }

  async saveState(experimentId: string, state: RolloutState): Promise<void> {
    await this.pool.query(
      `INSERT INTO rollout_state (experiment_id, phase, held_since, paused_reason, paused_at, last_evaluation, last_evaluated_at,
                                  rolled_back_at, demotion_pending, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now())
       ON CONFLICT (experiment_id) DO UPDATE SET phase = EXCLUDED.phase, held_since = EXCLUDED.held_since,
         paused_reason = EXCLUDED.paused_reason, paused_at = EXCLUDED.paused_at, last_evaluation = EXCLUDED.last_evaluation,
         last_evaluated_at = EXCLUDED.last_evaluated_at, rolled_back_at = EXCLUDED.rolled_back_at,
         demotion_pending = EXCLUDED.demotion_pending, updated_at = now()`,
      [
        experimentId,
        state.phase,
        state.heldSince,
        state.pausedReason,
        state.pausedAt,
        state.lastEvaluation && JSON.stringify(state.lastEvaluation),
        state.lastEvaluation?.evaluatedAt ?? null,
        state.rolledBackAt,
        state.demotionPending,
      ],
    );
  }

  /** Experiments whose rollback still owes the registry its demotion. */
  async pendingDemotions(): Promise<string[]> {
    const { rows } = await this.pool.query<{ key: string }>(
      'SELECT e.key FROM rollout_state s JOIN experiments e ON e.id = s.experiment_id WHERE s.demotion_pending ORDER BY e.key',
    );
    return rows.map(row => row.key);
  }

  async latestEvaluation(experimentId: string): Promise<GuardrailEvaluation | null> {
    return (await this.state(experimentId)).lastEvaluation;
  }
}
