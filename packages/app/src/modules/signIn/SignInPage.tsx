import { useEffect, useState } from 'react';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { Content, Header, InfoCard, Page, ProxiedSignInPage } from '@backstage/core-components';
import { configApiRef, IdentityApi, useApi } from '@backstage/core-plugin-api';
import type { SignInPageProps } from '@backstage/plugin-app-react';
import { parseEntityRef } from '@backstage/catalog-model';

/** The header the local provider reads (plugins/auth-backend-module-local-provider). */
const LOCAL_USER_HEADER = 'x-platform-local-user';
/** Where the choice is kept, so a reload signs in as the same person and signing out forgets it. */
const STORAGE_KEY = 'platform:sign-in';

export type SignInChoice = { provider: 'guest' } | { provider: 'local'; userEntityRef: string };

export interface LocalUser {
  userEntityRef: string;
  description?: string;
}

export function readChoice(storage: Pick<Storage, 'getItem'>): SignInChoice | undefined {
  try {
    const value = JSON.parse(storage.getItem(STORAGE_KEY) ?? 'null');
    if (value?.provider === 'guest') return { provider: 'guest' };
    if (value?.provider === 'local' && typeof value.userEntityRef === 'string') {
      return { provider: 'local', userEntityRef: value.userEntityRef };
    }
  } catch {
    // a value another version wrote: choose again
  }
  return undefined;
}

/** "user:default/priya.natarajan" -> "Priya Natarajan" (the sign-in page cannot read the catalog yet). */
export function personName(userEntityRef: string): string {
  const { name } = parseEntityRef(userEntityRef, { defaultKind: 'user', defaultNamespace: 'default' });
  return name
    .split(/[._-]+/)
    .filter(Boolean)
    .map(part => part[0].toLocaleUpperCase('en-US') + part.slice(1))
    .join(' ');
}

/** Forgets the choice on sign-out, so the next visit shows the choice again. */
function forgettingOnSignOut(identity: IdentityApi): IdentityApi {
  return {
    getProfileInfo: () => identity.getProfileInfo(),
    getBackstageIdentity: () => identity.getBackstageIdentity(),
    getCredentials: () => identity.getCredentials(),
    signOut: async () => {
      window.localStorage.removeItem(STORAGE_KEY);
      await identity.signOut();
    },
  };
}

function SignInFailed({ error, onFailed }: { error?: Error; onFailed: (error: Error) => void }) {
  useEffect(() => onFailed(error ?? new Error('unknown error')), [error, onFailed]);
  return null;
}

/**
 * The portal's sign-in page on one machine: guest (a platform admin) or one of the people listed in
 * `auth.providers.local.users`, who get exactly their catalog memberships as ownership claims. A deployment
 * configures a real provider instead (docs/portal.md, "Sign-in").
 */
export function PlatformSignInPage(props: SignInPageProps) {
  const config = useApi(configApiRef);
  const title = config.getOptionalString('app.title') ?? 'the portal';
  const users: LocalUser[] = (config.getOptionalConfigArray('auth.providers.local.users') ?? []).map(user => ({
    userEntityRef: user.getString('userEntityRef'),
    description: user.getOptionalString('description'),
  }));
  const [choice, setChoice] = useState<SignInChoice | undefined>(() => readChoice(window.localStorage));
  const [failed, setFailed] = useState<string>();
  // the remembered person may have been removed from the list, or the provider turned off: forget, choose again
  const forget = (error: Error) => {
    window.localStorage.removeItem(STORAGE_KEY);
    setFailed(`Signing in failed: ${error.message}`);
    setChoice(undefined);
  };

  if (choice) {
    return (
      <ProxiedSignInPage
        {...props}
        provider={choice.provider}
        headers={choice.provider === 'local' ? { [LOCAL_USER_HEADER]: choice.userEntityRef } : undefined}
        onSignInSuccess={identity => props.onSignInSuccess(forgettingOnSignOut(identity))}
        ErrorComponent={({ error }) => <SignInFailed error={error} onFailed={forget} />}
      />
    );
  }

  const choose = (next: SignInChoice) => {
    window.localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
    setFailed(undefined);
    setChoice(next);
  };

  return (
    <Page themeId="home">
      <Header title={title} subtitle="Choose who you are on this machine" />
      <Content>
        {failed && (
          <Typography color="error" role="alert" paragraph>
            {failed}
          </Typography>
        )}
        <Grid container spacing={3} component="ul" aria-label="Sign-in choices" style={{ listStyle: 'none', padding: 0 }}>
          <Grid item xs={12} sm={6} md={4} component="li">
            <InfoCard
              title="Guest"
              variant="fullHeight"
              actions={
                <Button color="primary" variant="outlined" onClick={() => choose({ provider: 'guest' })}>
                  Enter
                </Button>
              }
            >
              <Typography variant="body1">A platform admin: may do everything in the portal.</Typography>
            </InfoCard>
          </Grid>
          {users.map(user => (
            <Grid item xs={12} sm={6} md={4} component="li" key={user.userEntityRef}>
              <InfoCard
                title={personName(user.userEntityRef)}
                subheader={user.userEntityRef}
                variant="fullHeight"
                actions={
                  <Button
                    color="primary"
                    variant="outlined"
                    onClick={() => choose({ provider: 'local', userEntityRef: user.userEntityRef })}
                  >
                    Sign in as {personName(user.userEntityRef)}
                  </Button>
                }
              >
                <Typography variant="body1">{user.description ?? 'Rights from their catalog memberships.'}</Typography>
              </InfoCard>
            </Grid>
          ))}
        </Grid>
      </Content>
    </Page>
  );
}
