#!/usr/bin/env bash
# What the kind provider needs on this machine when it runs offline:
#   host.sh up SUBNET GATEWAY   build the toolchain (warm: nothing), start the
#                               private dockerd, create the kind network on it
#                               and guard it; prints KEY=VALUE lines for kind
#   host.sh down                remove the network and guard, stop the private
#                               dockerd (only when no container is left on it)
#   host.sh status              what is up
#   host.sh env                 the KEY=VALUE lines of `up`, changing nothing
#   host.sh purge               delete every kind cluster on the private
#                               dockerd, then `down` (CI's last step)
# The network is a bridge ($KIND_BRIDGE) with masquerading off; an iptables
# guard drops anything routed between it and another interface, so nothing
# in a cluster reaches past this machine even where ip_forward is on.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

guard_up() {
  iptables -w -N "$KIND_GUARD_CHAIN" 2>/dev/null || iptables -w -F "$KIND_GUARD_CHAIN"
  # Bridged traffic between the nodes (in and out of the same bridge) passes.
  iptables -w -A "$KIND_GUARD_CHAIN" -i "$KIND_BRIDGE" ! -o "$KIND_BRIDGE" -j DROP
  iptables -w -A "$KIND_GUARD_CHAIN" -o "$KIND_BRIDGE" ! -i "$KIND_BRIDGE" -j DROP
  iptables -w -C FORWARD -j "$KIND_GUARD_CHAIN" 2>/dev/null || iptables -w -I FORWARD 1 -j "$KIND_GUARD_CHAIN"
}

guard_down() {
  while iptables -w -D FORWARD -j "$KIND_GUARD_CHAIN" 2>/dev/null; do :; done
  iptables -w -F "$KIND_GUARD_CHAIN" 2>/dev/null || true
  iptables -w -X "$KIND_GUARD_CHAIN" 2>/dev/null || true
}

# The first /24 of the subnet is where docker hands out node and peer
# addresses; the profile's NAD ranges and the peer address sit above it.
docker_ip_range() { echo "$1" | awk -F'[./]' '{printf "%s.%s.%s.0/24", $1, $2, $3}'; }

network_up() {
  local subnet=$1 gateway=$2 have
  if have=$(kdocker network inspect -f '{{range .IPAM.Config}}{{.Subnet}} {{.Gateway}}{{end}}' "$KIND_NETWORK" 2>/dev/null); then
    [ "$have" = "$subnet $gateway" ] ||
      kdie "docker network $KIND_NETWORK exists with subnet/gateway $have, not $subnet $gateway: delete the kind clusters on it, then scripts/kind/host.sh down"
    return
  fi
  klog "creating docker network $KIND_NETWORK ($subnet, gateway $gateway, no masquerading)"
  kdocker network create --driver bridge --subnet "$subnet" --gateway "$gateway" --ip-range "$(docker_ip_range "$subnet")" \
    -o com.docker.network.bridge.name="$KIND_BRIDGE" \
    -o com.docker.network.bridge.enable_ip_masquerade=false \
    --label io.multus-conformance.owned=true "$KIND_NETWORK" >/dev/null
}

# kind mounts /lib/modules into every node; this host has none, and docker
# would create it. Create it ourselves and remember, so `down` removes it.
lib_modules_up() {
  [ -e /lib/modules ] && return
  mkdir -p /lib/modules "$KIND_RUN"; touch "$KIND_RUN/created-lib-modules"
}

# Several nodes' kubelets and systemds need more inotify instances than the default 128.
inotify_up() {
  local k want cur
  for k in fs.inotify.max_user_instances=512 fs.inotify.max_user_watches=524288; do
    want=${k#*=}; cur=$(sysctl -n "${k%=*}")
    [ "$cur" -ge "$want" ] || sysctl -qw "$k"
  done
}

up() {
  [ $# -eq 2 ] || kdie "usage: host.sh up SUBNET GATEWAY"
  [ "$(id -u)" = 0 ] || kdie "the offline kind toolchain needs root (private dockerd, iptables guard): rerun with sudo"
  bash "$KIND_SCRIPTS/dockerd.sh" start >/dev/null
  bash "$KIND_SCRIPTS/build.sh" >&2
  inotify_up
  lib_modules_up
  network_up "$1" "$2"
  guard_up
  print_env
}

print_env() {
  echo "KIND=$KIND_CLI"
  echo "PATH_PREFIX=$KIND_TOOLS"
  echo "DOCKER_HOST=$KIND_DOCKER_HOST"
  echo "NODE_IMAGE=$NODE_IMAGE"
  echo "NETWORK=$KIND_NETWORK"
  echo "MULTUS_IMAGE=$MULTUS_IMAGE"
  echo "WHEREABOUTS_IMAGE=$WHEREABOUTS_IMAGE"
  echo "TEST_IMAGE=$TESTPOD_IMAGE"
}

down() {
  if ! bash "$KIND_SCRIPTS/dockerd.sh" status; then
    # What a killed daemon left (its pidfile, socket, data-root mount).
    bash "$KIND_SCRIPTS/dockerd.sh" stop
    guard_down
    remove_lib_modules
    remove_run_dir
    return
  fi
  local left
  left=$(kdocker ps -aq | wc -l)
  if [ "$left" -gt 0 ]; then
    klog "keeping the private dockerd and network: $left container(s) still on it ($(kdocker ps -a --format '{{.Names}}' | tr '\n' ' '))"
    return
  fi
  kdocker network rm "$KIND_NETWORK" >/dev/null 2>&1 || true
  guard_down
  bash "$KIND_SCRIPTS/dockerd.sh" stop
  remove_lib_modules
  remove_run_dir
}

# The exec root and log of a stopped daemon; nothing there is needed again.
remove_run_dir() {
  [ -d "$KIND_RUN" ] || return 0
  if grep -q " $KIND_RUN" /proc/self/mountinfo; then klog "keeping $KIND_RUN: something is still mounted under it"; return 0; fi
  rm -rf "$KIND_RUN"
}

remove_lib_modules() {
  [ -f "$KIND_RUN/created-lib-modules" ] || return 0
  rmdir /lib/modules 2>/dev/null || true
  rm -f "$KIND_RUN/created-lib-modules"
}

status() {
  if bash "$KIND_SCRIPTS/dockerd.sh" status; then
    echo "private dockerd: up ($KIND_DOCKER_HOST)"
    kdocker network inspect -f 'network {{.Name}}: {{range .IPAM.Config}}{{.Subnet}}{{end}}' "$KIND_NETWORK" 2>/dev/null || echo "network $KIND_NETWORK: absent"
    echo "containers: $(kdocker ps -a --format '{{.Names}}' | tr '\n' ' ')"
  else
    echo "private dockerd: down"
  fi
  iptables -w -S "$KIND_GUARD_CHAIN" >/dev/null 2>&1 && echo "guard chain $KIND_GUARD_CHAIN: present" || echo "guard chain $KIND_GUARD_CHAIN: absent"
}

purge() {
  if bash "$KIND_SCRIPTS/dockerd.sh" status && [ -x "$KIND_CLI" ]; then
    local c
    for c in $(DOCKER_HOST=$KIND_DOCKER_HOST PATH=$KIND_TOOLS:$PATH "$KIND_CLI" get clusters 2>/dev/null); do
      klog "deleting kind cluster $c"
      DOCKER_HOST=$KIND_DOCKER_HOST PATH=$KIND_TOOLS:$PATH "$KIND_CLI" delete cluster --name "$c" >&2
    done
  fi
  down
}

case ${1:-} in
  up) shift; up "$@" ;;
  env) print_env ;;
  purge) purge ;;
  down) down ;;
  status) status ;;
  *) echo "usage: host.sh up SUBNET GATEWAY | down | status | env | purge" >&2; exit 2 ;;
esac
