import { fileNameOf, hourEndMillis, hourPartitionOf, objectKey, parseObjectKey } from './layout';

describe('lake layout', () => {
  it('partitions by the UTC hour of the event time, whatever the offset it was written with', () => {
    expect(hourPartitionOf('click', Date.parse('2026-03-09T23:59:59.999-02:00'))).toEqual({
      type: 'click',
      dt: '2026-03-10',
      hour: '01',
    });
    expect(hourPartitionOf('view', Date.parse('2026-12-31T00:00:00Z'))).toEqual({ type: 'view', dt: '2026-12-31', hour: '00' });
  });

  it('ends an hour at the next full hour', () => {
    expect(new Date(hourEndMillis({ type: 'cart', dt: '2026-12-31', hour: '23' })).toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });

  it('names an object by its partition and offset range, and reads the name back', () => {
    const partition = { type: 'purchase', dt: '2026-05-01', hour: '07' };
    const file = { topic: 'events.purchase', partition: 3, firstOffset: 120n, lastOffset: 180n };
    const key = objectKey(partition, file);
    expect(key).toBe('events/type=purchase/dt=2026-05-01/hour=07/events.purchase-3-120-180.parquet');
    expect(fileNameOf(file)).toBe('events.purchase-3-120-180.parquet');
    expect(parseObjectKey(key)).toEqual({ key, ...partition, ...file });
    // a topic with dashes and digits still parses from the right
    expect(parseObjectKey('events/type=click/dt=2026-05-01/hour=07/lake-test-2.click-0-5-9.parquet')).toMatchObject({
      topic: 'lake-test-2.click',
      partition: 0,
      firstOffset: 5n,
      lastOffset: 9n,
    });
    expect(parseObjectKey('events/type=click/dt=2026-05-01/hour=07/notes.txt')).toBeUndefined();
  });
});
