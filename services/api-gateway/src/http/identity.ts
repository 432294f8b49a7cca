import { HttpError, problems } from '@platform/service-kit';
import type { JwtVerifier, PlatformClaims, Request } from '@platform/service-kit';

/** jose's codes for a token that is bad in itself, as opposed to a key set that could not be fetched */
const TOKEN_FAULTS = /^ERR_(JWT|JWS|JWK_INVALID|JWKS_NO_MATCHING_KEY|JWKS_MULTIPLE_MATCHING_KEYS|JOSE_ALG_NOT_ALLOWED|JOSE_NOT_SUPPORTED)/;

/**
 * Who is calling: the claims of a valid bearer token, undefined without one, a 401 for a bad token and a 503
 * when the issuer's key set cannot be fetched (that is the platform's fault, not the caller's).
 */
export function createIdentify(verifier: JwtVerifier, keySource: string) {
  return async (req: Request): Promise<PlatformClaims | undefined> => {
    const header = req.get('authorization');
    if (!header) return undefined;
    const [scheme, token] = header.split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token) throw problems.unauthorized('The Authorization header must be `Bearer <access token>`.');
    try {
      return await verifier.verify(token);
    } catch (e) {
      const code = (e as { code?: string }).code ?? '';
      if (TOKEN_FAULTS.test(code) || (e as Error).message === 'token has no subject') {
        throw problems.unauthorized(`The access token is not valid: ${(e as Error).message}`);
      }
      throw new HttpError(503, 'Service Unavailable', {
        detail: `The keys to verify access tokens could not be fetched from ${keySource}: ${(e as Error).message}`,
        cause: e,
      });
    }
  };
}
