import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadUserConfig } from './config';
import { databaseUrl } from '@platform/service-kit';
import { createPool } from '@platform/service-kit/testing';
import { migrate } from './db/migrate';
import { loadSigningKey } from './keys';
import { startUserService } from './__testUtils__/harness';

jest.setTimeout(30_000);

describe('migrations', () => {
  it('are applied once at start, recorded, and not again by a second start', async () => {
    const h = await startUserService();
    const pool = createPool(databaseUrl(h.databaseUrl, h.database), { max: 2 });
    try {
      const recorded = await h.db.query('select version from schema_migrations order by version');
      expect(recorded.rows.map(r => r.version)).toEqual(['001_users.sql']);
      expect(await migrate(pool)).toEqual([]);
    } finally {
      await pool.end();
      await h.close();
    }
  });

  it('leave the schema untouched when a migration fails', async () => {
    const h = await startUserService();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migrations-'));
    fs.copyFileSync(path.join(__dirname, 'db/migrations/001_users.sql'), path.join(dir, '001_users.sql'));
    fs.writeFileSync(path.join(dir, '002_good.sql'), 'alter table users add column nickname text;');
    fs.writeFileSync(path.join(dir, '003_bad.sql'), 'alter table no_such_table add column x int;');
    const pool = createPool(databaseUrl(h.databaseUrl, h.database), { max: 2 });
    try {
      await expect(migrate(pool, dir)).rejects.toThrow(/no_such_table/);
      const columns = await h.db.query("select column_name from information_schema.columns where table_name = 'users' and column_name = 'nickname'");
      expect(columns.rowCount).toBe(0);
      expect((await h.db.query('select count(*) from schema_migrations')).rows[0].count).toBe('1');
    } finally {
      await pool.end();
      await h.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('signing key', () => {
  const base = { DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db' };

  it('is generated once into the key file in development and reused after a restart', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keys-'));
    const file = path.join(dir, 'keys', 'jwt-ed25519.pem');
    try {
      const first = loadSigningKey(loadUserConfig({ ...base, JWT_KEY_FILE: file }));
      expect(first.generatedFile).toBe(file);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(fs.existsSync(path.join(dir, 'keys', 'jwt-ed25519.pub.pem'))).toBe(true);
      const second = loadSigningKey(loadUserConfig({ ...base, JWT_KEY_FILE: file }));
      expect(second.generatedFile).toBeUndefined();
      expect(second.privateKeyPem).toBe(first.privateKeyPem);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('comes from JWT_PRIVATE_KEY (with escaped newlines) and is required in production', () => {
    const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const fromEnv = loadSigningKey(loadUserConfig({ ...base, JWT_PRIVATE_KEY: pem.replace(/\n/g, '\\n') }));
    expect(fromEnv.privateKeyPem).toBe(pem);
    expect(() => loadSigningKey(loadUserConfig({ ...base, NODE_ENV: 'production' }))).toThrow(/JWT_PRIVATE_KEY is required/);
  });
});
