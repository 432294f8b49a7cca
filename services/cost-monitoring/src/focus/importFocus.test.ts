import { parquetWriteBuffer } from 'hyparquet-writer';
import { FocusFileRejectedError, importFocusCsv, importFocusParquet } from './importFocus';

const options = { allocationTagKey: 'cost-allocation', currency: 'USD' };

const HEADER =
  'BilledCost,EffectiveCost,BillingCurrency,ChargePeriodStart,ChargePeriodEnd,ChargeCategory,ProviderName,ServiceName,ServiceCategory,SubAccountId,RegionId,Tags';

const tag = (service: string) => `"{""cost-allocation"":""${service}"",""team"":""reco""}"`;

const validCsv = [
  HEADER,
  // Two hourly rows of the same day and dimensions are summed into one daily row.
  `1.250000,1.000000,USD,2026-11-02T00:00:00Z,2026-11-02T01:00:00Z,Usage,AWS,Amazon Relational Database Service,Databases,123456789012,eu-west-1,${tag('user-service')}`,
  `0.750000,0.500000,USD,2026-11-02T01:00:00Z,2026-11-02T02:00:00Z,Usage,AWS,Amazon Relational Database Service,Databases,123456789012,eu-west-1,${tag('user-service')}`,
  `3.5,3.5,USD,2026-11-03T00:00:00Z,2026-11-04T00:00:00Z,Usage,Microsoft,Virtual Machines,Compute,sub-1,westeurope,${tag('recommendation-service')}`,
  '0.4,0.3,USD,2026-11-03T00:00:00Z,2026-11-04T00:00:00Z,Usage,Google Cloud,Cloud Run,Compute,reco-prod,europe-west1,',
].join('\n');

function rejection(run: () => unknown): FocusFileRejectedError {
  try {
    run();
  } catch (error) {
    if (error instanceof FocusFileRejectedError) return error;
    throw error;
  }
  throw new Error('expected the file to be rejected');
}

describe('importFocusCsv', () => {
  it('aggregates FOCUS rows into daily rows per service, cloud, account and category', () => {
    const result = importFocusCsv(validCsv, options);
    expect(result.sourceRows).toBe(4);
    expect(result.periodStart).toBe('2026-11-02');
    expect(result.periodEnd).toBe('2026-11-03');
    expect(result.rows).toEqual([
      {
        day: '2026-11-02',
        service: 'user-service',
        cloud: 'aws',
        accountId: '123456789012',
        category: 'Databases',
        providerService: 'Amazon Relational Database Service',
        chargeCategory: 'Usage',
        currency: 'USD',
        billedCost: 2,
        effectiveCost: 1.5,
      },
      {
        day: '2026-11-03',
        service: 'recommendation-service',
        cloud: 'azure',
        accountId: 'sub-1',
        category: 'Compute',
        providerService: 'Virtual Machines',
        chargeCategory: 'Usage',
        currency: 'USD',
        billedCost: 3.5,
        effectiveCost: 3.5,
      },
      {
        day: '2026-11-03',
        service: 'unallocated',
        cloud: 'gcp',
        accountId: 'reco-prod',
        category: 'Compute',
        providerService: 'Cloud Run',
        chargeCategory: 'Usage',
        currency: 'USD',
        billedCost: 0.4,
        effectiveCost: 0.3,
      },
    ]);
  });

  it('rejects the whole file on one malformed row, naming the row and the field', () => {
    const lines = validCsv.split('\n');
    lines[3] = lines[3].replace('3.5,3.5', '3.5,three');
    const error = rejection(() => importFocusCsv(lines.join('\n'), options));
    expect(error.problems).toEqual([{ row: 3, line: 4, field: 'EffectiveCost', message: 'expected a decimal number' }]);
    expect(error.message).toBe('FOCUS file rejected: row 3, field EffectiveCost: expected a decimal number');
  });

  it('rejects a charge period that ends before it starts, an unknown category and a foreign currency', () => {
    const lines = validCsv.split('\n');
    lines[1] = lines[1].replace('2026-11-02T01:00:00Z', '2026-11-01T23:00:00Z');
    lines[2] = lines[2].replace(',Databases,', ',Databasez,');
    lines[4] = lines[4].replace(',USD,', ',EUR,');
    const error = rejection(() => importFocusCsv(lines.join('\n'), options));
    expect(error.problems.map(({ row, field }) => ({ row, field }))).toEqual([
      { row: 1, field: 'ChargePeriodEnd' },
      { row: 2, field: 'ServiceCategory' },
      { row: 4, field: 'BillingCurrency' },
    ]);
  });

  it('rejects a file without a required FOCUS column', () => {
    const csv = validCsv.replace('EffectiveCost,', 'Cost,');
    const error = rejection(() => importFocusCsv(csv, options));
    expect(error.problems).toEqual([{ row: 0, line: 1, field: 'EffectiveCost', message: 'required FOCUS column is missing' }]);
  });

  it('rejects a record with the wrong number of fields', () => {
    const csv = `${validCsv}\n1.0,1.0,USD`;
    const error = rejection(() => importFocusCsv(csv, options));
    expect(error.problems[0]).toMatchObject({ row: 5, line: 6, field: 'ChargePeriodStart' });
    expect(error.problems[0].message).toMatch(/^malformed CSV: Invalid Record Length/);
  });

  it('names the column of a malformed header by its position, as the contract wants a string', () => {
    const error = rejection(() => importFocusCsv('BilledCost,x"y\n', options));
    expect(error.problems[0]).toMatchObject({ row: 1, field: expect.any(String) });
    expect(error.problems[0].message).toMatch(/^malformed CSV: /);
    const quoted = rejection(() => importFocusCsv('"a"b,c\n', options));
    expect(quoted.problems[0]).toMatchObject({ field: 'column 1' });
  });

  it('rejects Tags that are not a JSON object', () => {
    const csv = validCsv.replace(tag('recommendation-service'), '"[1,2]"');
    const error = rejection(() => importFocusCsv(csv, options));
    expect(error.problems).toEqual([
      { row: 3, line: 4, field: 'Tags', message: 'expected a JSON object of tag keys to values' },
    ]);
  });
});

describe('importFocusParquet', () => {
  const column = (name: string, data: unknown[], type: string) => ({ name, data, type });
  function focusParquet(effectiveCosts: unknown[]): ArrayBuffer {
    return parquetWriteBuffer({
      columnData: [
        column('BilledCost', [2.5, 1.25], 'DOUBLE'),
        column('EffectiveCost', effectiveCosts, 'DOUBLE'),
        column('BillingCurrency', ['USD', 'USD'], 'STRING'),
        column('ChargePeriodStart', [new Date('2026-11-05T00:00:00Z'), new Date('2026-11-05T00:00:00Z')], 'TIMESTAMP'),
        column('ChargePeriodEnd', [new Date('2026-11-06T00:00:00Z'), new Date('2026-11-06T00:00:00Z')], 'TIMESTAMP'),
        column('ChargeCategory', ['Usage', 'Usage'], 'STRING'),
        column('ProviderName', ['AWS', 'AWS'], 'STRING'),
        column('ServiceName', ['AWS Lambda', 'AWS Lambda'], 'STRING'),
        column('ServiceCategory', ['Compute', 'Compute'], 'STRING'),
        column('SubAccountId', ['123456789012', '123456789012'], 'STRING'),
        column(
          'Tags',
          [JSON.stringify({ 'cost-allocation': 'cart-checkout-service' }), JSON.stringify({ 'cost-allocation': 'cart-checkout-service' })],
          'STRING',
        ),
      ] as never,
    });
  }

  it('reads typed Parquet columns into the same daily rows', async () => {
    const result = await importFocusParquet(focusParquet([2, 1]), options);
    expect(result.rows).toEqual([
      {
        day: '2026-11-05',
        service: 'cart-checkout-service',
        cloud: 'aws',
        accountId: '123456789012',
        category: 'Compute',
        providerService: 'AWS Lambda',
        chargeCategory: 'Usage',
        currency: 'USD',
        billedCost: 3.75,
        effectiveCost: 3,
      },
    ]);
  });

  it('rejects a Parquet file with a missing value in a required column, naming the row', async () => {
    await expect(importFocusParquet(focusParquet([2, null]), options)).rejects.toMatchObject({
      problems: [{ row: 2, field: 'EffectiveCost' }],
    });
  });

  it('rejects bytes that are not Parquet', async () => {
    await expect(importFocusParquet(new TextEncoder().encode('not parquet'), options)).rejects.toMatchObject({
      problems: [{ row: 0, field: '(file)' }],
    });
  });
});
