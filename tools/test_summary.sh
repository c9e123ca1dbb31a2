#!/usr/bin/env bash
# Counts the test cases of the last `bazel test` run from their JUnit XML files and prints
# "N passed, N failed, N skipped", so a run that skipped its database tests says so.
set -euo pipefail
cd "$(dirname "$0")/.."
passed=0 failed=0 skipped=0
while IFS= read -r -d '' xml; do
  # gtest writes one <testcase .../> per test, with result="completed" or "skipped", and a
  # <failure> element inside each failed one.
  c=$(grep -c '<testcase ' "$xml" || true)
  s=$(grep -c '<testcase [^>]*result="skipped"' "$xml" || true)
  f=$(grep -c '<failure ' "$xml" || true)
  passed=$((passed + c - s - f))
  failed=$((failed + f))
  skipped=$((skipped + s))
done < <(find -L bazel-testlogs/ -name test.xml -print0 2>/dev/null)
echo "$passed passed, $failed failed, $skipped skipped"
