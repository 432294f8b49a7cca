import { generateKeyPairSync } from 'node:crypto';
import { createJwtIssuer } from '@platform/service-kit';

/** A throw-away Ed25519 signer of platform tokens: its public key for JWT_PUBLIC_KEY, and tokens with given roles. */
export async function createTestTokens() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const issuer = await createJwtIssuer({
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    issuer: 'user-service',
    audience: 'platform',
    ttlSeconds: 600,
  });
  return {
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    sign: (sub: string, roles: string[]) => issuer.sign({ sub, roles }),
    /** an Authorization header value */
    bearer: async (sub: string, roles: string[]) => `Bearer ${await issuer.sign({ sub, roles })}`,
  };
}
