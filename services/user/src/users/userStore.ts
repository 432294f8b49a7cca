import type { Pool } from 'pg';
import { EmailTakenError, Preferences, Role, User, UserChanges } from './model';

interface UserRow {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  preferences: Preferences;
  roles: Role[];
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, email, name, password_hash, preferences, roles, created_at, updated_at';

function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    preferences: row.preferences,
    roles: row.roles,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Duplicate emails are found by the unique index on lower(email), never by a read first: that would race. */
function rethrowEmailTaken(e: unknown, email: string | undefined): never {
  const error = e as { code?: string; constraint?: string };
  if (error.code === '23505' && error.constraint === 'users_email_lower_key') throw new EmailTakenError(email ?? '');
  throw e;
}

export class UserStore {
  constructor(private readonly pool: Pool) {}

  async create(input: { email: string; name: string; passwordHash: string; preferences?: Preferences }): Promise<User> {
    try {
      const { rows } = await this.pool.query<UserRow>(
        `insert into users (email, name, password_hash, preferences) values ($1, $2, $3, $4) returning ${COLUMNS}`,
        [input.email, input.name, input.passwordHash, input.preferences ?? {}],
      );
      return toUser(rows[0]);
    } catch (e) {
      return rethrowEmailTaken(e, input.email);
    }
  }

  async findById(id: string): Promise<User | undefined> {
    const { rows } = await this.pool.query<UserRow>(`select ${COLUMNS} from users where id = $1`, [id]);
    return rows[0] && toUser(rows[0]);
  }

  /** the user and the password hash to check a login against */
  async findCredentials(email: string): Promise<{ user: User; passwordHash: string } | undefined> {
    const { rows } = await this.pool.query<UserRow>(`select ${COLUMNS} from users where lower(email) = lower($1)`, [
      email,
    ]);
    return rows[0] && { user: toUser(rows[0]), passwordHash: rows[0].password_hash };
  }

  async update(id: string, changes: UserChanges): Promise<User | undefined> {
    try {
      const { rows } = await this.pool.query<UserRow>(
        `update users set
           email = coalesce($2, email),
           name = coalesce($3, name),
           preferences = coalesce($4, preferences),
           roles = coalesce($5, roles),
           updated_at = now()
         where id = $1
         returning ${COLUMNS}`,
        [id, changes.email ?? null, changes.name ?? null, changes.preferences ?? null, changes.roles ?? null],
      );
      return rows[0] && toUser(rows[0]);
    } catch (e) {
      return rethrowEmailTaken(e, changes.email);
    }
  }
}
