# Shared settings for the testbed scripts. Sourced, never run.
# shellcheck shell=bash
TESTBED_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$TESTBED_DIR/../.." && pwd)
# shellcheck source=versions.env
. "$TESTBED_DIR/versions.env"

# Build artifacts live outside the checkout so a fresh clone reuses them.
CACHE_DIR=${MC_CACHE_DIR:-/var/cache/multus-conformance}
BIN_DIR=$CACHE_DIR/bin
K8S_BIN=$BIN_DIR/kubernetes-$K8S_VERSION
ETCD_BIN=$BIN_DIR/etcd-$ETCD_VERSION
MULTUS_BIN=$BIN_DIR/multus-$MULTUS_VERSION
CRI_BIN=$BIN_DIR/cri-tools-$CRITOOLS_VERSION
WHEREABOUTS_BIN=$BIN_DIR/whereabouts-$WHEREABOUTS_VERSION
# Optional: without it the testbed comes up with no MultiNetworkPolicy
# implementation (build.sh records why in $MNP_BIN.unavailable).
MNP_BIN=$BIN_DIR/multi-networkpolicy-iptables-$MNP_VERSION

# Runtime state of a running testbed: everything `down` must remove.
STATE_DIR=${MC_STATE_DIR:-/var/lib/multus-conformance}
PKI_DIR=$STATE_DIR/pki
KCFG_DIR=$STATE_DIR/kubeconfig
PID_DIR=$STATE_DIR/pids
LOG_DIR=$STATE_DIR/logs
RUN_DIR=$STATE_DIR/run
CONTAINERD_SOCK=$RUN_DIR/containerd.sock
# The kubeconfig users and the suite use (cluster-admin through kubeadm's group).
KUBECONFIG_OUT=$STATE_DIR/admin.conf

# Addresses and names the testbed owns. The node address lives on a veth the
# testbed creates, never on the machine's uplink; docker0 (172.17/16) is clear.
NODE_NAME=mc-node
NODE_IF=mc-node0
NODE_PEER_IF=mc-node1
NODE_IP=10.77.0.1
NODE_CIDR=24
SERVICE_CIDR=10.96.0.0/16
POD_CIDR=10.244.0.0/16
POD_SUBNET=10.244.0.0/24
POD_BRIDGE=mc-cni0
PRIMARY_NET=mc-bridge
# The secondary L2 segment: the macvlan/ipvlan master and its "external host".
SEG_MASTER=mc-seg0
SEG_PEER=mc-ext0
EXT_NETNS=mc-ext
EXT_IP=192.168.1.1
EXT_CIDR=24
# Its IPv6 address (ipv6/*: fixtures/profiles/local.yaml's ipv6Gateway).
EXT_IP6=fd00:6d63::1
EXT_CIDR6=64

# The API server's audit log of the least-privilege ServiceAccount
# (fixtures/rbac/multus-conformance.yaml creates it).
AUDIT_LOG=$LOG_DIR/audit.log
LP_SA_USER=system:serviceaccount:multus-conformance:multus-conformance

# Ports the control plane listens on; `up` refuses to start if one is taken.
PORTS="2379 2380 2381 6443 10248 10249 10250 10256 10257 10259"

# CNI files the testbed installs on the host; `down` removes exactly these.
CNI_CONF_DIR=/etc/cni/net.d
CNI_BIN_DIR=/opt/cni/bin
CNI_PLUGINS="bridge host-local static macvlan ipvlan host-device tuning ptp loopback portmap vlan sbr"

export PATH=$K8S_BIN:$ETCD_BIN:$CRI_BIN:$PATH

log() { printf '[testbed %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'testbed: %s\n' "$*" >&2; exit 2; }

require_root() {
  [ "$(id -u)" = 0 ] || die "must run as root (it creates links, mounts and iptables rules): rerun with sudo"
}

# pid_alive NAME → 0 when the process recorded for NAME runs and is ours.
pid_alive() {
  local f=$PID_DIR/$1.pid pid
  [ -f "$f" ] || return 1
  pid=$(cat "$f")
  [ -d "/proc/$pid" ] || return 1
  # Guard against a recycled PID: the command line must name the binary.
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$1"
}

# MC_MULTUS_VERSION picks one of the two pinned Multus versions: the default
# (MULTUS_VERSION) or the older one the upgrade rehearsal starts from. Only
# pinned versions, because only those are built and cached.
MULTUS_DEFAULT_VERSION=$MULTUS_VERSION
MULTUS_DEFAULT_IMAGE=$MULTUS_IMAGE
MULTUS_DEFAULT_BIN=$MULTUS_BIN
# Keyed by the Go toolchain too: the same version built with another Go is another binary.
MULTUS_OLD_BIN=$BIN_DIR/multus-$MULTUS_OLD_VERSION-$MULTUS_OLD_GO
if [ -n "${MC_MULTUS_VERSION:-}" ]; then
  case $MC_MULTUS_VERSION in
    "$MULTUS_VERSION"|"$MULTUS_OLD_VERSION") ;;
    *) die "MC_MULTUS_VERSION must be $MULTUS_VERSION or $MULTUS_OLD_VERSION (scripts/testbed/versions.env), not \"$MC_MULTUS_VERSION\"" ;;
  esac
  if [ "$MC_MULTUS_VERSION" = "$MULTUS_OLD_VERSION" ]; then MULTUS_BIN=$MULTUS_OLD_BIN; fi
  MULTUS_VERSION=$MC_MULTUS_VERSION
  MULTUS_IMAGE=${MULTUS_DEFAULT_IMAGE%:*}:$MULTUS_VERSION
fi

kubectl_admin() { kubectl --kubeconfig "$KUBECONFIG_OUT" "$@"; }
