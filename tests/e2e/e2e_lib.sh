# The frame the end-to-end tests share: sourced after they set $zhiyuand and $work (a fresh
# directory, mode 755). Defines check/fail, start/stop of zhiyuand on its embedded PostgreSQL in
# $work, and a cleanup on exit that leaves no process behind.
address=""
server=""
passed=0
as_postgres=()
[[ $(id -u) == 0 ]] && as_postgres=(runuser -u postgres --)

cleanup() {
  if [[ -n "$server" ]]; then
    kill -INT "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  "${as_postgres[@]}" /usr/lib/postgresql/15/bin/pg_ctl stop -D "$work/pg/data" -m immediate \
    >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

fail() {  # fail NAME: ends the test, printing the last reply (if any) and zhiyuand's log.
  echo "FAILED: $1" >&2
  [[ -f "$work/reply" ]] && { echo "--- last reply:" >&2; cat "$work/reply" >&2; }
  echo "--- zhiyuand log:" >&2
  cat "$work/zhiyuand.log" >&2
  exit 1
}

check() {  # check NAME COMMAND...: runs COMMAND, fails the test with NAME if it fails.
  local name=$1
  shift
  "$@" || fail "$name"
  passed=$((passed + 1))
}

start() {  # start ARGS...: starts zhiyuand with ARGS and waits until it serves; sets $address
  # Emptied here, not by the redirection below, which may come after the first look for the port.
  : >"$work/zhiyuand.log"
  env -u ZHIYUAN_DATABASE_URL "$zhiyuand" --data_dir="$work" "$@" >"$work/zhiyuand.log" 2>&1 &
  server=$!
  for _ in $(seq 1 600); do
    local port
    port=$(sed -n 's/.*serving on port \([0-9]*\)$/\1/p' "$work/zhiyuand.log")
    if [[ -n "$port" ]]; then
      address=127.0.0.1:$port
      return 0
    fi
    kill -0 "$server" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

stop() {  # SIGINT, and zhiyuand's exit code
  kill -INT "$server"
  local code=0
  wait "$server" || code=$?
  server=""
  return $code
}

no_processes_left() {
  ! pgrep -f "$work" >/dev/null
}
