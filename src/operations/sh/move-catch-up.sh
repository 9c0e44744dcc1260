#!/usr/bin/env bash
# A move by logical replication, its end, with the writes to the tenant paused (after
# move-prelude.sh, which the runner puts before it): every table copied, then the target has
# confirmed everything the source had written when the step began, every sequence's value is
# copied (replication does not carry them), both sides compared like a copy, and the
# replication dropped on both sides (the subscription, which drops its slot, then the
# publication; a slot left behind is dropped).
# Inputs (environment):
#   TENANT_ID      the tenant, for the messages
#   NAME           the publication's, slot's and subscription's name
#   WAIT_SECONDS   how long it waits for the copy and for the target to confirm
#   RESULT_FILE    gets tables=, rows= and sequences= (appended)
# shellcheck disable=SC2154 # work, tables and rows are set by move-prelude.sh, which runs first

if [ "$(on_target -c "select count(*) from pg_subscription where subname = '${NAME}'")" -eq 0 ]; then
  echo "::error::the target of ${TENANT_ID} does not subscribe to the source (${NAME}): start the replication first (move without --catch-up)"
  exit 1
fi
deadline=$((SECONDS + WAIT_SECONDS))
until [ "$(on_target -c "select count(*) from pg_subscription_rel r join pg_subscription s on s.oid = r.srsubid
  where s.subname = '${NAME}' and r.srsubstate <> 'r'")" -eq 0 ]; do
  if [ "${SECONDS}" -ge "${deadline}" ]; then
    echo "::error::${TENANT_ID}: tables are still being copied after ${WAIT_SECONDS} s; run the catch-up again later (the target's log says why if a table is stuck)"
    exit 1
  fi
  sleep 1
done
lsn="$(on_source -c "select pg_current_wal_lsn()")"
until [ "$(on_source -c "select coalesce(bool_and(confirmed_flush_lsn >= '${lsn}'), false)
  from pg_replication_slots where slot_name = '${NAME}'")" = t ]; do
  if [ "${SECONDS}" -ge "${deadline}" ]; then
    echo "::error::${TENANT_ID}: the target has not confirmed the source's changes up to ${lsn} after ${WAIT_SECONDS} s; is the subscription running? nothing was changed"
    exit 1
  fi
  sleep 1
done
on_source -c "select format('select setval(%L, %s, %s);', format('%I.%I', schemaname, sequencename),
    coalesce(last_value, start_value), (last_value is not null)::text)
  from pg_sequences where schemaname not in ('pg_catalog', 'information_schema')" > "${work}/sequences.sql"
on_target < "${work}/sequences.sql" > /dev/null
sequences="$(wc -l < "${work}/sequences.sql")"
compared 'the catch-up'
on_target -c "drop subscription ${NAME}"
on_source -c "drop publication if exists ${NAME}"
on_source -c "select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = '${NAME}'" \
  > /dev/null
echo "sequences=${sequences}" >> "${RESULT_FILE}"
echo "caught up ${TENANT_ID}: ${tables} tables and ${rows} rows the same on both sides, ${sequences} sequence(s) copied; the replication is dropped: set cutover: true"
