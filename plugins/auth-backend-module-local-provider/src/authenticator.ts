import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { AuthenticationError, InputError, NotAllowedError } from '@backstage/errors';
import { createProxyAuthenticator, SignInResolver } from '@backstage/plugin-auth-node';

/** The header the sign-in page sends with the user chosen; the same on every refresh. */
export const LOCAL_USER_HEADER = 'x-platform-local-user';

export interface LocalSignInResult {
  userEntityRef: string;
}

interface LocalContext {
  disabled: boolean;
  users: Set<string>;
}

function normalize(ref: string): string {
  return stringifyEntityRef(parseEntityRef(ref, { defaultKind: 'user', defaultNamespace: 'default' }));
}

/**
 * Signs in as one of the users listed in `auth.providers.local.users`, named by the request's
 * `x-platform-local-user` header. Like the guest provider it refuses to work outside NODE_ENV=development
 * unless `dangerouslyAllowOutsideDevelopment` is set: it trusts whoever reaches the portal.
 */
export const localAuthenticator = createProxyAuthenticator<LocalContext, LocalSignInResult, undefined>({
  async defaultProfileTransform() {
    // the profile (name, email) comes from the catalog user the resolver signs in
    return { profile: {} };
  },
  initialize({ config }) {
    const users = new Set(
      config.getConfigArray('users').map(user => {
        const ref = user.getString('userEntityRef');
        const parsed = parseEntityRef(ref, { defaultKind: 'user', defaultNamespace: 'default' });
        if (parsed.kind.toLocaleLowerCase('en-US') !== 'user') {
          throw new InputError(`auth.providers.local.users: ${ref} is not a User entity reference`);
        }
        return stringifyEntityRef(parsed);
      }),
    );
    const disabled =
      process.env.NODE_ENV !== 'development' && config.getOptionalBoolean('dangerouslyAllowOutsideDevelopment') !== true;
    return { disabled, users };
  },
  async authenticate({ req }, { disabled, users }) {
    if (disabled) {
      throw new NotAllowedError(
        "The local provider cannot be used outside of a development environment unless 'auth.providers.local.dangerouslyAllowOutsideDevelopment' is enabled",
      );
    }
    const requested = req.header(LOCAL_USER_HEADER);
    if (!requested) throw new AuthenticationError(`the ${LOCAL_USER_HEADER} header names no user`);
    let ref: string;
    try {
      ref = normalize(requested);
    } catch {
      throw new AuthenticationError(`${requested} is not an entity reference`);
    }
    if (!users.has(ref)) throw new AuthenticationError(`${ref} is not one of the users of auth.providers.local.users`);
    return { result: { userEntityRef: ref } };
  },
});

/**
 * The catalog user itself: ownership claims are the user and the groups it is a member of, so the permission
 * policy sees exactly what a real sign-in of that person would give. A user missing from the catalog cannot sign in.
 */
export const signInAsListedCatalogUser: SignInResolver<LocalSignInResult> = async ({ result }, ctx) =>
  ctx.signInWithCatalogUser({ entityRef: result.userEntityRef });
