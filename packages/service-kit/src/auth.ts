import type { RequestHandler } from 'express';
import { LRUCache } from 'lru-cache';
import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  createRemoteJWKSet,
  exportJWK,
  importPKCS8,
  importSPKI,
  JWTPayload,
  jwtVerify,
  KeyLike,
  SignJWT,
} from 'jose';
import { createPublicKey } from 'node:crypto';
import { problems } from './errors';

export const JWT_ALGORITHM = 'EdDSA';

export interface PlatformClaims extends JWTPayload {
  sub: string;
  roles: string[];
  email?: string;
}

export interface JwtIssuer {
  sign(claims: { sub: string; roles: string[]; email?: string }): Promise<string>;
  /** the public key as a JWKS document, for GET /.well-known/jwks.json */
  jwks(): Promise<{ keys: Array<Record<string, unknown>> }>;
  ttlSeconds: number;
}

/**
 * The platform's one key-id rule: a signing key's `kid` is the RFC 7638 JWK thumbprint (SHA-256) of its public
 * half. Every signer derives it from the key itself, so a token signed anywhere with a key matches that key's
 * entry in any JWKS, and a rotated key announces itself to verifiers by a new kid.
 */
export async function keyIdOf(privateKeyPem: string): Promise<string> {
  return calculateJwkThumbprint(await exportJWK(createPublicKey(privateKeyPem)), 'sha256');
}

/** Signs the platform's access and service tokens (EdDSA); the key id follows {@link keyIdOf}. */
export async function createJwtIssuer(options: {
  privateKeyPem: string;
  issuer: string;
  audience: string;
  ttlSeconds: number;
}): Promise<JwtIssuer> {
  const key = await importPKCS8(options.privateKeyPem, JWT_ALGORITHM);
  const publicJwk = await exportJWK(createPublicKey(options.privateKeyPem));
  const kid = await keyIdOf(options.privateKeyPem);
  return {
    ttlSeconds: options.ttlSeconds,
    sign: claims =>
      new SignJWT({ roles: claims.roles, ...(claims.email ? { email: claims.email } : {}) })
        .setProtectedHeader({ alg: JWT_ALGORITHM, kid })
        .setSubject(claims.sub)
        .setIssuer(options.issuer)
        .setAudience(options.audience)
        .setIssuedAt()
        .setExpirationTime(`${options.ttlSeconds}s`)
        .sign(key),
    jwks: async () => ({ keys: [{ ...publicJwk, kid, alg: JWT_ALGORITHM, use: 'sig' }] }),
  };
}

/**
 * A caller's service tokens (roles ["service"]), signed with the kit's issuer and reused until shortly before they
 * expire: what the portal's plugin backends and other callers of platform services send as their bearer token.
 * A PEM given with literal `\n` (one line in an environment variable) is accepted.
 */
export async function createServiceTokenSource(options: {
  privateKeyPem: string;
  /** who calls, e.g. `backstage-portal` */
  subject: string;
  issuer: string;
  audience: string;
  /** default 300 s; a new token is signed `renewBeforeSeconds` (default 60 s) before the current one expires */
  ttlSeconds?: number;
  renewBeforeSeconds?: number;
  now?: () => number;
}): Promise<() => Promise<string>> {
  const ttlSeconds = options.ttlSeconds ?? 300;
  const renewBeforeSeconds = Math.min(options.renewBeforeSeconds ?? 60, ttlSeconds - 1);
  const issuer = await createJwtIssuer({
    privateKeyPem: options.privateKeyPem.replace(/\\n/g, '\n'),
    issuer: options.issuer,
    audience: options.audience,
    ttlSeconds,
  });
  const now = options.now ?? Date.now;
  let current: { token: string; renewAt: number } | undefined;
  return async () => {
    if (!current || now() >= current.renewAt) {
      current = {
        token: await issuer.sign({ sub: options.subject, roles: ['service'] }),
        renewAt: now() + (ttlSeconds - renewBeforeSeconds) * 1000,
      };
    }
    return current.token;
  };
}

export interface JwtVerifier {
  verify(token: string): Promise<PlatformClaims>;
}

/** Verifies access tokens with a PEM public key, a JWKS document, or the issuer's JWKS URL. */
export async function createJwtVerifier(options: {
  publicKeyPem?: string;
  jwks?: { keys: Array<Record<string, unknown>> };
  jwksUrl?: string;
  issuer: string;
  audience: string;
  /** how long a verified token is remembered (never past its exp); 0 verifies every time. Default 60 s */
  cacheTtlMs?: number;
  /** tokens remembered at most. Default 10,000 */
  cacheSize?: number;
}): Promise<JwtVerifier> {
  let key: KeyLike | ReturnType<typeof createRemoteJWKSet> | ReturnType<typeof createLocalJWKSet>;
  if (options.publicKeyPem) key = await importSPKI(options.publicKeyPem, JWT_ALGORITHM);
  else if (options.jwks) key = createLocalJWKSet(options.jwks as unknown as Parameters<typeof createLocalJWKSet>[0]);
  else if (options.jwksUrl) key = createRemoteJWKSet(new URL(options.jwksUrl), { cooldownDuration: 30_000 });
  else throw new Error('createJwtVerifier needs publicKeyPem, jwks or jwksUrl');
  // A client sends the same token with every request until it expires: the signature check (about 0.15 ms of
  // Ed25519 per request, the largest fixed cost of a request) is done once per token and remembered until the
  // token's exp, at most `cacheTtlMs`. A key removed from the JWKS stops new tokens at once, cached ones within it.
  const cacheTtlMs = options.cacheTtlMs ?? 60_000;
  const verified = cacheTtlMs > 0 ? new LRUCache<string, PlatformClaims>({ max: options.cacheSize ?? 10_000 }) : undefined;
  return {
    async verify(token) {
      const cached = verified?.get(token);
      if (cached && (cached.exp === undefined || cached.exp * 1000 > Date.now())) return cached;
      const { payload } = await jwtVerify(token, key as Parameters<typeof jwtVerify>[1], {
        issuer: options.issuer,
        audience: options.audience,
        algorithms: [JWT_ALGORITHM],
      });
      if (typeof payload.sub !== 'string') throw new Error('token has no subject');
      const claims: PlatformClaims = { ...payload, sub: payload.sub, roles: Array.isArray(payload.roles) ? (payload.roles as string[]) : [] };
      const ttl = Math.min(cacheTtlMs, payload.exp === undefined ? cacheTtlMs : payload.exp * 1000 - Date.now());
      if (verified && ttl > 0) verified.set(token, claims, { ttl });
      return claims;
    },
  };
}

// The global Express namespace, not a module augmentation of 'express-serve-static-core': the repository holds several
// copies of those types (plugins pull in their own through passport), and TypeScript refuses to augment a duplicate.
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      auth?: PlatformClaims;
    }
  }
}

/** Requires a valid bearer token (401) and, when given, one of the roles (403); sets req.auth. */
export function requireAuth(verifier: JwtVerifier, options: { roles?: string[] } = {}): RequestHandler {
  return async (req, _res, next) => {
    const header = req.get('authorization') ?? '';
    const [scheme, token] = header.split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token) {
      next(problems.unauthorized('A bearer access token is required.'));
      return;
    }
    let claims: PlatformClaims;
    try {
      claims = await verifier.verify(token);
    } catch (e) {
      next(problems.unauthorized(`The access token is not valid: ${(e as Error).message}`));
      return;
    }
    if (options.roles && !options.roles.some(role => claims.roles.includes(role))) {
      next(problems.forbidden(`This operation needs one of the roles: ${options.roles.join(', ')}.`));
      return;
    }
    req.auth = claims;
    next();
  };
}
