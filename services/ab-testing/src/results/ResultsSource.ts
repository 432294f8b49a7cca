import type { Pool } from 'pg';
import type { StoredExperiment } from '../experiments/ExperimentStore';

/** One variant's totals over the users analysed in it (users seen under more than one variant left out). */
export interface VariantAggregate {
  variant: string;
  users: number;
  /** views carrying the experiment */
  exposures: number;
  clicks: number;
  carts: number;
  purchases: number;
  /** users with at least one purchase */
  purchasers: number;
  /** Σ over users of their revenue in cents, and Σ of its square (for revenue per user's variance) */
  revenueCents: number;
  revenueCentsSquares: number;
}

/** One variant's additions on one UTC day: sum them up to a day for the cumulative figures. */
export interface DailyAggregate {
  /** YYYY-MM-DD, UTC */
  date: string;
  variant: string;
  /** users first seen under this variant that day */
  newUsers: number;
  /** users whose first purchase under this variant was that day */
  newPurchasers: number;
  exposures: number;
  clicks: number;
  revenueCents: number;
}

export interface ResultsAggregates {
  /** in the experiment's variant order; a variant nobody saw yet has zeros */
  variants: VariantAggregate[];
  /** users seen under more than one variant (not in `variants`) */
  multipleExposureUsers: number;
  /**
   * The analysed users by the weight phase they entered in: `[before phaseStarts[0], before phaseStarts[1], …,
   * from the last one]` (entered = assignment time, else first event), for the expected split of the SRM check.
   */
  usersByPhase: Array<Record<string, number>>;
  /** per day and variant, oldest first; descriptive: a multiply exposed user counts under each variant they saw */
  daily: DailyAggregate[];
}

/**
 * Where the results' sufficient statistics come from. The service reads its own PostgreSQL aggregates
 * (PostgresResultsSource, fed by the results ingestion); the analytics service can stand in later (the lake),
 * as long as it answers the same numbers.
 */
export interface ResultsSource {
  aggregates(experiment: StoredExperiment, options: { phaseStarts: Date[] }): Promise<ResultsAggregates>;
}

const int = (value: string | number | null | undefined) => Number(value ?? 0);

/** The results from `result_users` and `result_daily` (see ResultsIngestor). */
export class PostgresResultsSource implements ResultsSource {
  constructor(private readonly pool: Pool) {}

  async aggregates(experiment: StoredExperiment, { phaseStarts }: { phaseStarts: Date[] }): Promise<ResultsAggregates> {
    const id = experiment.id;
    const single = `
      WITH single AS (
        SELECT user_id FROM result_users WHERE experiment_id = $1 GROUP BY user_id HAVING count(*) = 1
      )`;
    const [totals, multiple, phases, dailyEvents, dailyUsers] = await Promise.all([
      this.pool.query<Record<string, string>>(
        `${single}
         SELECT r.variant, count(*) AS users, sum(r.exposures) AS exposures, sum(r.clicks) AS clicks, sum(r.carts) AS carts,
                sum(r.purchases) AS purchases, count(*) FILTER (WHERE r.purchases > 0) AS purchasers,
                sum(r.revenue_cents) AS revenue_cents, sum(r.revenue_cents::numeric * r.revenue_cents) AS revenue_cents_squares
           FROM result_users r JOIN single USING (user_id)
          WHERE r.experiment_id = $1
          GROUP BY r.variant`,
        [id],
      ),
      this.pool.query<{ n: string }>(
        `SELECT count(*) AS n FROM (SELECT user_id FROM result_users WHERE experiment_id = $1 GROUP BY user_id HAVING count(*) > 1) m`,
        [id],
      ),
      this.pool.query<{ variant: string; phase: number; users: string }>(
        `${single}
         SELECT r.variant, width_bucket(COALESCE(a.assigned_at, r.first_seen), $2::timestamptz[]) AS phase, count(*) AS users
           FROM result_users r JOIN single USING (user_id)
           LEFT JOIN assignments a ON a.experiment_id = r.experiment_id AND a.user_id = r.user_id
          WHERE r.experiment_id = $1
          GROUP BY 1, 2`,
        [id, phaseStarts],
      ),
      this.pool.query<{ day: string; variant: string; exposures: string; clicks: string; revenue_cents: string }>(
        `SELECT to_char(day, 'YYYY-MM-DD') AS day, variant, exposures, clicks, revenue_cents
           FROM result_daily WHERE experiment_id = $1`,
        [id],
      ),
      this.pool.query<{ day: string; variant: string; new_users: string; new_purchasers: string }>(
        `SELECT day, variant, sum(new_users) AS new_users, sum(new_purchasers) AS new_purchasers FROM (
            SELECT to_char(first_seen AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, variant, 1 AS new_users, 0 AS new_purchasers
              FROM result_users WHERE experiment_id = $1
            UNION ALL
            SELECT to_char(first_purchase_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), variant, 0, 1
              FROM result_users WHERE experiment_id = $1 AND first_purchase_at IS NOT NULL
          ) d GROUP BY day, variant`,
        [id],
      ),
    ]);

    const byVariant = new Map(totals.rows.map(row => [row.variant, row]));
    const variants = experiment.variants.map(({ name }) => {
      const row = byVariant.get(name);
      return {
        variant: name,
        users: int(row?.users),
        exposures: int(row?.exposures),
        clicks: int(row?.clicks),
        carts: int(row?.carts),
        purchases: int(row?.purchases),
        purchasers: int(row?.purchasers),
        revenueCents: int(row?.revenue_cents),
        revenueCentsSquares: int(row?.revenue_cents_squares),
      };
    });

    const usersByPhase: Array<Record<string, number>> = Array.from({ length: phaseStarts.length + 1 }, () => ({}));
    for (const row of phases.rows) usersByPhase[row.phase][row.variant] = int(row.users);

    const daily = new Map<string, DailyAggregate>();
    const entry = (date: string, variant: string) => {
      const key = `${date}|${variant}`;
      return (
        daily.get(key) ??
        daily.set(key, { date, variant, newUsers: 0, newPurchasers: 0, exposures: 0, clicks: 0, revenueCents: 0 }).get(key)!
      );
    };
    for (const row of dailyEvents.rows) {
      const day = entry(row.day, row.variant);
      day.exposures = int(row.exposures);
      day.clicks = int(row.clicks);
      day.revenueCents = int(row.revenue_cents);
    }
    for (const row of dailyUsers.rows) {
      const day = entry(row.day, row.variant);
      day.newUsers = int(row.new_users);
      day.newPurchasers = int(row.new_purchasers);
    }

    return {
      variants,
      multipleExposureUsers: int(multiple.rows[0]?.n),
      usersByPhase,
      daily: [...daily.values()].sort((a, b) => a.date.localeCompare(b.date)),
    };
  }
}
