#!/usr/bin/env bash
# `make test`: installs what is missing, builds everything, lints the protos, starts a private
# PostgreSQL for the tests, runs every test, prints the count of test cases, and scans what the
# servers logged during the tests for ID and phone numbers (tools/scan_logs.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

tools/deps.sh
bazel build //...
tools/buf.sh

# The tests' cluster lives outside the work tree, where the postgres user can reach it
# whatever the permissions of the checkout's parent directories.
cluster=$(mktemp -d /tmp/zhiyuan-test-pg.XXXXXX)
chmod 755 "$cluster"
stop_cluster() {
  bazel-bin/tools/pgcluster stop "$cluster" >/dev/null 2>&1 || true
  rm -rf "$cluster"
}
trap stop_cluster EXIT
ZHIYUAN_TEST_DATABASE_URL=$(bazel-bin/tools/pgcluster start "$cluster" 2>"$cluster.log") || {
  cat "$cluster.log" >&2
  exit 1
}
rm -f "$cluster.log"
export ZHIYUAN_TEST_DATABASE_URL
ZHIYUAN_BUF=$PWD/tools/node_modules/.bin/buf
export ZHIYUAN_BUF

status=0
bazel test //... "$@" || status=$?
tools/test_summary.sh
tools/scan_logs.sh || status=1
exit "$status"
