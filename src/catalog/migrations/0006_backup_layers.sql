-- Each tenant's backup layers as the stack declares them (the sync copies them from the
-- stack's tenants output): the PITR window, Neon's snapshots and the dumps, with their
-- schedules and retentions, so npm run status shows them beside the newest backup and drill.
-- jsonb: { pitrHours, dumps: { enabled, schedule, retentionDays }, snapshots: { schedule, retentionDays } }.
-- Null for a tenant synced before this migration, or from outputs that predate the layers.
alter table tenants add column backup_layers jsonb;
