#!/usr/bin/env bash
# The start every move script shares (the runner puts it before move-copy.sh,
# move-replicate.sh and move-catch-up.sh): the passwords in both strings masked, the client, a
# work directory removed on exit, and
#   psql_at URL ARGS...   the client on one database, unaligned, tab-separated, stopping on an error
#   on_source ARGS...     psql_at on the source; on_target: on the target
#   count URL NAME        every table's exact rows and content checksum, and the large objects',
#                         sorted into ${work}/NAME.tsv
#   compared WHAT         source and target alike, table by table, or fail naming the tables;
#                         sets tables, rows and large, and appends tables= and rows= to RESULT_FILE
# Inputs (environment):
#   SOURCE_URL        the source database's connection string (a secret: masked, never printed)
#   TARGET_URL        the target database's connection string (a secret: masked, never printed)
#   PG_MAJOR          the Postgres client's major version
#   TENANT_ID         the tenant, for the messages
#   USER_TABLES_SQL   the from-and-where clause of the tenant's own tables (c, in schema n)
#   RESULT_FILE       gets tables= and rows= (appended)
#   RUNNER_TEMP       where the work directory goes (default /tmp)

set -euo pipefail
for u in "${SOURCE_URL}" "${TARGET_URL}"; do
  p="${u#*://}"
  p="${p%%@*}"
  case "${p}" in
    *:*) echo "::add-mask::${p#*:}" ;;
  esac
done
bin="/usr/lib/postgresql/${PG_MAJOR}/bin"
work="$(mktemp -d "${RUNNER_TEMP:-/tmp}/move.XXXXXX")"
trap 'rm -rf "${work}"' EXIT
psql_at() { "${bin}/psql" -X -q -At -F $'\t' -v ON_ERROR_STOP=1 --dbname="$1" "${@:2}"; }
on_source() { psql_at "${SOURCE_URL}" "$@"; }
on_target() { psql_at "${TARGET_URL}" "$@"; }
# Per table of the tenant's, a statement that prints "name<TAB>rows<TAB>sum<TAB>sum": its exact row
# count and a checksum of its content, the sums over its rows of the first and of the last 64 bits
# of the md5 of the row's text. A hash of the rows as a multiset: one scan in any order and
# constant memory (no sort, no primary key needed, however large the table), and any changed,
# missing or extra row changes it, an update that leaves the count alone too.
table_content_sql="select format('select %L, count(*), coalesce(sum((''x'' || left(h, 16))::bit(64)::bigint::numeric), 0), coalesce(sum((''x'' || right(h, 16))::bit(64)::bigint::numeric), 0) from (select md5(row(t.*)::text) as h from %I.%I t) r;',
  format('%I.%I', n.nspname, c.relname), n.nspname, c.relname) ${USER_TABLES_SQL}"
# The name the listings give the database's large objects (no table can be named so: a table's
# name is schema.table).
large_objects='(large objects)'
# The database's large objects as one more line of the listing, with the same sums over the md5
# of each object's id and content, and nothing when it has none. pg_dump carries them with their
# ids; a table's checksum never sees them, and logical replication does not carry them at all.
large_objects_sql="select '${large_objects}', count(*),
    coalesce(sum(('x' || left(h, 16))::bit(64)::bigint::numeric), 0),
    coalesce(sum(('x' || right(h, 16))::bit(64)::bigint::numeric), 0)
  from (select md5(m.oid::text || ':' || md5(lo_get(m.oid))) as h from pg_largeobject_metadata m) r
  having count(*) > 0"
# A row's text depends on these settings (time zone, date, interval, float, bytea and money output):
# both sides print rows alike.
row_text_settings="set timezone = 'UTC'; set datestyle = 'ISO, YMD'; set intervalstyle = 'postgres';
  set extra_float_digits = 1; set bytea_output = 'hex'; set lc_monetary = 'C';"
count() {
  psql_at "$1" -c "${table_content_sql}" > "${work}/$2.sql"
  {
    echo "${row_text_settings}"
    cat "${work}/$2.sql"
    echo "${large_objects_sql};"
  } | psql_at "$1" | sort > "${work}/$2.tsv"
}
compared() {
  count "${SOURCE_URL}" source
  count "${TARGET_URL}" target
  if ! diff -q "${work}/source.tsv" "${work}/target.tsv" > /dev/null; then
    # Table by table: missing on a side, other row counts, or the same count with other content.
    differences="$(awk -F'\t' '
      NR == FNR { s[$1] = $2; c[$1] = $3 FS $4; next }
      { t[$1] = $2; d[$1] = $3 FS $4 }
      END {
        for (k in s)
          if (!(k in t)) print k ": not at the target"
          else if (s[k] != t[k]) print k ": " s[k] " rows at the source, " t[k] " at the target"
          else if (c[k] != d[k]) print k ": " s[k] " rows on both sides, other content (checksums differ)"
        for (k in t) if (!(k in s)) print k ": only at the target"
      }' "${work}/source.tsv" "${work}/target.tsv" | sort)"
    echo "::error::${TENANT_ID}: the target differs from the source after $1 ($(wc -l <<< "${differences}") table(s)): $(head -n 5 <<< "${differences}" | paste -sd ';' -) (writes during $1? pause them and run it again)"
    exit 1
  fi
  tables="$(awk -F'\t' -v lo="${large_objects}" '$1 != lo' "${work}/source.tsv" | wc -l)"
  rows="$(awk -F'\t' -v lo="${large_objects}" '$1 != lo { s += $2 } END { print s + 0 }' "${work}/source.tsv")"
  # shellcheck disable=SC2034 # large is read by the script the runner puts after this one
  large="$(awk -F'\t' -v lo="${large_objects}" '$1 == lo { print $2 }' "${work}/source.tsv")"
  if [ "${tables}" -eq 0 ]; then
    echo "::error::${TENANT_ID}'s database has no tables: nothing to move"
    exit 1
  fi
  {
    echo "tables=${tables}"
    echo "rows=${rows}"
  } >> "${RESULT_FILE}"
}
