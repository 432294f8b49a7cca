import { generateKeyPairSync } from 'node:crypto';
import { z } from 'zod';
import { createJwtIssuer } from './auth';
import { loadServiceConfig } from './config';
import { createJwtVerifierFromEnv, jwtVerifierEnv } from './jwtConfig';

const schema = z.object({ ...jwtVerifierEnv });

function ed25519Pems() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

describe('jwtVerifierEnv', () => {
  it('defaults to the user service JWKS, issuer and audience', () => {
    expect(loadServiceConfig(schema, {})).toMatchObject({
      JWT_JWKS_URL: 'http://127.0.0.1:3001/.well-known/jwks.json',
      JWT_ISSUER: 'user-service',
      JWT_AUDIENCE: 'platform',
    });
  });

  it('names the key of a malformed setting', () => {
    const load = () => loadServiceConfig(schema, { JWT_JWKS_URL: 'not a url', JWT_PUBLIC_KEY: '' });
    expect(load).toThrow(/JWT_JWKS_URL/);
    expect(load).toThrow(/JWT_PUBLIC_KEY/);
  });

  it('verifies tokens with a one-line PEM public key (escaped newlines, as in env files)', async () => {
    const keys = ed25519Pems();
    const config = loadServiceConfig(schema, { JWT_PUBLIC_KEY: keys.publicKeyPem.replace(/\n/g, '\\n') });
    expect(config.JWT_PUBLIC_KEY).toBe(keys.publicKeyPem);
    const issuer = await createJwtIssuer({
      privateKeyPem: keys.privateKeyPem,
      issuer: 'user-service',
      audience: 'platform',
      ttlSeconds: 60,
    });
    const token = await issuer.sign({ sub: 'user-1', roles: ['customer'] });
    const verifier = await createJwtVerifierFromEnv(config);
    await expect(verifier.verify(token)).resolves.toMatchObject({ sub: 'user-1', roles: ['customer'] });
    // a token from another key is refused
    const other = await createJwtIssuer({
      privateKeyPem: ed25519Pems().privateKeyPem,
      issuer: 'user-service',
      audience: 'platform',
      ttlSeconds: 60,
    });
    await expect(verifier.verify(await other.sign({ sub: 'user-1', roles: [] }))).rejects.toThrow();
  });
});
