#!/usr/bin/env bash
# Measures how zhiyuand on its embedded PostgreSQL follows the database, as the foundation issue
# asks: time from process start to SERVING (a new cluster, then an existing one), and, with the
# server running, from stopping PostgreSQL to NOT_SERVING and to a call failing UNAVAILABLE, and
# from starting it again to SERVING. Polls with buf curl (about 30 ms a call), so figures are
# upper bounds with that resolution.
#
#   bench/availability.sh [ROUNDS]     (after `make build`; prints a Markdown table)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
zhiyuand=$PWD/bazel-bin/services/zhiyuand
buf=$PWD/tools/node_modules/.bin/buf
pg_ctl=/usr/lib/postgresql/15/bin/pg_ctl
as_postgres=()
[[ $(id -u) == 0 ]] && as_postgres=(runuser -u postgres --)

work=$(mktemp -d /tmp/zhiyuan-bench.XXXXXX)
chmod 755 "$work"
server=""
cleanup() {
  [[ -n "$server" ]] && kill -INT "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  "${as_postgres[@]}" "$pg_ctl" stop -D "$work/pg/data" -m immediate >/dev/null 2>&1 || true
  [[ -n "${KEEP:-}" ]] || rm -rf "$work"
}
trap cleanup EXIT

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
health() {
  "$buf" curl --protocol grpc --http2-prior-knowledge "http://$address/grpc.health.v1.Health/Check" 2>/dev/null |
    sed -n 's/.*"status": "\(.*\)".*/\1/p'
}
info_code() {
  "$buf" curl --protocol grpc --http2-prior-knowledge \
    -H "authorization: Bearer $(cat "$work/admin.token")" \
    "http://$address/zhiyuan.v1.ServerInfoService/GetServerInfo" 2>&1 >/dev/null |
    sed -n 's/.*"code": "\(.*\)".*/\1/p' | head -1
}
until_true() {  # until_true LIMIT_SECONDS COMMAND...
  local limit=$1
  shift
  local start
  start=$(now)
  until "$@"; do
    if awk -v a="$start" -v b="$(now)" -v l="$limit" 'BEGIN { exit !(b - a > l) }'; then
      echo "gave up after ${limit}s waiting for: $*" >&2
      return 1
    fi
  done
  return 0
}
health_is() { [[ "$(health)" == "$1" ]]; }
info_code_is() { [[ "$(info_code)" == "$1" ]]; }

start_server() {  # sets $server, $address and $elapsed
  local start
  start=$(now)
  "$zhiyuand" --listen=127.0.0.1:0 --data_dir="$work" >"$work/zhiyuand.log" 2>&1 &
  server=$!
  until_true 120 grep -q 'serving on port' "$work/zhiyuand.log"
  address=127.0.0.1:$(sed -n 's/.*serving on port \([0-9]*\)$/\1/p' "$work/zhiyuand.log")
  until_true 120 health_is SERVING
  elapsed=$(since "$start")
}

stop_server() {
  kill -INT "$server"
  wait "$server"
  server=""
}

echo "| round | first start → SERVING (s) | restart → SERVING (s) | PG stop → NOT_SERVING (s) | PG stop → UNAVAILABLE call (s) | PG start → SERVING (s) |"
echo "|---|---|---|---|---|---|"
for round in $(seq 1 "$rounds"); do
  rm -rf "$work/pg"
  start_server
  first=$elapsed
  stop_server
  start_server
  second=$elapsed

  start=$(now)
  "${as_postgres[@]}" "$pg_ctl" stop -D "$work/pg/data" -m fast -w >/dev/null
  stopped=$(now)
  until_true 10 health_is NOT_SERVING
  not_serving=$(since "$stopped")
  until_true 10 info_code_is unavailable
  unavailable=$(since "$stopped")

  "${as_postgres[@]}" "$pg_ctl" start -D "$work/pg/data" -w -l "$work/pg/postgres.log" >/dev/null
  started=$(now)
  until_true 30 health_is SERVING
  serving=$(since "$started")
  stop_server
  echo "| $round | $first | $second | $not_serving | $unavailable | $serving |"
done
