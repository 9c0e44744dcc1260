#!/usr/bin/env bash
# A move's copy, with the source's writes paused (after move-prelude.sh, which the runner puts
# before it): the source database set read-only for new sessions (ALTER DATABASE … SET
# default_transaction_read_only = on) and every session opened before ended (waiting up to
# PAUSE_WAIT_SECONDS for those the tenant's role may not end), the pause verified (no role
# setting outranks it, and a new session of the string's role is read-only), dumped and
# restored into the target's, which must hold no table, then both compared table by table
# (compared: the same tables, each with the same exact row count and content checksum, and the
# large objects' count and checksum). The source is made writable again when the script ends,
# failed or not (unless it was read-only before).
# Inputs (environment):
#   SOURCE_URL           the source database's connection string (a secret)
#   TARGET_URL           the target database's connection string (a secret)
#   TENANT_ID            the tenant, for the messages
#   USER_TABLES_SQL      the from-and-where clause of the tenant's own tables (c, in schema n)
#   PAUSE_WAIT_SECONDS   how long sessions from before the pause may stay
#   RESULT_FILE          gets tables=, rows= and sessions_ended= (appended)
# shellcheck disable=SC2154 # bin, work, tables, rows and large are set by move-prelude.sh, which runs first

existing="$(on_target -c "select count(*) ${USER_TABLES_SQL}")"
if [ "${existing}" -ne 0 ]; then
  echo "::error::the target database of ${TENANT_ID} already holds ${existing} table(s): a move copies into an empty database; nothing was copied"
  exit 1
fi

# Only the database's owner may set or reset its default: the tenant's role owns its database.
pause_sql="do \$\$ begin
  execute format('alter database %I set default_transaction_read_only = on', current_database());
end \$\$"
resume_sql="do \$\$ begin
  execute format('alter database %I reset default_transaction_read_only', current_database());
end \$\$"
# t when the database itself is read-only for new sessions (ALTER DATABASE … SET
# default_transaction_read_only).
read_only_sql="select exists (select from pg_db_role_setting r cross join unnest(r.setconfig) s
  where r.setrole = 0 and r.setdatabase = (select oid from pg_database where datname = current_database())
  and s in ('default_transaction_read_only=on', 'default_transaction_read_only=true'))"
# Every role setting of default_transaction_read_only that outranks the database's (a role's own,
# in any database or in this one: PostgreSQL applies database-and-role, then role, then database
# settings) and is not "on", as the statements that remove them, "; "-separated.
# PostgreSQL's docs, ALTER ROLE: https://www.postgresql.org/docs/current/sql-alterrole.html
overrides_sql="select string_agg(format('ALTER ROLE %I%s RESET default_transaction_read_only', r.rolname,
    case when s.setdatabase = 0 then '' else format(' IN DATABASE %I', current_database()) end),
    '; ' order by r.rolname)
  from pg_db_role_setting s join pg_roles r on r.oid = s.setrole cross join unnest(s.setconfig) c
  where s.setrole <> 0 and s.setdatabase in (0, (select oid from pg_database where datname = current_database()))
  and c like 'default_transaction_read_only=%'
  and lower(split_part(c, '=', 2)) not in ('on', 'true', 'yes', '1')"

# Writes paused for the copy, and restored however the script ends (a new session's default; the
# reset itself runs read-write).
paused=false
resume_writes() {
  if [ "${paused}" != true ]; then return 0; fi
  if on_source -c "set default_transaction_read_only = off" -c "${resume_sql}" \
    > /dev/null 2> "${work}/resume.err"; then
    paused=false
    echo "writes to the source of ${TENANT_ID} are allowed again (its database is no longer read-only); what is written from now on is not in the target: keep the application's writes paused until the cutover"
  else
    paused=false
    echo "::error::the source database of ${TENANT_ID} stays read-only: resetting it failed ($(head -n 1 "${work}/resume.err")); as its owner run ALTER DATABASE <its name> RESET default_transaction_read_only"
    return 1
  fi
}
trap 'status=$?; resume_writes || true; rm -rf "${work}"; exit "${status}"' EXIT
if [ "$(on_source -c "${read_only_sql}")" = t ]; then
  echo "the source database of ${TENANT_ID} is read-only already (ALTER DATABASE … SET default_transaction_read_only): it is copied as it is and left so"
else
  if ! on_source -c "${pause_sql}" 2> "${work}/pause.err"; then
    echo "::error::could not pause the writes to ${TENANT_ID}'s source database ($(grep -m 1 ERROR "${work}/pause.err" || head -n 1 "${work}/pause.err")): the string's role must own the database; nothing was copied"
    exit 1
  fi
  paused=true
fi
# A role's own setting (ALTER ROLE … [IN DATABASE …] SET) outranks the database's: any such
# override that is not "on" could let that role write.
overrides="$(on_source -c "${overrides_sql}")"
if [ -n "${overrides}" ]; then
  echo "::error::the writes to ${TENANT_ID}'s source cannot be paused: a role setting outranks the database's read-only default, so new sessions of that role could write during the copy; remove it as the database's owner or a superuser (${overrides}), then run the move again. Nothing was copied"
  exit 1
fi
# The pause shown, not assumed: a new session of the string's role is read-only.
if [ "$(on_source -c "show transaction_read_only")" != on ]; then
  echo "::error::a new session of the source of ${TENANT_ID} is not read-only after the pause (show transaction_read_only): its writes are not paused (is PGOPTIONS setting default_transaction_read_only?). Nothing was copied"
  exit 1
fi

# Sessions opened before the pause could still write: each ended (those of the tenant's role),
# then waited for.
paused_at="$(on_source -c "select clock_timestamp()")"
# The source's client sessions opened before the pause, other than the asking one; a session whose
# start the tenant's role may not see counts.
earlier_sessions="from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()
  and (backend_type = 'client backend' or backend_type is null)
  and coalesce(backend_start < '${paused_at}'::timestamptz, true)"
# Those the role may signal: its own (and its member roles'), or any but a superuser's with pg_signal_backend.
signalled="(pg_has_role(usesysid, 'member')
  or (pg_has_role('pg_signal_backend', 'member')
    and not coalesce((select rolsuper from pg_roles where oid = usesysid), true)))"
deadline=$((SECONDS + PAUSE_WAIT_SECONDS))
ended=0
while :; do
  left="$(on_source -c "select count(*) ${earlier_sessions}")"
  if [ "${left}" -eq 0 ]; then break; fi
  if [ "${SECONDS}" -ge "${deadline}" ]; then
    echo "::error::${left} session(s) opened before the pause are still connected to the source of ${TENANT_ID} after ${PAUSE_WAIT_SECONDS} s (another role's, which the tenant's role may not end): they could write during the copy; end them, then run the move again. Nothing was copied"
    exit 1
  fi
  ended=$((ended + $(on_source \
    -c "select count(*) filter (where pg_terminate_backend(pid)) ${earlier_sessions} and ${signalled}")))
  sleep 1
done
echo "writes to ${TENANT_ID} are paused for the copy: its source database is read-only for new sessions, ${ended} session(s) opened before were ended"

"${bin}/pg_dump" --format=custom --no-owner --no-privileges --dbname="${SOURCE_URL}" \
  --file="${work}/source.dump"
"${bin}/pg_restore" --no-owner --no-privileges --exit-on-error --dbname="${TARGET_URL}" \
  "${work}/source.dump"
compared 'the copy'
echo "sessions_ended=${ended}" >> "${RESULT_FILE}"
echo "copied ${TENANT_ID} with its writes paused: ${tables} tables and ${rows} rows${large:+ and ${large} large object(s)}, the same on both sides (every table's row count and content checksum${large:+, and the large objects too})"
resume_writes
