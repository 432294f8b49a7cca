import { checkMultipleExposures, checkSampleRatio } from './health';

describe('checkSampleRatio', () => {
  it('is ok when traffic follows the weights', () => {
    const result = checkSampleRatio([
      { key: 'a', weight: 1, users: 5000 },
      { key: 'b', weight: 1, users: 5050 },
    ]);
    expect(result.status).toBe('ok');
    expect(result.flagged).toBe(false);
    expect(result.degreesOfFreedom).toBe(1);
  });

  it('gives no verdict without traffic, and p = 1 with none at all', () => {
    const none = checkSampleRatio([
      { key: 'a', weight: 1, users: 0 },
      { key: 'b', weight: 1, users: 0 },
    ]);
    expect(none).toMatchObject({
      status: 'not-enough-traffic',
      pValue: 1,
      flagged: false,
    });
    const few = checkSampleRatio([
      { key: 'a', weight: 1, users: 1 },
      { key: 'b', weight: 1, users: 9 },
    ]);
    expect(few.status).toBe('not-enough-traffic');
    expect(few.pValue).toBeLessThan(0.05);
  });

  it('honours a custom threshold', () => {
    const variants = [
      { key: 'a', weight: 1, users: 1000 },
      { key: 'b', weight: 1, users: 1100 },
    ];
    expect(checkSampleRatio(variants).status).toBe('ok'); // p ≈ 0.029
    expect(checkSampleRatio(variants, { threshold: 0.05 }).status).toBe(
      'mismatch',
    );
  });

  it('rejects a single variant and weights without a positive sum', () => {
    expect(() => checkSampleRatio([{ key: 'a', weight: 1, users: 3 }])).toThrow(
      RangeError,
    );
    expect(() =>
      checkSampleRatio([
        { key: 'a', weight: 0, users: 3 },
        { key: 'b', weight: 0, users: 3 },
      ]),
    ).toThrow(RangeError);
  });
});

describe('checkMultipleExposures', () => {
  it('warns at 1 % or more of the exposed users', () => {
    // 101 of 10,101 exposed users ≈ 0.99990 % → ok; 102 of 10,102 ≈ 1.0097 % → warning
    expect(checkMultipleExposures(101, 10000).status).toBe('ok');
    const warn = checkMultipleExposures(102, 10000);
    expect(warn).toMatchObject({
      status: 'warning',
      flagged: true,
      exposedUsers: 10102,
    });
    expect(warn.share).toBeCloseTo(102 / 10102, 15);
    expect(checkMultipleExposures(100, 9900).status).toBe('warning'); // exactly 1 %
  });

  it('says when it was not measured or there is too little traffic', () => {
    expect(checkMultipleExposures(undefined, 5000)).toMatchObject({
      status: 'not-measured',
      flagged: false,
      multipleExposureUsers: null,
    });
    expect(checkMultipleExposures(0, 0)).toMatchObject({
      status: 'not-enough-traffic',
      share: 0,
    });
    expect(checkMultipleExposures(3, 5).status).toBe('not-enough-traffic');
  });

  it('takes a custom threshold', () => {
    expect(checkMultipleExposures(30, 9970, { threshold: 0.005 }).status).toBe(
      'ok',
    );
    expect(checkMultipleExposures(60, 9940, { threshold: 0.005 }).status).toBe(
      'warning',
    );
  });
});
