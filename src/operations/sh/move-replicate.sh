#!/usr/bin/env bash
# A move by logical replication, its start (after move-prelude.sh, which the runner puts before
# it): the source checked (wal_level=logical, every table with a replica identity), the schema
# copied into the target's empty database in one transaction, every table published, a slot
# made on the source, and the target subscribed to it (the slot made apart from the
# subscription, which also works within one cluster); then it waits up to WAIT_SECONDS for
# every table's first copy. Whatever fails after the publication exists is undone
# (subscription, slot, publication), so no slot is left holding the source's WAL. A target
# holding only an earlier attempt's empty schema is reused.
# Inputs (environment):
#   SOURCE_URL        the source database's connection string (a secret)
#   TARGET_URL        the target database's connection string (a secret)
#   TENANT_ID         the tenant, for the messages
#   USER_TABLES_SQL   the from-and-where clause of the tenant's own tables (c, in schema n)
#   NAME              the publication's, slot's and subscription's name
#   WAIT_SECONDS      how long it waits for the first copy of every table
#   RESULT_FILE       gets tables= and ready= (tables copied when it stopped waiting; appended)
# shellcheck disable=SC2154 # bin and work are set by move-prelude.sh, which runs first

wal="$(on_source -c "show wal_level")"
if [ "${wal}" != logical ]; then
  echo "::error::the source of ${TENANT_ID} runs wal_level=${wal}: a logical move needs logical (the stack sets it on the source for move.method logical: deploy the move first); nothing was changed"
  exit 1
fi
if [ "$(on_target -c "select count(*) from pg_subscription where subname = '${NAME}'")" -ne 0 ]; then
  echo "::error::the target of ${TENANT_ID} already subscribes to the source (${NAME}): run the catch-up, or drop the subscription; nothing was changed"
  exit 1
fi
# Tables whose updates and deletes a publication cannot carry: no replica identity, or the default
# one without a primary key (or a chosen index gone).
without_identity_sql="select coalesce(string_agg(format('%I.%I', n.nspname, c.relname), ', ' order by 1), '')
  ${USER_TABLES_SQL}
  and (c.relreplident = 'n'
    or (c.relreplident = 'd' and not exists (select 1 from pg_index i where i.indrelid = c.oid and i.indisprimary))
    or (c.relreplident = 'i' and not exists (select 1 from pg_index i where i.indrelid = c.oid and i.indisreplident)))"
missing="$(on_source -c "${without_identity_sql}")"
if [ -n "${missing}" ]; then
  echo "::error::${TENANT_ID}: these tables have no primary key or replica identity, so their updates and deletes would fail on the source once published: ${missing:0:300}; give each a primary key or ALTER TABLE … REPLICA IDENTITY FULL, or move by dump (method: dump); nothing was changed"
  exit 1
fi
on_source -c "select format('%I.%I', n.nspname, c.relname) ${USER_TABLES_SQL} order by 1" > "${work}/tables.txt"
if ! [ -s "${work}/tables.txt" ]; then
  echo "::error::${TENANT_ID}'s database has no tables: nothing to move"
  exit 1
fi
on_target -c "select format('%I.%I', n.nspname, c.relname) ${USER_TABLES_SQL} order by 1" \
  > "${work}/target-tables.txt"
if [ -s "${work}/target-tables.txt" ]; then
  # An earlier attempt's schema, with no row in it: reused; anything else is refused.
  count "${TARGET_URL}" target
  if ! cmp -s "${work}/tables.txt" "${work}/target-tables.txt" \
    || [ "$(awk -F'\t' '{ s += $2 } END { print s + 0 }' "${work}/target.tsv")" -ne 0 ]; then
    echo "::error::the target database of ${TENANT_ID} already holds $(wc -l < "${work}/target-tables.txt") table(s) with data or another schema: a move copies into an empty database; nothing was changed"
    exit 1
  fi
  echo "the target holds the source's schema from an earlier attempt, without rows: reusing it"
else
  "${bin}/pg_dump" --schema-only --format=custom --no-owner --no-privileges --no-publications --no-subscriptions \
    --dbname="${SOURCE_URL}" --file="${work}/schema.dump"
  "${bin}/pg_restore" --no-owner --no-privileges --exit-on-error --single-transaction --dbname="${TARGET_URL}" \
    "${work}/schema.dump"
fi

undo() {
  echo "::error::${TENANT_ID}: the replication could not be started; undoing it (subscription, slot, publication)"
  on_target -c "select 1" > /dev/null 2>&1 &&
    on_target -c "do \$\$ begin if exists (select from pg_subscription where subname = '${NAME}') then
      execute 'alter subscription ${NAME} disable';
      execute 'alter subscription ${NAME} set (slot_name = none)';
      execute 'drop subscription ${NAME}';
    end if; end \$\$" ||
    true
  on_source -c "select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = '${NAME}'" \
    > /dev/null || true
  on_source -c "drop publication if exists ${NAME}" || true
}
trap 'status=$?; if [ "${status}" -ne 0 ]; then undo; fi; rm -rf "${work}"' EXIT
on_source -c "create publication ${NAME} for table $(paste -sd, "${work}/tables.txt")"
on_source -c "select pg_create_logical_replication_slot('${NAME}', 'pgoutput')" > /dev/null
on_target -v source="${SOURCE_URL}" -v name="${NAME}" <<'SQL'
create subscription :"name" connection :'source' publication :"name"
  with (create_slot = false, slot_name = :'name', copy_data = true);
SQL
# From here the replication stands: a timeout leaves it running, and says so.
trap 'rm -rf "${work}"' EXIT
tables="$(wc -l < "${work}/tables.txt")"
deadline=$((SECONDS + WAIT_SECONDS))
while :; do
  ready="$(on_target -c "select count(*) from pg_subscription_rel r join pg_subscription s on s.oid = r.srsubid
    where s.subname = '${NAME}' and r.srsubstate = 'r'")"
  if [ "${ready}" -ge "${tables}" ] || [ "${SECONDS}" -ge "${deadline}" ]; then break; fi
  sleep 1
done
{
  echo "tables=${tables}"
  echo "ready=${ready}"
} >> "${RESULT_FILE}"
if [ "${ready}" -lt "${tables}" ]; then
  echo "::warning::${TENANT_ID}: ${ready} of ${tables} tables copied after ${WAIT_SECONDS} s; the replication goes on, and the catch-up waits for the rest"
fi
echo "replicating ${TENANT_ID} into its move target: ${ready} of ${tables} tables copied, every change follows until the catch-up"
