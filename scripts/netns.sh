#!/bin/sh
# Runs a command in a fresh network namespace that has only loopback (root only). 127.0.0.1/32 also sits on an
# ifb device, so Janus (which skips LOOPBACK-flagged interfaces) gathers a 127.0.0.1 candidate.
# Usage: scripts/netns.sh <command> [args...]
set -e
if [ "$(id -u)" != 0 ]; then
  echo "backdrop: media tests and benchmarks run in their own network namespace, which needs root" >&2
  exit 1
fi
exec unshare -n sh -c '
  set -e
  ip link set lo up
  ip link add jlo0 type ifb
  ip addr add 127.0.0.1/32 dev jlo0
  ip link set jlo0 up
  export JANUS_ICE_ENFORCE_LIST=127.0.0.1
  exec "$@"' netns "$@"
