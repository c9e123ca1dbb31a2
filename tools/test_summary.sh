#!/usr/bin/env bash
# Counts the test cases of the last `bazel test` run from their JUnit XML files and prints
# "N passed, N failed, N skipped", so a run that skipped its database tests says so.
set -euo pipefail
cd "$(dirname "$0")/.."
find -L bazel-testlogs/ -name test.xml -print0 2>/dev/null | xargs -0 -r cat | awk '
  # gtest writes <testcase .../> for a passed or skipped test (result="skipped"), and an open
  # <testcase ...> holding <failure> elements for a failed one; Bazel'"'"'s own XML for a test
  # that crashed or timed out has <error>.
  function finish() {
    if (open) {
      if (failed) failures++; else if (skipped) skips++; else passes++
    }
    open = 0
  }
  /<testcase / {
    finish()
    open = 1; failed = 0; skipped = /result="skipped"/
    if (/\/>[[:space:]]*$/) finish()
  }
  /<failure|<error/ { failed = 1 }
  /<\/testcase>/ { finish() }
  END { finish(); printf "%d passed, %d failed, %d skipped\n", passes, failures, skips }'
