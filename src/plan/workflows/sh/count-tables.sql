-- A statement per table that pg_dump dumps, printing its exact row count as `name<TAB>rows`.
-- The tables: the tenant's own (ordinary tables outside the system schemas, none an
-- extension's) and an extension's configuration tables (pg_extension.extconfig: PostGIS's
-- spatial_ref_sys, pg_cron's cron.job), whose rows pg_dump dumps when they match the
-- extension's filter (extcondition, a `WHERE ...` or empty); such a table is counted with
-- that filter, as pg_dump dumps it. PostgreSQL's docs, "Extension Configuration Tables":
-- https://www.postgresql.org/docs/current/extend-extensions.html#EXTEND-EXTENSIONS-CONFIG-TABLES
-- The backup runs the statements in the dump's snapshot, the drill in the restored database.
select format('select %L, count(*) from %I.%I %s;', format('%I.%I', n.nspname, c.relname), n.nspname, c.relname, f.cond)
from pg_class c join pg_namespace n on n.oid = c.relnamespace
left join lateral (select x.extcondition[array_position(x.extconfig, c.oid)] as extcond from pg_extension x where c.oid = any(x.extconfig) limit 1) e on true
cross join lateral (select coalesce(e.extcond, '') as cond) f
where c.relkind = 'r' and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_(toast|temp)'
and (e.extcond is not null or not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e'))
