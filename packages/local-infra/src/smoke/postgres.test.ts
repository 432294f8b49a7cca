import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { loadInfraEnv } from '../env';

describe('PostgreSQL (yarn infra)', () => {
  let pool: Pool;
  const schema = `smoke_${randomUUID().replace(/-/g, '')}`;

  beforeAll(async () => {
    const env = loadInfraEnv();
    pool = new Pool({ connectionString: env.DATABASE_URL, max: 4 });
    await pool.query(`CREATE SCHEMA ${schema}`);
    await pool.query(`
      CREATE TABLE ${schema}.products (
        id serial PRIMARY KEY,
        attributes jsonb NOT NULL,
        description text NOT NULL,
        search tsvector GENERATED ALWAYS AS (to_tsvector('english', description)) STORED
      )`);
    await pool.query(
      `CREATE INDEX ON ${schema}.products USING gin (attributes jsonb_path_ops)`,
    );
    await pool.query(`CREATE INDEX ON ${schema}.products USING gin (search)`);
  });

  afterAll(async () => {
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await pool.end();
  });

  it('commits and rolls back transactions', async () => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO ${schema}.products (attributes, description) VALUES ($1, $2)`,
        [{ sku: 'rolled-back' }, 'never visible'],
      );
      await client.query('ROLLBACK');
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO ${schema}.products (attributes, description) VALUES ($1, $2)`,
        [{ sku: 'committed' }, 'kept'],
      );
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    const { rows } = await pool.query(
      `SELECT attributes->>'sku' AS sku FROM ${schema}.products`,
    );
    expect(rows.map(r => r.sku)).toEqual(['committed']);
  });

  it('queries JSONB documents by containment and path', async () => {
    await pool.query(
      `INSERT INTO ${schema}.products (attributes, description)
       SELECT jsonb_build_object('sku', 'sku-' || n, 'category', CASE WHEN n % 2 = 0 THEN 'shoes' ELSE 'hats' END,
                                 'price', n * 10, 'tags', jsonb_build_array('tag' || (n % 3)))
            , 'generated product ' || n
       FROM generate_series(1, 20) AS n`,
    );
    const { rows } = await pool.query(
      `SELECT attributes->>'sku' AS sku FROM ${schema}.products
       WHERE attributes @> $1 AND (attributes->>'price')::int >= 100
       ORDER BY (attributes->>'price')::int`,
      [{ category: 'shoes', tags: ['tag1'] }],
    );
    // Even n >= 10 with n % 3 = 1: 10, 16.
    expect(rows.map(r => r.sku)).toEqual(['sku-10', 'sku-16']);
  });

  it('ranks full-text search matches', async () => {
    await pool.query(
      `INSERT INTO ${schema}.products (attributes, description) VALUES ($1, $2), ($3, $4), ($5, $6)`,
      [
        { sku: 'runner' },
        'Lightweight running shoes for trail running and racing',
        { sku: 'boot' },
        'Waterproof hiking boots; not meant for running',
        { sku: 'mug' },
        'Ceramic coffee mug',
      ],
    );
    const { rows } = await pool.query(
      `SELECT attributes->>'sku' AS sku FROM ${schema}.products
       WHERE search @@ websearch_to_tsquery('english', $1)
       ORDER BY ts_rank(search, websearch_to_tsquery('english', $1)) DESC`,
      ['running shoes'],
    );
    expect(rows.map(r => r.sku)).toEqual(['runner']);
    const stemmed = await pool.query(
      `SELECT attributes->>'sku' AS sku FROM ${schema}.products
       WHERE search @@ websearch_to_tsquery('english', 'run') ORDER BY 1`,
    );
    expect(stemmed.rows.map(r => r.sku)).toEqual(['boot', 'runner']);
  });
});
