-- The fleet catalog: metadata about tenants and what the generated jobs did to them. Never
-- tenant data. Applied in order by `npm run catalog -- migrate` (catalog/catalog.ts), each
-- file once, recorded in catalog_schema_migrations.

create extension if not exists citext;

-- One row per tenant the stack has known, kept after it is retired (and after erasure).
create table tenants (
  id citext primary key,
  stack text not null,
  name text not null,
  region text not null,
  residency text not null,
  status text not null check (status in ('active', 'retired')),
  neon_project_id text,
  created_at timestamptz not null default now(),
  retired_at timestamptz,
  synced_at timestamptz not null default now()
);

-- One row per tenant per migrations run (a re-run of the workflow is a new attempt).
create table migration_runs (
  id bigint generated always as identity primary key,
  tenant_id citext not null references tenants (id),
  run_id bigint not null,
  run_attempt int not null default 1,
  run_url text,
  wave text,
  result text not null check (result in ('ok', 'current', 'failed')),
  version_before text,
  version_after text,
  -- The WAL position before the migration: a restore to just before it.
  lsn_before pg_lsn,
  seconds int check (seconds >= 0),
  recorded_at timestamptz not null default now(),
  unique (tenant_id, run_id, run_attempt)
);
create index migration_runs_latest on migration_runs (tenant_id, recorded_at desc);

create table backups (
  id bigint generated always as identity primary key,
  tenant_id citext not null references tenants (id),
  run_id bigint not null,
  object_key text,
  bytes bigint check (bytes >= 0),
  tables int,
  rows bigint,
  result text not null check (result in ('ok', 'failed')),
  recorded_at timestamptz not null default now()
);
create index backups_latest on backups (tenant_id, recorded_at desc);

create table drills (
  id bigint generated always as identity primary key,
  tenant_id citext not null references tenants (id),
  run_id bigint not null,
  object_key text,
  result text not null check (result in ('ok', 'failed')),
  recorded_at timestamptz not null default now()
);
create index drills_latest on drills (tenant_id, recorded_at desc);
