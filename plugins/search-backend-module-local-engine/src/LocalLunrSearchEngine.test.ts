import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { mockServices } from '@backstage/backend-test-utils';
import { LunrSearchEngine } from '@backstage/plugin-search-backend-node';
import { LocalLunrSearchEngine } from './LocalLunrSearchEngine';

const documents = [
  { title: 'recommendation-service', text: 'Personalised top-K recommendations', location: '/catalog/default/component/recommendation-service' },
  { title: 'search-service', text: 'Product search with facets', location: '/catalog/default/component/search-service' },
];

async function indexed<T extends LunrSearchEngine>(engine: T): Promise<T> {
  await pipeline(Readable.from(documents), await engine.getIndexer('software-catalog'));
  return engine;
}

describe('LocalLunrSearchEngine', () => {
  const logger = mockServices.logger.mock();

  it('answers an empty page for a type with no index yet, where Lunr answers MissingIndexError', async () => {
    const lunr = await indexed(new LunrSearchEngine({ logger }));
    await expect(lunr.query({ term: 'recommendations', types: ['techdocs'] })).rejects.toMatchObject({ name: 'MissingIndexError' });

    const local = await indexed(new LocalLunrSearchEngine({ logger }));
    await expect(local.query({ term: 'recommendations', types: ['techdocs'] })).resolves.toEqual({ results: [], numberOfResults: 0 });
  });

  it('answers as Lunr does for indexed types, for a mix of indexed and missing types, and for all types', async () => {
    const lunr = await indexed(new LunrSearchEngine({ logger }));
    const local = await indexed(new LocalLunrSearchEngine({ logger }));
    for (const query of [
      { term: 'recommendations', types: ['software-catalog'] },
      { term: 'recommendations', types: ['software-catalog', 'techdocs'] },
      { term: 'search' },
    ]) {
      const expected = await lunr.query(query);
      const actual = await local.query(query);
      expect(actual.results.map(r => r.document.title)).toEqual(expected.results.map(r => r.document.title));
      expect(actual.numberOfResults).toBe(expected.numberOfResults);
    }
    const found = await local.query({ term: 'recommendations', types: ['software-catalog', 'techdocs'] });
    expect(found.results.map(r => r.document.title)).toEqual(['recommendation-service']);
  });
});
