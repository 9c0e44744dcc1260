-- Backups and drills carry what migration runs carry: the run's attempt and link, and how
-- long the tenant took. A re-run of a workflow is a new attempt of the same run.
alter table backups add column run_attempt int not null default 1;
alter table backups add column run_url text;
alter table backups add column seconds int check (seconds >= 0);
alter table backups add constraint backups_once_per_attempt unique (tenant_id, run_id, run_attempt);
alter table drills add column run_attempt int not null default 1;
alter table drills add column run_url text;
alter table drills add column seconds int check (seconds >= 0);
alter table drills add constraint drills_once_per_attempt unique (tenant_id, run_id, run_attempt);
