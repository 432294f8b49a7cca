import { Client, Pool } from 'pg';

export async function dropDatabase(serverUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`drop database if exists "${database}" with (force)`);
  } finally {
    await client.end();
  }
}

export function createPool(url: string, max: number): Pool {
  const pool = new Pool({ connectionString: url, max, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 5_000 });
  // an idle client losing its server (restart, failover, dropped database) must not crash the process:
  // pg discards that client, and the next query reports the failure through /readyz and the request
  pool.on('error', () => undefined);
  return pool;
}
