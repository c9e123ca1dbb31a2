#!/usr/bin/env bash
# Issue 6's figures, in one command: a private PostgreSQL (tools/pgcluster, set up as zhiyuand's
# embedded one), migrated by zhiyuand; bench/stats_gen fills it with the national region table, a
# skewed directory and RECORDS service records (default 10,000,000) and folds the figures; then
# zhiyuand serves it and bench/stats_queries times every query shape through QueryStats and
# GetRegionSummary, beside the straightforward SQL, checking that both give the same answer.
# Target: p99 ≤ 20 ms for dashboard queries.
#
#   bench/stats.sh [RECORDS]     (prints Markdown; exits 1 if any answer differs)
#
# ITERATIONS (200) and SQL_ITERATIONS (3) set the runs per shape, RAW_ITERATIONS (ITERATIONS)
# those of the two shapes answered from the raw rows (seconds a call at 100M). KEEP=1 keeps the
# cluster's directory (its path is printed); GENERATE_ONLY=1 keeps it and stops before the
# queries; DATA=that directory times the queries on what it holds, without generating. ONLY=TEXT
# times only the shapes whose name holds TEXT, ONLY=-TEXT those whose name does not. COLD=1 (with
# DATA) first drops the cluster's files from the page cache, so that the queries start cold.
set -euo pipefail
cd "$(dirname "$0")/.."
records=${1:-10000000}

bazel build -c opt //bench:stats_gen //bench:stats_queries //services:zhiyuand //tools:pgcluster \
  2>/dev/null
bin=$(bazel info -c opt bazel-bin 2>/dev/null)
work=${DATA:-$(mktemp -d /tmp/zhiyuan-stats.XXXXXX)}
chmod 755 "$work"
server=""
cleanup() {
  if [[ -n "$server" ]]; then
    kill -INT "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  "$bin/tools/pgcluster" stop "$work/pg" >/dev/null 2>&1 || true
  if [[ -n "${KEEP:-}${DATA:-}${GENERATE_ONLY:-}" ]]; then
    echo "kept $work (start it with: $bin/tools/pgcluster start $work/pg)" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

mkdir -p "$work/pg"
chmod 755 "$work/pg"
if [[ -n "${COLD:-}" ]]; then
  # GNU dd's way to advise the kernel to drop a whole file's cached pages (/proc/sys/vm/drop_caches
  # may not be writable).
  find "$work/pg" -type f -exec dd if={} iflag=nocache count=0 status=none \;
fi
url=$("$bin/tools/pgcluster" start "$work/pg" 2>/dev/null)
if [[ -z "${DATA:-}" ]]; then
  od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$work/data.key"
fi
ZHIYUAN_DATA_KEY=$(cat "$work/data.key")
export ZHIYUAN_DATA_KEY
# Migrated first in any case: a kept directory may predate the newest migrations.
"$bin/services/zhiyuand" --database_url="$url" --migrate_only >>"$work/zhiyuand.log" 2>&1
if [[ -z "${DATA:-}" ]]; then
  "$bin/services/zhiyuand" --database_url="$url" --issue_admin_token_file="$work/admin.token" \
    >>"$work/zhiyuand.log" 2>&1

  # Revisions about double the records' size: beyond 30M records they would not fit the disk.
  revisions=true
  ((records <= 30000000)) || revisions=false
  echo "## Generation: $records service records (revisions: $revisions)"
  echo
  "$bin/bench/stats_gen" --database_url="$url" --records="$records" --revisions="$revisions"
  [[ -z "${GENERATE_ONLY:-}" ]] || exit 0
fi

# Served as zhiyuand runs by default; its compactor finds nothing left to fold.
"$bin/services/zhiyuand" --listen=127.0.0.1:0 --database_url="$url" ${ZHIYUAND_FLAGS:-} \
  >"$work/serve.log" 2>&1 &
server=$!
until grep -qs 'serving on port' "$work/serve.log"; do
  kill -0 "$server" || { cat "$work/serve.log"; exit 1; }
  sleep 0.2
done
address=127.0.0.1:$(sed -n 's/.*serving on port \([0-9]*\)$/\1/p' "$work/serve.log")

echo
echo "## Machine"
echo
echo "- $(nproc) cores ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), $(free -g | awk '/^Mem:/ { print $2 }') GiB memory"
echo "- PostgreSQL: $(psql "$url" -Atc "SELECT string_agg(name || ' = ' || current_setting(name), ', ' ORDER BY name) FROM pg_settings WHERE name IN ('server_version', 'shared_buffers', 'work_mem', 'effective_cache_size', 'max_parallel_workers_per_gather', 'jit', 'random_page_cost', 'max_wal_size')")"
echo
echo "## Query shapes"
echo
"$bin/bench/stats_queries" --address="$address" --token="$(cat "$work/admin.token")" \
  --database_url="$url" --iterations="${ITERATIONS:-200}" \
  --raw_iterations="${RAW_ITERATIONS:-${ITERATIONS:-200}}" --sql_iterations="${SQL_ITERATIONS:-3}" \
  --only="${ONLY:-}"
