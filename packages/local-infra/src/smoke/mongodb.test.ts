import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { loadInfraEnv } from '../env';

interface Product {
  sku: string;
  category: string;
  price: number;
  stock: number;
}

describe('MongoDB protocol (FerretDB, yarn infra)', () => {
  let client: MongoClient;
  const dbName = `smoke_${randomUUID().replace(/-/g, '').slice(0, 16)}`;

  beforeAll(async () => {
    client = new MongoClient(loadInfraEnv().MONGODB_URI, {
      serverSelectionTimeoutMS: 5_000,
    });
    await client.connect();
  });

  afterAll(async () => {
    await client.db(dbName).dropDatabase();
    await client.close();
  });

  it('answers ping', async () => {
    await expect(
      client.db('admin').command({ ping: 1 }),
    ).resolves.toMatchObject({ ok: 1 });
  });

  it('inserts, indexes, runs range queries and aggregations', async () => {
    const products = client.db(dbName).collection<Product>('products');
    const docs: Product[] = Array.from({ length: 50 }, (_, n) => ({
      sku: `sku-${n}`,
      category: ['shoes', 'hats', 'bags'][n % 3],
      price: n * 5,
      stock: n % 7,
    }));
    const inserted = await products.insertMany(docs);
    expect(inserted.insertedCount).toBe(50);

    await products.createIndex({ sku: 1 }, { unique: true });
    await products.createIndex({ category: 1, price: -1 });
    const indexNames = (await products.listIndexes().toArray()).map(
      index => index.name,
    );
    expect(indexNames).toEqual(
      expect.arrayContaining(['_id_', 'sku_1', 'category_1_price_-1']),
    );
    await expect(
      products.insertOne({
        sku: 'sku-1',
        category: 'hats',
        price: 1,
        stock: 1,
      }),
    ).rejects.toThrow(/duplicate key/i);

    const inRange = await products
      .find(
        { price: { $gte: 100, $lt: 130 } },
        { projection: { _id: 0, sku: 1 } },
      )
      .sort({ price: 1 })
      .toArray();
    expect(inRange.map(p => p.sku)).toEqual([
      'sku-20',
      'sku-21',
      'sku-22',
      'sku-23',
      'sku-24',
      'sku-25',
    ]);

    const byCategory = await products
      .aggregate<{ _id: string; totalPrice: number }>([
        { $match: { stock: { $gt: 0 } } },
        // FerretDB 1.24 implements only $sum and $count as $group accumulators, and computes only the
        // first accumulator of a $group correctly (see docs/local-infrastructure.md): one per stage.
        { $group: { _id: '$category', totalPrice: { $sum: '$price' } } },
        { $sort: { _id: 1 } },
      ])
      .toArray();
    const expected = ['bags', 'hats', 'shoes'].map(category => ({
      _id: category,
      totalPrice: docs
        .filter(d => d.category === category && d.stock > 0)
        .reduce((sum, d) => sum + d.price, 0),
    }));
    const [inStock] = await products
      .aggregate<{ n: number }>([
        { $match: { stock: { $gt: 0 } } },
        { $count: 'n' },
      ])
      .toArray();
    expect(inStock.n).toBe(docs.filter(d => d.stock > 0).length);
    expect(byCategory).toEqual(expected);
  });
});
