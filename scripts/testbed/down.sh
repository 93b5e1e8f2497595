#!/usr/bin/env bash
# Removes everything the testbed created: processes (by recorded PID and by
# membership in the testbed's mount namespace), iptables chains, links,
# namespaces, cgroups, CNI files and state directories. Safe to run twice
# and after a killed instance.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
require_root
START=$(date +%s)

# Every process in the testbed's mount namespace (containerd shims, pod
# processes, kubelet) plus the recorded ones outside it.
testbed_pids() {
  local id pid
  id=$(cat "$STATE_DIR/mntns.id" 2>/dev/null || true)
  if [ -n "$id" ]; then
    for pid in /proc/[0-9]*; do
      pid=${pid#/proc/}
      [ "$(readlink "/proc/$pid/ns/mnt" 2>/dev/null)" = "$id" ] && echo "$pid"
    done
  fi
  # containerd shims of the testbed's containerd, wherever they run: they name its socket.
  for pid in /proc/[0-9]*; do
    pid=${pid#/proc/}
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "-address $CONTAINERD_SOCK" && echo "$pid"
  done
  local f name
  for f in "$PID_DIR"/*.pid; do
    [ -f "$f" ] || continue
    name=$(basename "$f" .pid)
    pid_alive "$name" && cat "$f"
  done
}

stop_processes() {
  local pids i
  pids=$(testbed_pids | sort -u)
  [ -n "$pids" ] || return 0
  # shellcheck disable=SC2086
  kill -TERM $pids 2>/dev/null
  for i in $(seq 1 20); do
    pids=$(for p in $pids; do [ -d "/proc/$p" ] && echo "$p"; done)
    [ -n "$pids" ] || return 0
    sleep 0.25
  done
  # shellcheck disable=SC2086
  kill -KILL $pids 2>/dev/null
  sleep 0.5
}

remove_iptables() {
  if [ -x "$K8S_BIN/kube-proxy" ]; then
    kube-proxy --cleanup >/dev/null 2>&1 || true
  fi
  # Chains kubelet and kube-proxy leave behind (canaries, firewall).
  local cmd table chain
  for cmd in iptables ip6tables; do
    command -v "$cmd" >/dev/null || continue
    for table in filter nat mangle; do
      for chain in $("$cmd" -t "$table" -S 2>/dev/null | awk '$1 == "-N" && $2 ~ /^KUBE-/ {print $2}'); do
        # Remove the jumps into the chain, then the chain itself.
        "$cmd" -t "$table" -S 2>/dev/null | grep -- "-j $chain\b" | sed 's/^-A/-D/' | while read -r rule; do
          # shellcheck disable=SC2086
          "$cmd" -t "$table" $rule 2>/dev/null
        done
        "$cmd" -t "$table" -F "$chain" 2>/dev/null
      done
      for chain in $("$cmd" -t "$table" -S 2>/dev/null | awk '$1 == "-N" && $2 ~ /^KUBE-/ {print $2}'); do
        "$cmd" -t "$table" -X "$chain" 2>/dev/null
      done
    done
  done
}

# plugins/* (suites/scenarios/plugins.ts) remove their own links; a run
# killed mid-scenario can leave one: the scenario's bridge mcbr-<run id> or
# its veth pair mchd<run id>a/b. Only those names (deleting one veth end
# takes its peer along, hence 2>/dev/null).
remove_plugin_links() {
  local l
  for l in $(ip -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 | grep -E '^(mcbr-[0-9a-z]+|mchd[0-9a-z]+[ab])$'); do
    ip link del "$l" 2>/dev/null
  done
  return 0
}

remove_links() {
  local l
  # Pod veths normally die with their namespaces; any still on the bridge go first.
  if ip link show "$POD_BRIDGE" >/dev/null 2>&1; then
    for l in $(ip -o link show master "$POD_BRIDGE" | awk -F': ' '{print $2}' | cut -d@ -f1); do
      ip link del "$l" 2>/dev/null
    done
  fi
  for l in "$NODE_IF" "$SEG_MASTER" "$POD_BRIDGE"; do
    ip link show "$l" >/dev/null 2>&1 && ip link del "$l"
  done
  remove_plugin_links
  ip netns list 2>/dev/null | grep -qw "$EXT_NETNS" && ip netns del "$EXT_NETNS"
  # Pod namespaces that reached the host's /run/netns (none should): the
  # cni-* ones that were not there before `up`.
  local ns
  for ns in $(ip netns list 2>/dev/null | awk '$1 ~ /^cni-/ {print $1}'); do
    grep -qx "$ns" "$STATE_DIR/netns.before" 2>/dev/null || ip netns del "$ns"
  done
  # `ip netns add` turned /run/netns into a mount point; undo that if the
  # testbed was the one that did it and nothing else lives there now.
  if [ -d "$STATE_DIR" ] && [ ! -e "$STATE_DIR/run-netns-was-mounted" ] && mountpoint -q /run/netns &&
    [ -z "$(ls -A /run/netns 2>/dev/null)" ]; then
    umount /run/netns 2>/dev/null
  fi
  return 0
}

remove_cgroups() {
  local root
  for root in /sys/fs/cgroup/*/; do
    [ -d "$root/kubepods" ] && find "$root/kubepods" -depth -type d -exec rmdir {} + 2>/dev/null
  done
  [ -d /sys/fs/cgroup/unified/kubepods ] && find /sys/fs/cgroup/unified/kubepods -depth -type d -exec rmdir {} + 2>/dev/null
  return 0
}

remove_cni_files() {
  local p
  rm -rf "$CNI_CONF_DIR/00-multus.conf" "$CNI_CONF_DIR/00-multus.conflist" "$CNI_CONF_DIR/10-$PRIMARY_NET.conflist" "$CNI_CONF_DIR/multus.d" \
    "$CNI_CONF_DIR/whereabouts.d" "$CNI_CONF_DIR"/*.multus.temp 2>/dev/null
  for p in $CNI_PLUGINS multus passthru multus-shim whereabouts; do rm -f "$CNI_BIN_DIR/$p"; done
  rm -rf /var/lib/cni/networks /var/lib/cni/results /var/lib/cni/multus /run/cni /run/multus /run/k8s.cni.cncf.io \
    /etc/cni/multus 2>/dev/null
  # Leave no empty directories the testbed made.
  rmdir "$CNI_CONF_DIR" "$CNI_BIN_DIR" /etc/cni /opt/cni /var/lib/cni 2>/dev/null
  return 0
}

restore_sysctls() {
  [ -f "$STATE_DIR/sysctl.before" ] || return 0
  local fwd localnet
  { read -r fwd; read -r localnet; } <"$STATE_DIR/sysctl.before"
  sysctl -qw net.ipv4.ip_forward="$fwd" net.ipv4.conf.all.route_localnet="$localnet" 2>/dev/null
}

stop_processes
remove_iptables
remove_links
remove_cgroups
remove_cni_files
restore_sysctls
# Mounts under the state directory in this namespace (container rootfs, shm)
# would make the removal fail: detach them first, deepest first.
awk -v d="$STATE_DIR" '$5 ~ "^"d {print $5}' /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
rm -rf "$STATE_DIR"
log "testbed down in $(( $(date +%s) - START ))s"
