#!/usr/bin/env bash
# `make run`: installs what is missing, builds, and runs zhiyuand in the foreground on
# 127.0.0.1:50051. Without ZHIYUAN_DATABASE_URL it runs its own PostgreSQL in ./var/pg, which it
# stops again on Ctrl-C. Arguments are passed to zhiyuand.
set -euo pipefail
cd "$(dirname "$0")/.."

tools/deps.sh
bazel build //services:zhiyuand
exec bazel-bin/services/zhiyuand --data_dir=var "$@"
