#!/usr/bin/env bash
# Installs what building, running and testing Zhiyuan needs: Debian 12 packages and the npm
# tools pinned in tools/package-lock.json. Idempotent: when everything is there it only checks.
set -euo pipefail
cd "$(dirname "$0")"

# Debian 12 ("bookworm") packages, by name; bookworm's point releases fix their versions.
packages=(
  # Build: Bazel 4.2.3 and the rules it needs offline, the compiler, system libraries.
  bazel-bootstrap bazel-rules-java g++ make pkg-config
  protobuf-compiler protobuf-compiler-grpc libprotobuf-dev libgrpc++-dev grpc-proto
  libpqxx-dev libabsl-dev libgoogle-glog-dev libgtest-dev libgmock-dev libfccp-dev libsodium-dev
  # Run and test: PostgreSQL 15 (server binaries under /usr/lib/postgresql/15/bin), runuser,
  # openssl (the TLS test makes its certificates).
  postgresql-15 util-linux openssl
)
# buf comes from npm. A machine image may carry its own Node.js outside Debian's packages.
command -v npm >/dev/null || packages+=(nodejs npm)

missing=()
for package in "${packages[@]}"; do
  if [[ "$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null)" != installed ]]; then
    missing+=("$package")
  fi
done
if ((${#missing[@]} > 0)); then
  echo "deps: installing ${missing[*]}"
  if [[ $(id -u) != 0 ]]; then
    echo "deps: run as root (or install these packages) first" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# npm tools, exactly as locked. Reinstalled only when the lock file changed.
stamp=node_modules/.installed-from-package-lock.json
if ! cmp -s package-lock.json "$stamp"; then
  echo "deps: installing npm tools"
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
  cp package-lock.json "$stamp"
fi
