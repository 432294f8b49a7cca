/**
 * What the portal says about an experiment in one word or one line, computed the same way wherever it is shown:
 * the traffic split, the guardrail state, the verdict and the ramp history. The numbers come from the A/B testing
 * service and the results engine; nothing here recomputes statistics.
 */
import type { GuardrailStatus } from '@platform/experiment-stats';
import type { AuditEntry, Experiment, ExperimentResults, GuardrailEvaluation, Variant } from './types';

/** The weights in the experiment's order, e.g. "90/10" (control first). */
export function splitOf(variants: Array<Pick<Variant, 'weight'>>): string {
  return variants.map(v => v.weight).join('/');
}

/** "control 90 / treatment 10". */
export function describeSplit(variants: Array<Pick<Variant, 'name' | 'weight'>>): string {
  return variants.map(v => `${v.name} ${v.weight}`).join(' / ');
}

export type GuardrailState = GuardrailStatus | 'not-evaluated';

const SEVERITY: GuardrailState[] = ['not-evaluated', 'held', 'no-data', 'breached'];

function worst(states: GuardrailState[]): GuardrailState {
  return states.reduce<GuardrailState>((a, b) => (SEVERITY.indexOf(b) > SEVERITY.indexOf(a) ? b : a), 'not-evaluated');
}

/**
 * One state for the guardrails of all treatments: the evaluation's own status (breached if any verdict is, else
 * no-data if any lacks data, else held), or the worst verdict when it has none; not-evaluated before the rollout
 * controller's first evaluation.
 */
export function guardrailStateOf(guardrails: Pick<GuardrailEvaluation, 'status' | 'verdicts'> | null | undefined): GuardrailState {
  if (!guardrails) return 'not-evaluated';
  return worst([guardrails.status, ...(guardrails.verdicts ?? []).map(v => v.status)].filter(s => SEVERITY.includes(s)));
}

export type VerdictKind = 'winner' | 'loser' | 'inconclusive' | 'srm' | 'concluded' | 'not-started' | 'no-results';

export interface Verdict {
  kind: VerdictKind;
  /** one sentence for the tables */
  text: string;
}

function percent(ratio: number): string {
  const value = Math.round(ratio * 1000) / 10;
  return `${value > 0 ? '+' : ''}${value}%`;
}

/**
 * The verdict on the first (primary) metric: a treatment that is significantly better or worse than control at the
 * analysis' alpha, else inconclusive. A sample ratio mismatch makes the results untrustworthy, whatever they say.
 */
export function verdictOf(experiment: Pick<Experiment, 'status' | 'winner'>, results: ExperimentResults | null | undefined): Verdict {
  if (experiment.status === 'concluded') {
    return { kind: 'concluded', text: `Concluded: ${experiment.winner ?? 'no winner recorded'} shipped` };
  }
  if (experiment.status === 'draft') return { kind: 'not-started', text: 'Not started' };
  if (!results) return { kind: 'no-results', text: 'No results yet' };
  const { analysis } = results;
  if (analysis.srm.flagged) {
    return { kind: 'srm', text: `Sample ratio mismatch (p = ${analysis.srm.pValue.toPrecision(2)}): do not trust the results` };
  }
  const metric = analysis.metrics[0];
  if (!metric) return { kind: 'no-results', text: 'No metrics yet' };
  for (const variant of metric.variants) {
    const comparison = variant.comparison;
    if (!comparison || comparison.status !== 'ok' || !comparison.frequentist.significant) continue;
    const better = metric.higherIsBetter ? comparison.lift > 0 : comparison.lift < 0;
    return better
      ? { kind: 'winner', text: `${variant.variantKey} wins on ${metric.key} (${percent(comparison.lift)})` }
      : { kind: 'loser', text: `${variant.variantKey} loses on ${metric.key} (${percent(comparison.lift)})` };
  }
  return { kind: 'inconclusive', text: `Inconclusive on ${metric.key} so far` };
}

export interface RampStep {
  at: string;
  action: AuditEntry['action'];
  from: string | null;
  to: string;
  /** who: the portal user (from the evidence) or the token's subject (e.g. the rollout controller) */
  by: string;
  reason: string | null;
}

/** The weight changes of an experiment, oldest first: its start and every ramp. */
export function rampHistoryOf(audit: AuditEntry[]): RampStep[] {
  return audit
    .filter(entry => entry.action === 'ramp' || entry.action === 'start' || entry.action === 'create')
    .map(entry => ({
      at: entry.at,
      action: entry.action,
      from: entry.before ? splitOf(entry.before.variants) : null,
      to: splitOf(entry.after.variants),
      by: actorOf(entry),
      reason: entry.reason,
    }));
}

/** The person behind a change made in the portal (recorded in the evidence), else the token's subject. */
export function actorOf(entry: AuditEntry): string {
  const portalUser = entry.evidence?.portalUser;
  return typeof portalUser === 'string' ? portalUser : entry.actor.sub;
}

/** The owner group ref in its full form, `group:default/name`, lower case (the catalog's ownership refs are). */
export function normalizeGroupRef(ref: string): string {
  const lower = ref.trim().toLowerCase();
  const match = /^(?:([a-z]+):)?(?:([^/:]+)\/)?([^/:]+)$/.exec(lower);
  if (!match) return lower;
  const [, kind = 'group', namespace = 'default', name] = match;
  return `${kind}:${namespace}/${name}`;
}
