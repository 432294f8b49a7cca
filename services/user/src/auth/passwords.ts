import bcrypt from 'bcryptjs';

/** bcrypt hashing whose cost is configured (12 in production; tests use the minimum, 4). */
export class PasswordHasher {
  /** a hash to compare against when the email is unknown, so both failures take the same time */
  private readonly decoy: Promise<string>;

  constructor(private readonly cost: number) {
    this.decoy = bcrypt.hash('no user has this password', cost);
  }

  hash(password: string): Promise<string> {
    return bcrypt.hash(password, this.cost);
  }

  async verify(password: string, hash: string | undefined): Promise<boolean> {
    const matches = await bcrypt.compare(password, hash ?? (await this.decoy));
    return hash !== undefined && matches;
  }
}
