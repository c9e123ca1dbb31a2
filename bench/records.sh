#!/usr/bin/env bash
# Issue 5's write targets, each beside PostgreSQL's own ceiling for the same rows, in one run:
#   - durable single writes: zhiyuand's CreateServiceRecord on the gRPC async client, N in flight,
#     against pgbench doing, per transaction, what zhiyuand's store does for one entry (lock the
#     volunteer, look at their recent records, insert the record, its revision and its audit
#     entry). Target: ≥ 0.7× pgbench, p99 ≤ 25 ms.
#   - the sync stream: SyncServiceRecords streams of 500 entries, against COPY of the same rows
#     (records, revisions, audit entries) in one transaction. Target: ≥ 0.6× COPY.
# zhiyuand runs with its defaults on a private PostgreSQL (tools/pgcluster, as the embedded one is
# set up), seeded with VOLUNTEERS volunteers (100,000) and one event. STATS=off drops the
# figures' triggers on service records and events (migration 0016) after seeding, to measure
# what keeping the figures costs the writes (issue 6: at most 20% of their throughput).
#
#   bench/records.sh [ROUNDS]     (after `make build`; prints a Markdown table)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
volunteers=${VOLUNTEERS:-100000}
in_flight=${IN_FLIGHT:-64}
seconds=${SECONDS_PER_RUN:-20}
items=${ITEMS:-200000}
clients=${PGBENCH_CLIENTS:-16}

bazel build -c opt //services:zhiyuand //bench:records_load //tools:pgcluster 2>/dev/null
bin=$(bazel info -c opt bazel-bin 2>/dev/null)
work=$(mktemp -d /tmp/zhiyuan-bench.XXXXXX)
chmod 755 "$work"
server=""
cleanup() {
  [[ -s "$work/pgbench.err" ]] && tail -5 "$work/pgbench.err" >&2
  if [[ -n "$server" ]]; then
    kill -INT "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  "$bin/tools/pgcluster" stop "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/pg" "$work/csv"
chmod 755 "$work/pg"
url=$("$bin/tools/pgcluster" start "$work/pg" 2>/dev/null)
ZHIYUAN_DATA_KEY=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
export ZHIYUAN_DATA_KEY
"$bin/services/zhiyuand" --listen=127.0.0.1:0 --database_url="$url" \
  --bootstrap_token_file="$work/admin.token" ${ZHIYUAND_FLAGS:-} >"$work/zhiyuand.log" 2>&1 &
server=$!
until grep -qs 'serving on port' "$work/zhiyuand.log"; do
  kill -0 "$server" || { cat "$work/zhiyuand.log"; exit 1; }
  sleep 0.2
done
address=127.0.0.1:$(sed -n 's/.*serving on port \([0-9]*\)$/\1/p' "$work/zhiyuand.log")
load=("$bin/bench/records_load" --database_url="$url" --server="$address"
      --token_file="$work/admin.token")
event=$("${load[@]}" seed --volunteers="$volunteers")
if [[ "${STATS:-on}" == off ]]; then
  psql -q -v ON_ERROR_STOP=1 "$url" -c "DROP TRIGGER service_records_stats_insert ON service_records;
    DROP TRIGGER service_records_stats_update ON service_records; DROP TRIGGER events_stats ON events"
fi
# The seed's records made figure deltas; measure once zhiyuand's compactor has folded them.
until (( $(psql -Atc "SELECT count(*) FROM activity_deltas" "$url") < 1000 )); do sleep 2; done
psql -q "$url" -c "VACUUM ANALYZE activity_deltas, activity_rollups, active_counts"

# What zhiyuand's store does for one organiser's entry, as one pgbench transaction. Its records lie
# a year before the event's, out of the way of the overlap checks of zhiyuand's writes.
cat >"$work/single.sql" <<'SQL'
\set k random(1, :nvol)
\set minutes random(0, 40000)
BEGIN;
SELECT v.volunteer_number AS vn FROM volunteers v JOIN bench_volunteers b USING (volunteer_number)
  WHERE b.k = :k FOR NO KEY UPDATE OF v \gset
SELECT id FROM service_records WHERE volunteer_number = :vn
  AND check_in >= now() - interval '35 days' ORDER BY check_in;
INSERT INTO service_records (volunteer_number, id, event_id, hour_class, state, method, check_in,
  check_out, auto_closed, raw_minutes, credited_minutes, hour_rule_set_id, close_due,
  recorder_token_id, verifier_token_id, note, revision, create_time, update_time)
  VALUES (:vn, nextval('service_record_id'), :event, 1, 2, 3,
  now() - interval '400 days' - :minutes * interval '1 minute',
  now() - interval '400 days' - :minutes * interval '1 minute' + interval '9 min',
  false, 9, 0, 1, now(), 1, 1, '', 1, now(), now()) RETURNING id AS rid \gset
INSERT INTO service_record_revisions (volunteer_number, record_id, revision, change, event_id,
  state, check_in, check_out, auto_closed, raw_minutes, credited_minutes, hour_rule_set_id,
  verifier_token_id, note, actor_token_id, reason, client_id, create_time)
  VALUES (:vn, :rid, 1, 1, :event, 2, now(), now(), false, 9, 0, 1, 1, '', 1, '',
  gen_random_uuid(), now());
INSERT INTO audit_log (actor_token_id, method, resource, region_code, field_paths, peer,
  request_id) VALUES (1, 'zhiyuan.v1.ServiceRecordService.CreateServiceRecord',
  'volunteers/' || :vn::text || '/serviceRecords/' || :rid::text, '141124',
  '{event,check_in_time,check_out_time}', 'ipv4:127.0.0.1:1', gen_random_uuid());
COMMIT;
SQL

echo "| round | pgbench tps (p99 ms) | zhiyuand single writes/s | ratio | p50 / p99 ms | COPY rows/s | sync items/s | ratio | figures pending |"
echo "|---|---|---|---|---|---|---|---|---|"
for round in $(seq 1 "$rounds"); do
  slot=$(( (round - 1) * 1000 ))
  rm -f "$work"/pgl.*
  pgbench -n -c "$clients" -j 2 -T "$seconds" -M prepared -D nvol="$volunteers" \
    -D event="$event" -f "$work/single.sql" -l --log-prefix="$work/pgl" "$url" \
    >"$work/pgbench.out" 2>"$work/pgbench.err"
  tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$work/pgbench.out")
  # pgbench's own p99, from its per-transaction log (the third column is the latency in µs).
  pg_latency=$(cat "$work"/pgl.* | awk '{ print $3 }' | sort -n |
               awk '{ a[NR] = $1 } END { printf "%.2f", a[int(NR * 0.99)] / 1000 }')
  single=$("${load[@]}" single --event="$event" --in_flight="$in_flight" --seconds="$seconds" \
             --first_slot="$slot")
  rate=$(sed -n 's/.* = \([0-9]*\) calls\/s.*/\1/p' <<<"$single")
  p50=$(sed -n 's/.*p50 \([0-9.]*\) ms.*/\1/p' <<<"$single")
  p99=$(sed -n 's/.*p99 \([0-9.]*\) ms.*/\1/p' <<<"$single")

  "${load[@]}" csv --event="$event" --items="$items" --first_slot=$((slot + 300)) \
    --out="$work/csv"
  start=$(date +%s.%N)
  psql -q -v ON_ERROR_STOP=1 "$url" >/dev/null <<SQL
BEGIN;
\copy service_records FROM '$work/csv/records.csv' WITH (FORMAT csv)
\copy service_record_revisions FROM '$work/csv/revisions.csv' WITH (FORMAT csv)
\copy audit_log (actor_token_id, method, resource, region_code, field_paths, peer, request_id) FROM '$work/csv/audit.csv' WITH (FORMAT csv)
COMMIT;
SQL
  copy=$(awk -v n="$items" -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%d", n / (e - s) }')
  sync=$("${load[@]}" sync --event="$event" --items="$items" --first_slot=$((slot + 600)))
  sync_rate=$(sed -n 's/.* = \([0-9]*\) items\/s.*/\1/p' <<<"$sync")
  # Figure deltas not yet folded when the round ends (what queries scan besides the rollups).
  pending=$(psql -Atc "SELECT count(*) FROM activity_deltas" "$url")
  awk -v r="$round" -v t="$tps" -v l="$pg_latency" -v s="$rate" -v p50="$p50" -v p99="$p99" \
      -v c="$copy" -v y="$sync_rate" -v q="$pending" 'BEGIN {
    printf "| %d | %.0f (%s) | %d | %.2f | %s / %s | %d | %d | %.2f | %d |\n", r, t, l, s, s / t, p50, p99, c, y, y / c, q
  }'
done
