create table users (
  id uuid primary key default gen_random_uuid(),
  email text not null,
  name text not null,
  password_hash text not null,
  preferences jsonb not null default '{}'::jsonb,
  roles text[] not null default array['customer'],
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint users_roles_known check (roles <@ array['customer', 'admin', 'service'] and cardinality(roles) > 0),
  constraint users_preferences_object check (jsonb_typeof(preferences) = 'object')
);

-- the one place duplicate emails are refused, whatever their case, also between concurrent registrations
create unique index users_email_lower_key on users (lower(email));

-- refresh tokens are stored as SHA-256 hashes; a family is one login and every token rotated from it
create table refresh_tokens (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  family_id uuid not null,
  token_hash bytea not null unique,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  rotated_at timestamptz,
  revoked_at timestamptz
);

create index refresh_tokens_family on refresh_tokens (family_id);
create index refresh_tokens_user on refresh_tokens (user_id);
