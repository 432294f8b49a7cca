import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { JwtIssuer } from '@platform/service-kit';
import type { User } from '../users/model';
import { UserStore } from '../users/userStore';
import { PasswordHasher } from './passwords';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

/** Why a login or refresh was refused; the API answers all of them with the same 401. */
export class AuthenticationError extends Error {
  constructor(readonly reason: 'bad-credentials' | 'unknown-token' | 'expired' | 'revoked' | 'reused') {
    super(reason);
    this.name = 'AuthenticationError';
  }
}

const hashToken = (token: string) => createHash('sha256').update(token).digest();

interface RefreshRow {
  id: string;
  user_id: string;
  family_id: string;
  expires_at: Date;
  rotated_at: Date | null;
  revoked_at: Date | null;
}

/**
 * Logins and refresh-token rotation. A refresh token is random, stored only as its SHA-256 hash and used once:
 * refreshing marks it rotated and issues the next token of the same family. Presenting a rotated token again
 * means it leaked (or a client replayed it), so the whole family is revoked and the holder must log in again.
 */
export class SessionService {
  constructor(
    private readonly pool: Pool,
    private readonly users: UserStore,
    private readonly passwords: PasswordHasher,
    private readonly issuer: JwtIssuer,
    private readonly refreshTtlSeconds: number,
  ) {}

  async login(email: string, password: string): Promise<TokenPair> {
    const found = await this.users.findCredentials(email);
    if (!(await this.passwords.verify(password, found?.passwordHash)) || !found) {
      throw new AuthenticationError('bad-credentials');
    }
    // expired tokens can no longer be refreshed or reveal a reuse: each login clears its user's, so the table stays small
    await this.pool.query('delete from refresh_tokens where user_id = $1 and expires_at < now()', [found.user.id]);
    return this.issue(this.pool, found.user, randomUUID());
  }

  /** Returns the next pair, or throws AuthenticationError; a reused token revokes its family (committed). */
  async refresh(refreshToken: string, onReuse: (userId: string, familyId: string) => void): Promise<TokenPair> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      const { rows } = await client.query<RefreshRow>(
        'select id, user_id, family_id, expires_at, rotated_at, revoked_at from refresh_tokens where token_hash = $1 for update',
        [hashToken(refreshToken)],
      );
      const row = rows[0];
      const refusal = this.refusal(row);
      if (refusal === 'reused') {
        await client.query('update refresh_tokens set revoked_at = now() where family_id = $1 and revoked_at is null', [
          row!.family_id,
        ]);
        await client.query('commit');
        onReuse(row!.user_id, row!.family_id);
        throw new AuthenticationError('reused');
      }
      if (refusal) {
        await client.query('rollback');
        throw new AuthenticationError(refusal);
      }
      await client.query('update refresh_tokens set rotated_at = now() where id = $1', [row!.id]);
      const user = await this.users.findById(row!.user_id);
      if (!user) {
        await client.query('rollback');
        throw new AuthenticationError('unknown-token');
      }
      const pair = await this.issue(client, user, row!.family_id);
      await client.query('commit');
      return pair;
    } catch (e) {
      if (!(e instanceof AuthenticationError)) await client.query('rollback');
      throw e;
    } finally {
      client.release();
    }
  }

  private refusal(row: RefreshRow | undefined): AuthenticationError['reason'] | undefined {
    if (!row) return 'unknown-token';
    if (row.revoked_at) return 'revoked';
    if (row.rotated_at) return 'reused';
    if (row.expires_at.getTime() <= Date.now()) return 'expired';
    return undefined;
  }

  private async issue(db: Pool | PoolClient, user: User, familyId: string): Promise<TokenPair> {
    const refreshToken = randomBytes(32).toString('base64url');
    await db.query(
      `insert into refresh_tokens (user_id, family_id, token_hash, expires_at)
       values ($1, $2, $3, now() + make_interval(secs => $4))`,
      [user.id, familyId, hashToken(refreshToken), this.refreshTtlSeconds],
    );
    return {
      accessToken: await this.issuer.sign({ sub: user.id, roles: user.roles, email: user.email }),
      refreshToken,
      tokenType: 'Bearer',
      expiresIn: this.issuer.ttlSeconds,
    };
  }
}
