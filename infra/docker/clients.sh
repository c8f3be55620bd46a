#!/bin/sh
# The one-shot `clients` job of compose.yaml: creates the gateway's service client (the revocation feed; user and admin
# have none) with create-client, once, and writes its SERVICE_CLIENT_ID and SERVICE_CLIENT_SECRET to gateway.env in
# CLIENTS_DIR (default /data, where the job mounts the `service-clients` volume), which the gateway sources at start.
# A file already there is kept, so the job is safe to run at every `docker compose up`. create-client prints the
# secret only once, and this script writes it to the file and never to the log.
set -eu

provision() {
  service=$1
  name=$2
  scopes=$3
  file="$dir/$service.env"
  if [ -s "$file" ]; then
    echo "clients: keeping the $name client in $file"
    return 0
  fi
  output=$(node services/auth/src/commands/create-client.ts --name "$name" --scopes "$scopes")
  printf '%s\n' "$output" | sed -n -e 's/^CLIENT_ID=/SERVICE_CLIENT_ID=/p' -e 's/^CLIENT_SECRET=/SERVICE_CLIENT_SECRET=/p' >"$file.new"
  if [ "$(grep -c '^SERVICE_CLIENT_' "$file.new")" -ne 2 ]; then
    echo "clients: create-client printed no CLIENT_ID and CLIENT_SECRET for $name" >&2
    rm -f "$file.new"
    exit 1
  fi
  mv "$file.new" "$file"
  echo "clients: created the $name client ($scopes) in $file"
}

dir=${CLIENTS_DIR:-/data}
umask 077
provision gateway gateway 'revocations:read identity:issue'
