#!/usr/bin/env bash
# Makes a self-signed certificate for local HTTPS on https://localhost: an EC P-256 key and a certificate for
# CN=localhost (SAN DNS:localhost, IP:127.0.0.1), valid 825 days. Keeps a pair that is still good, so it is safe to
# run at every start. Usage: self-signed-cert.sh DIR   → DIR/localhost.crt and DIR/localhost.key
set -euo pipefail

if [ $# -ne 1 ] || [ -z "$1" ]; then
  echo "usage: $0 DIR" >&2
  exit 2
fi
dir=$1
cert="$dir/localhost.crt"
key="$dir/localhost.key"

# A pair is kept when both files are there, the certificate is good for at least another day, and the key is its key.
still_good() {
  [ -s "$cert" ] && [ -s "$key" ] || return 1
  openssl x509 -in "$cert" -noout -checkend 86400 >/dev/null 2>&1 || return 1
  [ "$(openssl x509 -in "$cert" -noout -pubkey 2>/dev/null)" = "$(openssl pkey -in "$key" -pubout 2>/dev/null)" ]
}

if still_good; then
  echo "self-signed-cert: keeping the certificate in $dir"
else
  mkdir -p "$dir"
  umask 077
  # Written beside the final files and moved into place, so a reader never sees half a pair.
  if ! made=$(openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 -days 825 \
    -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -addext "basicConstraints=critical,CA:FALSE" \
    -addext "keyUsage=critical,digitalSignature" \
    -addext "extendedKeyUsage=serverAuth" \
    -keyout "$key.new" -out "$cert.new" 2>&1); then
    echo "$made" >&2
    rm -f "$key.new" "$cert.new"
    exit 1
  fi
  chmod 600 "$key.new"
  chmod 644 "$cert.new"
  mv "$key.new" "$key"
  mv "$cert.new" "$cert"
  echo "self-signed-cert: made a new certificate in $dir"
fi
echo "certificate: $cert"
echo "key: $key"
