#!/usr/bin/env bash
# zhiyuand's transport security as a user meets it: a CA, a server certificate and client
# certificates made with openssl at test time; zhiyuand on its embedded PostgreSQL serving TLS
# (flags), then mutual TLS (environment variables), called with buf curl and zhiyuanctl; and
# zhiyuand refusing plaintext on an address that is not loopback. buf curl calls
# grpc.health.v1.Health/Check, which needs no token, with its schema from the .proto file (not
# reflection), so that a failed call can only be the transport.
set -euo pipefail

zhiyuand=$(realpath "$1")
zhiyuanctl=$(realpath "$2")
buf=${ZHIYUAN_BUF:?set ZHIYUAN_BUF to the buf binary (tools/test.sh does)}
health_proto=/usr/share/grpc-proto/grpc/health/v1/health.proto  # Debian's grpc-proto
certs=${TEST_TMPDIR:?}/certs
work=$(mktemp -d /tmp/zhiyuan-tls-e2e.XXXXXX)
chmod 755 "$work"
source "$(dirname "${BASH_SOURCE[0]}")/e2e_lib.sh"

# A CA; a server certificate for 127.0.0.1 and localhost; a client certificate from the CA, and
# one that signs itself.
mkdir -p "$certs"
cat >"$certs/openssl.cnf" <<'EOF'
[req]
distinguished_name = dn
[dn]
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
[server]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
[client]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
EOF
make_cert() {  # make_cert NAME EXTENSIONS [CA]: NAME.key and NAME.pem, signed by CA or itself
  local name=$1 extensions=$2 ca=${3:-}
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$certs/$name.key"
  if [[ -z "$ca" ]]; then
    openssl req -x509 -config "$certs/openssl.cnf" -extensions "$extensions" \
      -key "$certs/$name.key" -subj "/CN=zhiyuan test $name" -days 1 -out "$certs/$name.pem"
  else
    openssl req -new -config "$certs/openssl.cnf" -key "$certs/$name.key" \
      -subj "/CN=zhiyuan test $name" -out "$certs/$name.csr"
    openssl x509 -req -in "$certs/$name.csr" -CA "$certs/$ca.pem" -CAkey "$certs/$ca.key" \
      -set_serial "$RANDOM$RANDOM" -days 1 -extfile "$certs/openssl.cnf" \
      -extensions "$extensions" -out "$certs/$name.pem" 2>/dev/null
  fi
}
make_cert ca ca
make_cert server server ca
make_cert client client ca
make_cert stranger client

# The calls leave their output and errors in $work/reply, which a failure prints. With its schema
# from the .proto file, a buf curl call can only fail in the transport; how it fails (which code)
# depends on when the server drops the connection.
health() {  # health [BUF_FLAGS...]: Health/Check over TLS, verifying the server against the CA
  "$buf" curl --protocol grpc --schema "$health_proto" --cacert "$certs/ca.pem" "$@" \
    "https://$address/grpc.health.v1.Health/Check" >"$work/reply" 2>&1
}
plaintext_health() {
  "$buf" curl --protocol grpc --schema "$health_proto" --http2-prior-knowledge \
    "http://$address/grpc.health.v1.Health/Check" >"$work/reply" 2>&1
}
untrusting_health() {  # over TLS, with the system's CAs
  "$buf" curl --protocol grpc --schema "$health_proto" \
    "https://$address/grpc.health.v1.Health/Check" >"$work/reply" 2>&1
}
at_localhost() {  # at_localhost COMMAND...: COMMAND with the server's address as localhost:port
  local address=localhost:${address#*:}
  "$@"
}
serving() {  # serving COMMAND...: COMMAND succeeds, answered SERVING
  "$@" && grep -q '"SERVING"' "$work/reply"
}
fails() {  # fails COMMAND...: COMMAND fails, and no answer came
  ! "$@" && ! grep -q '"status"' "$work/reply"
}
ctl_info() {  # ctl_info [FLAGS...]: zhiyuanctl info, with the admin token the first start made
  "$zhiyuanctl" --server="$address" --token_file="$work/admin.token" --timeout=10s "$@" info \
    >"$work/reply" 2>&1
}
answers() {  # answers COMMAND...: COMMAND succeeds with the server's info
  "$@" && grep -q '"database_status"' "$work/reply"
}
unavailable() {  # unavailable COMMAND...: COMMAND fails in the handshake
  ! "$@" && grep -q '^zhiyuanctl: 14: ' "$work/reply"
}

# TLS, listening on every address: that needs TLS, and gets it.
check "zhiyuand serves TLS on 0.0.0.0" start --listen=0.0.0.0:0 \
  --tls_cert_file="$certs/server.pem" --tls_key_file="$certs/server.key"
check "a TLS call is answered" serving health
check "the certificate holds for localhost too" at_localhost serving health
check "a plaintext call fails" fails plaintext_health
check "a client that does not trust the CA fails" fails untrusting_health
check "... on the certificate" grep -q 'certificate signed by unknown authority' "$work/reply"
check "zhiyuanctl --tls_ca_file is answered" answers ctl_info --tls_ca_file="$certs/ca.pem"
check "zhiyuanctl in plaintext does not" unavailable ctl_info
check "SIGINT stops the TLS server" stop

# Mutual TLS, configured through the environment.
export ZHIYUAN_TLS_CERT_FILE=$certs/server.pem ZHIYUAN_TLS_KEY_FILE=$certs/server.key \
  ZHIYUAN_TLS_CLIENT_CA_FILE=$certs/ca.pem
check "zhiyuand serves mutual TLS" start --listen=127.0.0.1:0
unset ZHIYUAN_TLS_CERT_FILE ZHIYUAN_TLS_KEY_FILE ZHIYUAN_TLS_CLIENT_CA_FILE
check "a call with a client certificate from the CA is answered" \
  serving health --cert "$certs/client.pem" --key "$certs/client.key"
check "a call without a client certificate fails" fails health
check "a call with a certificate the CA did not sign fails" \
  fails health --cert "$certs/stranger.pem" --key "$certs/stranger.key"
check "zhiyuanctl with its certificate is answered" answers ctl_info \
  --tls_ca_file="$certs/ca.pem" --tls_cert_file="$certs/client.pem" \
  --tls_key_file="$certs/client.key"
check "zhiyuanctl without one does not" unavailable ctl_info --tls_ca_file="$certs/ca.pem"
check "SIGINT stops the mutual-TLS server" stop
rm "$work/reply"

# Plaintext off loopback is refused, saying what to do.
code=0
env -u ZHIYUAN_DATABASE_URL timeout 120 "$zhiyuand" --data_dir="$work" --listen=0.0.0.0:0 \
  >"$work/zhiyuand.log" 2>&1 || code=$?
check "plaintext on 0.0.0.0 exits 2, a usage error" test "$code" = 2
check "... saying why and what to do" grep -qF 'INVALID_ARGUMENT: listen_address 0.0.0.0:0 is not loopback: give --tls_cert_file and --tls_key_file, or listen on 127.0.0.1/[::1]/localhost' "$work/zhiyuand.log"
check "no zhiyuand or postgres left" no_processes_left

# Refused before any database work: a fresh data directory stays without a cluster.
fresh=$work/fresh
mkdir "$fresh"
code=0
env -u ZHIYUAN_DATABASE_URL "$zhiyuand" --data_dir="$fresh" --listen=0.0.0.0:0 \
  >"$work/zhiyuand.log" 2>&1 || code=$?
check "the refusal comes before the database starts" test "$code" = 2 -a ! -e "$fresh/pg"

echo "$passed passed, 0 failed"
