#!/usr/bin/env bash
# Scans the log lines servers wrote during the tests (glog lines: "I20261127 21:43:59.067232 ...")
# in every test.log under DIR (default bazel-testlogs) for what must never be logged: a 居民身份证
# number (18 characters, a plausible birth date, a valid GB 11643 check digit) or a mainland
# mobile number. Prints each hit and exits 1 if there is any. Test frameworks' own lines (which
# may print the bad inputs of a table) are not server log lines and are not scanned.
set -euo pipefail
dir=${1:-bazel-testlogs}

valid_id() {  # valid_id NUMBER: whether its check digit is right
  local id=$1 sum=0 i
  local -a weights=(7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2)
  for i in {0..16}; do sum=$((sum + ${id:i:1} * weights[i])); done
  local checks=10X98765432
  [[ ${id:17:1} == "${checks:$((sum % 11)):1}" ]]
}

hits=0
while IFS= read -r -d '' log; do
  while IFS= read -r line; do
    for id in $(grep -oP '(?<![0-9A-Za-z])[1-9]\d{5}(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])\d{3}[\dX](?![0-9A-Za-z])' <<<"$line"); do
      if valid_id "$id"; then
        echo "ID number in a server log: $log: $line"
        hits=$((hits + 1))
      fi
    done
    if grep -qP '(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])' <<<"$line"; then
      echo "phone number in a server log: $log: $line"
      hits=$((hits + 1))
    fi
  done < <(grep -aE '^[IWEF][0-9]{8} ' "$log" || true)
done < <(find -L "$dir" -name test.log -print0 2>/dev/null)

if ((hits > 0)); then
  echo "scan_logs: $hits personal numbers in server logs" >&2
  exit 1
fi
echo "scan_logs: no ID or phone number in the server logs under $dir"
