#!/usr/bin/env bash
# tools/scan_logs.sh finds ID and phone numbers in server log lines, and only there.
set -euo pipefail
scan=$(realpath "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
expect() {  # expect CODE NAME LINE...: a test.log with LINEs scans with exit CODE
  local code=$1 name=$2
  shift 2
  rm -rf "$work/logs"
  mkdir -p "$work/logs/t"
  printf '%s\n' "$@" >"$work/logs/t/test.log"
  local got=0
  "$scan" "$work/logs" >"$work/out" 2>&1 || got=$?
  if [[ $got != "$code" ]]; then
    echo "FAILED: $name: exit $got, expected $code" >&2
    cat "$work/out" >&2
    exit 1
  fi
  passed=$((passed + 1))
}

glog='I20261127 21:43:59.067232 16271 rpc_log.cc:48]'
expect 0 "a clean log" "$glog rpc /zhiyuan.v1.TeamService/GetTeam code=OK latency_ms=1.2 peer=ipv4:127.0.0.1:5000"
expect 1 "an ID number" "$glog registering 420102199005170015 failed"
expect 1 "an ID number ending in X" "W20261127 21:43:59.067232 1 x.cc:1] id 11010519491231002X"
expect 1 "a phone number" "E20261127 21:43:59.067232 1 x.cc:1] phone=13812345678"
expect 0 "a volunteer number is no ID number" "$glog made volunteers/141124202600001736"
expect 0 "a wrong check digit is no ID number" "$glog 420102199005170016"
expect 0 "hex is no phone number" "$glog key \\x13812345678ab"
expect 0 "a test's own output is not scanned" \
  "[  FAILED  ] Bad/3, where GetParam() = (\"420102199005170015\", \"13812345678\")"
echo "$passed passed, 0 failed"
