#!/usr/bin/env bash
# Lints the protos, and checks them for breaking changes against main (or $BUF_AGAINST, any buf
# input such as '.git#ref=HEAD~1,subdir=proto') once main has an API.
set -euo pipefail
cd "$(dirname "$0")/.."
buf=tools/node_modules/.bin/buf
"$buf" lint
against=${BUF_AGAINST:-}
if [[ -z "$against" ]] && git rev-parse -q --verify main:proto >/dev/null 2>&1; then
  against='.git#branch=main,subdir=proto'
fi
if [[ -n "$against" ]]; then
  "$buf" breaking --against "$against"
fi
echo "buf: lint clean${against:+, no breaking change against $against}"
