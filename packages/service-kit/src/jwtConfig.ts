import { z } from 'zod';
import { createJwtVerifier, type JwtVerifier } from './auth';

/** A PEM key from the environment; `\n` escapes (one-line env files and Secrets) become newlines. */
export const pemFromEnv = z
  .string()
  .min(1)
  .transform(value => value.replace(/\\n/g, '\n'));

/**
 * The settings a service verifying the user service's access tokens reads; spread into the service's schema:
 * `z.object({ ...jwtVerifierEnv, ... })`.
 */
export const jwtVerifierEnv = {
  /** PEM public key of the token signer; when unset, keys come from JWT_JWKS_URL. */
  JWT_PUBLIC_KEY: pemFromEnv.optional(),
  JWT_JWKS_URL: z.string().url().default('http://127.0.0.1:3001/.well-known/jwks.json'),
  JWT_ISSUER: z.string().min(1).default('user-service'),
  JWT_AUDIENCE: z.string().min(1).default('platform'),
};

export type JwtVerifierEnv = {
  JWT_PUBLIC_KEY?: string;
  JWT_JWKS_URL: string;
  JWT_ISSUER: string;
  JWT_AUDIENCE: string;
};

/** The verifier those settings describe: the fixed public key when given, else the signer's JWKS. */
export function createJwtVerifierFromEnv(config: JwtVerifierEnv): Promise<JwtVerifier> {
  return createJwtVerifier({
    ...(config.JWT_PUBLIC_KEY ? { publicKeyPem: config.JWT_PUBLIC_KEY } : { jwksUrl: config.JWT_JWKS_URL }),
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
  });
}
