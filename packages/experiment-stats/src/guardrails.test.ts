import { evaluateGuardrails } from './guardrails';

describe('evaluateGuardrails', () => {
  it('holds when every value is within its limits', () => {
    const verdict = evaluateGuardrails({
      variantKey: 'treatment',
      observed: { p95LatencyMs: 180, errorRate: 0.004 },
      control: { p95LatencyMs: 170, errorRate: 0.003 },
      thresholds: {
        p95LatencyMs: { max: 250, maxIncreaseOverControl: 0.1 },
        errorRate: { max: 0.01, maxIncreaseOverControl: 0.005 },
      },
    });
    expect(verdict.status).toBe('held');
    expect(verdict.checks).toHaveLength(4);
    expect(verdict.checks.every(c => c.status === 'held')).toBe(true);
    expect(verdict.checks[1]).toMatchObject({
      guardrail: 'p95LatencyMs',
      rule: 'maxIncreaseOverControl',
      observed: 180,
      control: 170,
    });
    expect(verdict.checks[1].limit).toBeCloseTo(187, 10);
  });

  it('is breached with the evidence of the breach', () => {
    const verdict = evaluateGuardrails({
      variantKey: 'treatment',
      observed: { p95LatencyMs: 320, errorRate: 0.002 },
      thresholds: { p95LatencyMs: { max: 250 }, errorRate: { max: 0.01 } },
    });
    expect(verdict.status).toBe('breached');
    const latency = verdict.checks.find(c => c.guardrail === 'p95LatencyMs')!;
    expect(latency).toMatchObject({
      status: 'breached',
      observed: 320,
      limit: 250,
    });
    expect(latency.evidence).toBe(
      'P95 latency of treatment is 320 ms, above the limit of 250 ms.',
    );
    expect(verdict.checks.find(c => c.guardrail === 'errorRate')!.status).toBe(
      'held',
    );
  });

  it('breaches on the increase over the control', () => {
    const verdict = evaluateGuardrails({
      variantKey: 'b',
      observed: { errorRate: 0.02 },
      control: { errorRate: 0.01 },
      thresholds: { errorRate: { maxIncreaseOverControl: 0.005 } },
    });
    expect(verdict.status).toBe('breached');
    expect(verdict.checks[0].evidence).toContain(
      '2 % against 1 % in the control',
    );
  });

  it('a value equal to its limit holds', () => {
    const verdict = evaluateGuardrails({
      variantKey: 'b',
      observed: { p95LatencyMs: 250 },
      thresholds: { p95LatencyMs: { max: 250 } },
    });
    expect(verdict.status).toBe('held');
  });

  it('never holds on missing data', () => {
    const verdict = evaluateGuardrails({
      variantKey: 'b',
      observed: { p95LatencyMs: NaN, errorRate: null },
      thresholds: {
        p95LatencyMs: { max: 250 },
        errorRate: { maxIncreaseOverControl: 0.01 },
      },
    });
    expect(verdict.status).toBe('no-data');
    expect(verdict.checks.map(c => c.status)).toEqual(['no-data', 'no-data']);
  });

  it('a breach outranks missing data', () => {
    const verdict = evaluateGuardrails({
      variantKey: 'b',
      observed: { p95LatencyMs: 900 },
      thresholds: { p95LatencyMs: { max: 250 }, errorRate: { max: 0.01 } },
    });
    expect(verdict.status).toBe('breached');
  });

  it('rejects missing or invalid thresholds', () => {
    expect(() =>
      evaluateGuardrails({ variantKey: 'b', observed: {}, thresholds: {} }),
    ).toThrow(RangeError);
    expect(() =>
      evaluateGuardrails({
        variantKey: 'b',
        observed: {},
        thresholds: { errorRate: { max: 5 } },
      }),
    ).toThrow(/fraction/);
    expect(() =>
      evaluateGuardrails({
        variantKey: 'b',
        observed: {},
        thresholds: { p95LatencyMs: { max: -1 } },
      }),
    ).toThrow(RangeError);
  });
});
