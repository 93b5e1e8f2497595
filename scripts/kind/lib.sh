# Shared settings for the offline kind toolchain. Sourced, never run.
# shellcheck shell=bash
KIND_SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# The testbed's lib gives the versions, the binary cache and log helpers.
# shellcheck source=../testbed/lib.sh
. "$KIND_SCRIPTS/../testbed/lib.sh"
# shellcheck source=versions.env
. "$KIND_SCRIPTS/versions.env"

# MC_KIND_CACHE / MC_KIND_RUN: a separate cache and daemon (bench.sh cold builds).
KIND_CACHE=${MC_KIND_CACHE:-$CACHE_DIR/kind}
KIND_TOOLS=$KIND_CACHE/tools/kind-$KIND_VERSION
KIND_CLI=$KIND_TOOLS/kind
# Keyed by the plugin list too (scripts/kind/coredns/main.go).
COREDNS_BIN=$KIND_CACHE/bin/coredns-$COREDNS_VERSION-$(sha256sum "$KIND_SCRIPTS/coredns/main.go" | cut -c1-8)
KIND_IMAGES=$KIND_CACHE/images
NODE_IMAGE=$KIND_NODE_REPO:$K8S_VERSION

# The private dockerd: its data root in the cache (images survive), its
# socket, exec root and log in a run directory (gone at reboot).
KIND_RUN=${MC_KIND_RUN:-/run/mc-kind}
KIND_DOCKER_DATA=$KIND_CACHE/docker
KIND_DOCKER_SOCK=$KIND_RUN/docker.sock
KIND_DOCKER_HOST=unix://$KIND_DOCKER_SOCK
KIND_RUNTIME=$KIND_CACHE/runtime/capfilter-runc

# The kind network on the private dockerd: a bridge the project names, so
# its host side is recognisable (iptables guard, teardown checks).
KIND_NETWORK=mc-kind
KIND_BRIDGE=mc-kind0
KIND_GUARD_CHAIN=MC-KIND-GUARD

klog() { printf '[kind %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
kdie() { printf 'kind toolchain: %s\n' "$*" >&2; exit 2; }

# Debian's docker CLI matches Debian's dockerd (API 1.41).
kdocker() { DOCKER_HOST=$KIND_DOCKER_HOST /usr/bin/docker "$@"; }

# Prints a heartbeat every 60 s while a long command runs.
kind_heartbeat() {
  local what=$1 t0; shift; t0=$(date +%s)
  # The sleeper is killed with the loop, so no pipe is held open after it.
  ( s=; trap 'kill $s 2>/dev/null; exit 0' TERM
    while :; do sleep 60 & s=$!; wait $s; klog "$what: still running ($(( $(date +%s) - t0 ))s)"; done ) &
  local hb=$! rc=0
  "$@" || rc=$?
  kill "$hb" 2>/dev/null; wait "$hb" 2>/dev/null || true
  return $rc
}
