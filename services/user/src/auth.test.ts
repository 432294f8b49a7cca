import request from 'supertest';
import { createJwtVerifier } from '@platform/service-kit';
import { signUp, startUserService, userApi, UserServiceHarness } from './__testUtils__/harness';

jest.setTimeout(30_000);

describe('user service: login and refresh tokens', () => {
  let h: UserServiceHarness;
  beforeAll(async () => {
    h = await startUserService();
  });
  afterAll(async () => {
    await h?.close();
  });

  const refresh = async (refreshToken: string) => {
    const res = await request(h.app).post('/auth/refresh').send({ refreshToken });
    userApi.assertResponse('POST', '/auth/refresh', res);
    return res;
  };

  it('logs in with email in any case and issues a 15-minute EdDSA token verifiable through the JWKS', async () => {
    const user = await signUp(h);
    const login = await request(h.app).post('/auth/login').send({ email: user.email.toUpperCase(), password: user.password });
    userApi.assertResponse('POST', '/auth/login', login);
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });

    const jwks = await request(h.app).get('/.well-known/jwks.json');
    userApi.assertResponse('GET', '/.well-known/jwks.json', jwks);
    expect(jwks.headers['cache-control']).toMatch(/max-age=\d+/);
    const verifier = await createJwtVerifier({ jwks: jwks.body, issuer: 'user-service', audience: 'platform' });
    const claims = await verifier.verify(login.body.accessToken);
    expect(claims).toMatchObject({ sub: user.id, email: user.email, roles: ['customer'] });
    expect(claims.exp! - claims.iat!).toBe(900);
    expect(JSON.parse(Buffer.from(login.body.accessToken.split('.')[0], 'base64url').toString())).toMatchObject({
      alg: 'EdDSA',
      kid: jwks.body.keys[0].kid,
    });
  });

  it('answers a wrong password and an unknown email with the same 401', async () => {
    const user = await signUp(h);
    const wrong = await request(h.app).post('/auth/login').send({ email: user.email, password: 'not the password' });
    const unknown = await request(h.app).post('/auth/login').send({ email: 'nobody@example.com', password: user.password });
    for (const res of [wrong, unknown]) {
      userApi.assertResponse('POST', '/auth/login', res);
      expect(res.status).toBe(401);
    }
    expect(wrong.body.detail).toBe(unknown.body.detail);
    const bad = await request(h.app).post('/auth/login').send({ email: user.email, password: user.password, remember: true });
    userApi.assertResponse('POST', '/auth/login', bad);
    expect(bad.status).toBe(400);
  });

  it('rotates refresh tokens, and a reused one revokes its whole family but no other login', async () => {
    const user = await signUp(h);
    const otherDevice = await request(h.app).post('/auth/login').send({ email: user.email, password: user.password });

    const first = await refresh(user.refreshToken);
    expect(first.status).toBe(200);
    expect(first.body.refreshToken).not.toBe(user.refreshToken);
    const second = await refresh(first.body.refreshToken);
    expect(second.status).toBe(200);

    // the first token is presented again: someone holds a copy
    const replay = await refresh(user.refreshToken);
    expect(replay.status).toBe(401);
    // ...so the newest token of that family is dead too
    expect((await refresh(second.body.refreshToken)).status).toBe(401);
    // a separate login is a separate family
    expect((await refresh(otherDevice.body.refreshToken)).status).toBe(200);

    const stored = await h.db.query(
      'select count(*) filter (where revoked_at is not null) as revoked, count(*) as total from refresh_tokens where user_id = $1',
      [user.id],
    );
    expect(stored.rows[0]).toEqual({ revoked: '3', total: '5' });
  });

  it('stores refresh tokens only as hashes and refuses expired, unknown and malformed ones', async () => {
    const user = await signUp(h);
    const raw = await h.db.query('select token_hash from refresh_tokens where user_id = $1', [user.id]);
    expect(raw.rows[0].token_hash).toHaveLength(32);
    expect(raw.rows[0].token_hash.toString('base64url')).not.toBe(user.refreshToken);

    await h.db.query("update refresh_tokens set expires_at = now() - interval '1 second' where user_id = $1", [user.id]);
    expect((await refresh(user.refreshToken)).status).toBe(401);
    // the next login clears the expired token away
    await request(h.app).post('/auth/login').send({ email: user.email, password: user.password });
    const left = await h.db.query('select count(*) filter (where expires_at < now()) as expired, count(*) as total from refresh_tokens where user_id = $1', [user.id]);
    expect(left.rows[0]).toEqual({ expired: '0', total: '1' });
    expect((await refresh('A'.repeat(43))).status).toBe(401);
    const short = await refresh('short');
    expect(short.status).toBe(400);
    expect(short.body.errors[0].pointer).toBe('/refreshToken');
  });

  it('lets exactly one of two concurrent refreshes with the same token win', async () => {
    const user = await signUp(h);
    const [a, b] = await Promise.all([refresh(user.refreshToken), refresh(user.refreshToken)]);
    expect([a.status, b.status].sort()).toEqual([200, 401]);
  });
});
