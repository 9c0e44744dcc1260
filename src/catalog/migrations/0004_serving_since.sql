-- When the tenant's current Neon project began to serve it: set by the sync when the
-- project id changes (a move's cutover), so a move's finish can prove its grace period
-- and that the new project has been backed up and drilled since.
alter table tenants add column neon_project_since timestamptz;
update tenants set neon_project_since = created_at where neon_project_id is not null;
