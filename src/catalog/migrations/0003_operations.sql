-- Tenant operations (restore, export, move, erase): one row per operation carried out,
-- written by the operation's own job with the owner's string when it ends, whatever its
-- result. The audit trail is append-only: a trigger refuses updates and deletes (only a
-- migration that drops the trigger could change it, and migrations are reviewed).
create table operations (
  id bigint generated always as identity primary key,
  -- No reference to tenants: an erasure record outlives everything else about the tenant.
  tenant_id citext not null,
  stack text not null,
  kind text not null check (kind in ('restore', 'export', 'move', 'erase')),
  ticket text not null check (length(ticket) between 1 and 200),
  requested_by text not null,
  run_id bigint,
  run_attempt int,
  run_url text,
  result text not null check (result in ('ok', 'failed')),
  -- What the command planned, and what was done (objects and projects deleted, keys written).
  plan jsonb not null,
  detail jsonb not null default '{}',
  error text,
  started_at timestamptz not null,
  finished_at timestamptz not null default now()
);
create index operations_by_tenant on operations (tenant_id, finished_at desc);

create function operations_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'the operations table is append-only: % refused', tg_op;
end $$;
create trigger operations_append_only before update or delete or truncate on operations
  for each statement execute function operations_append_only();

-- Set by an erasure that completed: the tenant's row stays, its data is gone.
alter table tenants add column erased_at timestamptz;
