import request from 'supertest';
import { signUp, startUserService, uniqueEmail, userApi, UserServiceHarness } from './__testUtils__/harness';

jest.setTimeout(30_000);

describe('user service: registration and profiles', () => {
  let h: UserServiceHarness;
  beforeAll(async () => {
    h = await startUserService();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('registers a user as a customer and never shows the password', async () => {
    const email = uniqueEmail();
    const res = await request(h.app)
      .post('/users')
      .send({ email, password: 'a long enough secret', name: 'Grace Hopper', preferences: { currency: 'EUR', locale: 'en-GB' } });
    userApi.assertResponse('POST', '/users', res);
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/users/${res.body.id}`);
    expect(res.body).toMatchObject({ email, name: 'Grace Hopper', roles: ['customer'], preferences: { currency: 'EUR', locale: 'en-GB' } });
    expect(JSON.stringify(res.body)).not.toContain('secret');
    const stored = await h.db.query('select password_hash from users where id = $1', [res.body.id]);
    expect(stored.rows[0].password_hash).toMatch(/^\$2[aby]\$04\$/);
  });

  it('answers 409 to a duplicate email in any letter case, also when registrations race', async () => {
    const email = uniqueEmail('dup');
    const first = await request(h.app).post('/users').send({ email, password: 'password-one', name: 'One' });
    expect(first.status).toBe(201);
    const again = await request(h.app).post('/users').send({ email: email.toUpperCase(), password: 'password-two', name: 'Two' });
    userApi.assertResponse('POST', '/users', again);
    expect(again.status).toBe(409);
    expect(again.headers['content-type']).toMatch(/^application\/problem\+json/);

    const raced = uniqueEmail('race');
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => request(h.app).post('/users').send({ email: raced, password: `password-${i}`, name: `R${i}` })),
    );
    answers.forEach(a => userApi.assertResponse('POST', '/users', a));
    expect(answers.map(a => a.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    const rows = await h.db.query('select count(*) from users where lower(email) = lower($1)', [raced]);
    expect(Number(rows.rows[0].count)).toBe(1);
  });

  it('refuses bad input with 4xx problem+json and stores nothing', async () => {
    const before = await h.userCount();
    const valid = { email: uniqueEmail('bad'), password: 'long enough pw', name: 'Valid' };
    const cases: Array<{ label: string; send: () => request.Test; status: number; pointer?: string }> = [
      { label: 'malformed JSON', send: () => request(h.app).post('/users').set('content-type', 'application/json').send('{"email":'), status: 400 },
      { label: 'wrong type', send: () => request(h.app).post('/users').send({ ...valid, name: 42 }), status: 400, pointer: '/name' },
      { label: 'unknown field', send: () => request(h.app).post('/users').send({ ...valid, isAdmin: true }), status: 400, pointer: '/isAdmin' },
      { label: 'roles on registration', send: () => request(h.app).post('/users').send({ ...valid, roles: ['admin'] }), status: 400, pointer: '/roles' },
      { label: 'bad email', send: () => request(h.app).post('/users').send({ ...valid, email: 'not-an-email' }), status: 400, pointer: '/email' },
      { label: 'short password', send: () => request(h.app).post('/users').send({ ...valid, password: 'short' }), status: 400, pointer: '/password' },
      { label: 'missing field', send: () => request(h.app).post('/users').send({ email: valid.email, password: valid.password }), status: 400, pointer: '/name' },
      { label: 'unknown preference', send: () => request(h.app).post('/users').send({ ...valid, preferences: { theme: 'dark' } }), status: 400, pointer: '/preferences/theme' },
      { label: 'no body', send: () => request(h.app).post('/users'), status: 400 },
      // PostgreSQL cannot store U+0000 in text; found by contract fuzzing as a 500
      { label: 'NUL in a name', send: () => request(h.app).post('/users').send({ ...valid, name: 'Ada\u0000' }), status: 400, pointer: '/name' },
      {
        label: 'NUL in a preference',
        send: () => request(h.app).post('/users').send({ ...valid, preferences: { favoriteCategories: ['books', 'a\u0000b'] } }),
        status: 400,
        pointer: '/preferences/favoriteCategories/1',
      },
      { label: 'a JSON array', send: () => request(h.app).post('/users').send([valid]), status: 400 },
      { label: 'oversized', send: () => request(h.app).post('/users').send({ ...valid, name: 'x'.repeat(20_000) }), status: 413 },
    ];
    for (const c of cases) {
      const res = await c.send();
      userApi.assertResponse('POST', '/users', res);
      expect({ label: c.label, status: res.status }).toEqual({ label: c.label, status: c.status });
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      const pointers = (res.body.errors ?? []).map((e: { pointer: string }) => e.pointer);
      expect(pointers).toEqual(expect.arrayContaining(c.pointer ? [c.pointer] : []));
    }
    expect(await h.userCount()).toBe(before);
  });

  it('lets a user read themselves, admins and services anyone, and nobody else', async () => {
    const ada = await signUp(h);
    const bob = await signUp(h, { name: 'Bob' });
    const admin = await signUp(h, { roles: ['admin'] });
    const serviceToken = await h.tokens.sign({ sub: 'recommendation-service', roles: ['service'] });

    const self = await request(h.app).get(`/users/${ada.id}`).auth(ada.accessToken, { type: 'bearer' });
    userApi.assertResponse('GET', `/users/${ada.id}`, self);
    expect(self.status).toBe(200);
    expect(self.body).toMatchObject({ id: ada.id, email: ada.email, roles: ['customer'] });

    const other = await request(h.app).get(`/users/${ada.id}`).auth(bob.accessToken, { type: 'bearer' });
    userApi.assertResponse('GET', `/users/${ada.id}`, other);
    expect(other.status).toBe(403);

    for (const token of [admin.accessToken, serviceToken]) {
      const res = await request(h.app).get(`/users/${ada.id}`).auth(token, { type: 'bearer' });
      userApi.assertResponse('GET', `/users/${ada.id}`, res);
      expect(res.status).toBe(200);
    }

    const missingId = '00000000-0000-4000-8000-000000000000';
    const missing = await request(h.app).get(`/users/${missingId}`).auth(admin.accessToken, { type: 'bearer' });
    userApi.assertResponse('GET', `/users/${missingId}`, missing);
    expect(missing.status).toBe(404);

    const anonymous = await request(h.app).get(`/users/${ada.id}`);
    userApi.assertResponse('GET', `/users/${ada.id}`, anonymous);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toBe('Bearer');

    const forged = await request(h.app).get(`/users/${ada.id}`).auth(`${ada.accessToken.slice(0, -4)}AAAA`, { type: 'bearer' });
    userApi.assertResponse('GET', `/users/${ada.id}`, forged);
    expect(forged.status).toBe(401);

    const notUuid = await request(h.app).get('/users/42').auth(admin.accessToken, { type: 'bearer' });
    userApi.assertResponse('GET', '/users/42', notUuid);
    expect(notUuid.status).toBe(400);
  });

  it('lets a user change their profile, only admins change roles, and a taken email answers 409', async () => {
    const ada = await signUp(h);
    const bob = await signUp(h);
    const admin = await signUp(h, { roles: ['admin'] });
    const path = `/users/${ada.id}`;
    const patch = (token: string, body: object | string) => request(h.app).patch(path).auth(token, { type: 'bearer' }).send(body);

    const first = await patch(ada.accessToken, { name: 'Ada King', preferences: { favoriteCategories: ['books'], marketingOptIn: true } });
    userApi.assertResponse('PATCH', path, first);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ name: 'Ada King', preferences: { favoriteCategories: ['books'], marketingOptIn: true } });
    expect(Date.parse(first.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(first.body.createdAt));

    // preferences are replaced as a whole
    const second = await patch(ada.accessToken, { preferences: { currency: 'USD' } });
    userApi.assertResponse('PATCH', path, second);
    expect(second.body.preferences).toEqual({ currency: 'USD' });
    expect(second.body.name).toBe('Ada King');

    const selfPromotion = await patch(ada.accessToken, { roles: ['admin'] });
    userApi.assertResponse('PATCH', path, selfPromotion);
    expect(selfPromotion.status).toBe(403);

    const byOther = await patch(bob.accessToken, { name: 'Mallory' });
    userApi.assertResponse('PATCH', path, byOther);
    expect(byOther.status).toBe(403);

    const taken = await patch(ada.accessToken, { email: bob.email.toUpperCase() });
    userApi.assertResponse('PATCH', path, taken);
    expect(taken.status).toBe(409);

    const before = (await h.db.query('select name, email, preferences, roles, updated_at from users where id = $1', [ada.id])).rows[0];
    for (const body of [{}, { name: '' }, { nickname: 'A' }, { preferences: { currency: 'euro' } }, '{"name":']) {
      const res = typeof body === 'string'
        ? await request(h.app).patch(path).auth(ada.accessToken, { type: 'bearer' }).set('content-type', 'application/json').send(body)
        : await patch(ada.accessToken, body);
      userApi.assertResponse('PATCH', path, res);
      expect(res.status).toBe(400);
    }
    const after = (await h.db.query('select name, email, preferences, roles, updated_at from users where id = $1', [ada.id])).rows[0];
    expect(after).toEqual(before);

    const promoted = await patch(admin.accessToken, { roles: ['customer', 'admin'] });
    userApi.assertResponse('PATCH', path, promoted);
    expect(promoted.status).toBe(200);
    expect(promoted.body.roles).toEqual(['customer', 'admin']);
  });

  it('reports health, readiness and metrics as the contract says', async () => {
    for (const path of ['/healthz', '/readyz', '/metrics']) {
      const res = await request(h.app).get(path);
      userApi.assertResponse('GET', path, { ...res, body: path === '/metrics' ? res.text : res.body });
      expect(res.status).toBe(200);
    }
    const metrics = await request(h.app).get('/metrics');
    expect(metrics.text).toMatch(/http_requests_total\{route="\/users\/\{id\}",method="PATCH",status="200",service="user-service"\} \d+/);
  });
});
