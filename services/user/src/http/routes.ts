import { HttpError, problems, requireAuth } from '@platform/service-kit';
import type { JwtIssuer, JwtVerifier, Request, Router } from '@platform/service-kit';
import { AuthenticationError, SessionService } from '../auth/sessions';
import { PasswordHasher } from '../auth/passwords';
import { EmailTakenError, UserChanges } from '../users/model';
import { UserStore } from '../users/userStore';

export interface UserRoutesDeps {
  users: UserStore;
  sessions: SessionService;
  passwords: PasswordHasher;
  issuer: JwtIssuer;
  verifier: JwtVerifier;
  onTokenReuse(userId: string, familyId: string): void;
}

const invalidCredentials = () =>
  new HttpError(401, 'Unauthorized', { detail: 'The email or password is not correct.' });

function asHttpError(e: unknown): unknown {
  if (e instanceof EmailTakenError) return problems.conflict(e.message);
  if (e instanceof AuthenticationError) {
    return e.reason === 'bad-credentials'
      ? invalidCredentials()
      : new HttpError(401, 'Unauthorized', {
          detail: 'The refresh token is unknown, expired, revoked or already used; log in again.',
        });
  }
  return e;
}

/** self, or a role that may act on any user */
function mayAccess(req: Request, id: string, roles: string[]): boolean {
  const auth = req.auth!;
  return auth.sub === id || roles.some(role => auth.roles.includes(role));
}

/** Request bodies reach these handlers already checked against user-api (types, formats, unknown fields). */
export function userRoutes(router: Router, deps: UserRoutesDeps) {
  const { users, sessions, passwords, issuer, verifier } = deps;
  const authenticated = requireAuth(verifier);

  router.post('/users', async (req, res) => {
    const { email, password, name, preferences } = req.body;
    try {
      const user = await users.create({ email, name, preferences, passwordHash: await passwords.hash(password) });
      res.status(201).location(`/users/${user.id}`).json(user);
    } catch (e) {
      throw asHttpError(e);
    }
  });

  router.post('/auth/login', async (req, res) => {
    try {
      res.json(await sessions.login(req.body.email, req.body.password));
    } catch (e) {
      throw asHttpError(e);
    }
  });

  router.post('/auth/refresh', async (req, res) => {
    try {
      res.json(await sessions.refresh(req.body.refreshToken, deps.onTokenReuse));
    } catch (e) {
      throw asHttpError(e);
    }
  });

  router.get('/users/:id', authenticated, async (req, res) => {
    const id = req.params.id as string;
    // services (e.g. recommendations) read profiles; only the owner and admins change them
    if (!mayAccess(req, id, ['admin', 'service'])) throw problems.forbidden('You may only read your own profile.');
    const user = await users.findById(id);
    if (!user) throw problems.notFound(`No user ${id}.`);
    res.json(user);
  });

  router.patch('/users/:id', authenticated, async (req, res) => {
    const id = req.params.id as string;
    if (!mayAccess(req, id, ['admin'])) throw problems.forbidden('You may only change your own profile.');
    const changes = req.body as UserChanges;
    if (changes.roles && !req.auth!.roles.includes('admin')) throw problems.forbidden('Only an admin may change roles.');
    try {
      const user = await users.update(id, changes);
      if (!user) throw problems.notFound(`No user ${id}.`);
      res.json(user);
    } catch (e) {
      throw asHttpError(e);
    }
  });

  router.get('/.well-known/jwks.json', async (_req, res) => {
    // verifiers refetch on an unknown kid, so a short cache is enough across a key rotation
    res.set('Cache-Control', 'public, max-age=300').json(await issuer.jwks());
  });
}
