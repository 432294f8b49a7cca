import { createJwtIssuer } from '@platform/service-kit';

/** How long a service token lives, and how long before its expiry a new one is signed. */
const TTL_SECONDS = 300;
const RENEW_BEFORE_SECONDS = 60;

/**
 * The portal's service tokens for the serving service (`GET /models`): signed like every platform service token
 * (the kit's createJwtIssuer, roles ["service"], the platform's issuer and audience), as the cost and experiments
 * backends sign theirs, and reused until shortly before they expire.
 */
export async function createServiceTokenSource(options: {
  privateKeyPem: string;
  issuer: string;
  audience: string;
  now?: () => number;
}): Promise<() => Promise<string>> {
  const issuer = await createJwtIssuer({
    privateKeyPem: options.privateKeyPem.replace(/\\n/g, '\n'),
    issuer: options.issuer,
    audience: options.audience,
    ttlSeconds: TTL_SECONDS,
  });
  const now = options.now ?? Date.now;
  let current: { token: string; renewAt: number } | undefined;
  return async () => {
    if (!current || now() >= current.renewAt) {
      current = {
        token: await issuer.sign({ sub: 'backstage-portal', roles: ['service'] }),
        renewAt: now() + (TTL_SECONDS - RENEW_BEFORE_SECONDS) * 1000,
      };
    }
    return current.token;
  };
}
