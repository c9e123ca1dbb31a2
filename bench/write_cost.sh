#!/usr/bin/env bash
# What keeping the figures costs writes (issue 6: at most 20% of their throughput): one round of
# bench/records.sh with the figures on, one with them off, alternated PAIRS times, then the median
# of each write path per mode and the cost. On the 2-core development machine the speed of one
# build drifts between runs by as much as the cost, so the modes take turns.
#
#   bench/write_cost.sh [PAIRS]     (default 4; about 7 minutes a pair; records.sh's variables
#                                    IN_FLIGHT, PGBENCH_CLIENTS, SECONDS_PER_RUN, ITEMS apply)
set -euo pipefail
cd "$(dirname "$0")/.."
pairs=${1:-4}
rows=$(mktemp)
trap 'rm -f "$rows"' EXIT

echo "| figures | pgbench tps (p99 ms) | zhiyuand single writes/s | p50 / p99 ms | COPY rows/s | sync items/s | pending |"
echo "|---|---|---|---|---|---|---|"
for pair in $(seq 1 "$pairs"); do
  # Alternate which mode goes first, so that neither always follows the other.
  modes=(on off)
  (( pair % 2 == 0 )) && modes=(off on)
  for mode in "${modes[@]}"; do
    # records.sh's row: | round | tps (p99) | single | ratio | p50 / p99 | COPY | sync | ratio | pending |
    row=$(STATS=$mode bench/records.sh 1 | tail -1)
    awk -F'|' -v m="$mode" '{
      printf "| %s |%s|%s|%s|%s|%s|%s|\n", m, $3, $4, $6, $7, $8, $10
      printf "%s %d %d %d\n", m, $4, $7, $8 >> "'"$rows"'"
    }' <<<"$row"
  done
done

# The median of column FIELD over the runs in MODE.
median() {
  awk -v m="$1" -v f="$2" '$1 == m { print $f }' "$rows" | sort -n |
    awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

echo
echo "| path | median with the figures | median without | cost |"
echo "|---|---|---|---|"
for column in 2:single 3:COPY 4:sync; do
  field=${column%%:*}
  name=${column#*:}
  on=$(median on "$field")
  off=$(median off "$field")
  awk -v n="$name" -v a="$on" -v b="$off" \
    'BEGIN { printf "| %s | %d | %d | %+.0f%% |\n", n, a, b, 100 * (a - b) / b }'
done
