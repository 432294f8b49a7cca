/**
 * The results engine of A/B experiments: relative lift with a Welch t-test
 * (delta method), Bayesian chance to beat control and expected loss, sample
 * ratio mismatch, multiple exposures and operational guardrails. Pure functions,
 * no I/O. See docs/experiment-statistics.md.
 *
 * @packageDocumentation
 */

export * from './analyze';
export * from './statistics';
export * from './health';
export * from './guardrails';
export {
  chiSquareSf,
  normalCdf,
  normalPpf,
  normalSf,
  studentTCdf,
  studentTIsf,
  studentTPpf,
  studentTSf,
} from './distributions';
