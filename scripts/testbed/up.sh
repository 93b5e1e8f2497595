#!/usr/bin/env bash
# Starts the single-node testbed: etcd, control plane, containerd, kubelet
# and kube-proxy as plain processes, a bridge primary network, the secondary
# L2 segment with its external host, Multus applied as a DaemonSet, and
# whereabouts IPAM (whereabouts.sh).
# Ends with the node Ready and Multus ready, and prints the kubeconfig path.
# Running it on a healthy testbed does nothing; after a killed instance it
# clears the leftovers first.
set -euo pipefail
# Close every descriptor inherited above stderr (bash keeps its own script on
# 255, close-on-exec): the daemons started below would hold them for the
# testbed's lifetime, and a lock taken around this script
# (`flock testbed.lock up.sh`) would never be released.
for fd in $(ls /proc/$$/fd); do
  if [ "$fd" -gt 2 ] && [ "$fd" != 255 ]; then eval "exec $fd>&-" 2>/dev/null || true; fi
done
. "$(dirname "$0")/lib.sh"
require_root
START=$(date +%s)
elapsed() { echo "$(( $(date +%s) - START ))s"; }

# ipv6/* (issue 10 item 3): the external host's IPv6 address on the segment.
# Idempotent, so a second `up.sh` gives a testbed that predates it the address
# without a down/up (CI and every helper reuse a running testbed).
# - IPv6 on for mc-ext0 and mc-seg0: a new namespace and a new link have it on
#   by default, but a host booted with net.ipv6.conf.default.disable_ipv6=1
#   would hand that on to mc-seg0 (the macvlan master: its own IPv6 is not
#   needed by the pods', but the peer's end must have it).
# - nodad on the peer's address: it is fixed, ours alone on a segment the
#   testbed made, and pods get theirs only from fd00:6d63::100 on. With DAD it
#   would stay tentative for a second after every add, and a scenario started
#   right after `up` could ping a peer that does not answer yet. The pods'
#   addresses do go through DAD: that is what the scenarios check.
setup_peer_ipv6() {
  [ -d /proc/sys/net/ipv6 ] || { log "no IPv6 in this kernel: the external host gets no IPv6 address (ipv6/* skip on the node probe)"; return 0; }
  echo 0 >"/proc/sys/net/ipv6/conf/$SEG_MASTER/disable_ipv6"
  ip netns exec "$EXT_NETNS" sh -c "echo 0 >/proc/sys/net/ipv6/conf/$SEG_PEER/disable_ipv6"
  ip -n "$EXT_NETNS" addr replace "$EXT_IP6/$EXT_CIDR6" dev "$SEG_PEER" nodad
}

if "$TESTBED_DIR/status.sh" --quiet; then
  "$TESTBED_DIR/whereabouts.sh" --if-missing
  setup_peer_ipv6
  log "testbed already up"
  echo "$KUBECONFIG_OUT"
  exit 0
fi

# thin (default) or thick: which Multus DaemonSet `up` applies.
MULTUS_FLAVOR=${MC_MULTUS_FLAVOR:-thin}
case $MULTUS_FLAVOR in thin|thick) ;; *) die "MC_MULTUS_FLAVOR must be thin or thick, not \"$MULTUS_FLAVOR\"" ;; esac

preflight() {
  local missing=() c
  for c in containerd runc ip iptables nsenter unshare conntrack; do
    command -v "$c" >/dev/null || missing+=("$c")
  done
  [ ${#missing[@]} -eq 0 ] || die "missing commands: ${missing[*]}: run scripts/setup (installs the Debian packages)"
  [ -d /usr/lib/cni ] || die "CNI plugins missing: apt-get install containernetworking-plugins"
  # Kernel features the testbed cannot do without: veth (node address,
  # segment) and macvlan (the scenarios). ipvlan is optional (scenarios skip).
  local err
  if ! err=$(ip link add mc-probe0 type veth peer name mc-probe1 2>&1); then
    die "the kernel cannot create veth links ($err): the testbed needs CONFIG_VETH"
  fi
  err=$(ip link add mc-probe2 link mc-probe0 type macvlan mode bridge 2>&1) || {
    ip link del mc-probe0 2>/dev/null
    die "the kernel cannot create macvlan links ($err): the testbed needs CONFIG_MACVLAN"
  }
  ip link del mc-probe0
  [ -e /proc/sys/net/ipv4/ip_forward ] || die "no IPv4 sysctls: the kernel lacks networking support"
  [ -d /sys/fs/cgroup/memory ] || [ -f /sys/fs/cgroup/cgroup.controllers ] || die "no memory cgroup mounted"
  [ -f "$K8S_BIN/.complete" ] && [ -f "$ETCD_BIN/.complete" ] && [ -f "$MULTUS_BIN/.complete" ] && [ -f "$CRI_BIN/.complete" ] &&
    [ -f "$WHEREABOUTS_BIN/.complete" ] ||
    die "binaries not built: run scripts/testbed/build.sh first"
  if [ "$MULTUS_VERSION" != "$MULTUS_DEFAULT_VERSION" ]; then
    [ -f "$MULTUS_BIN/.complete" ] && [ -f "$MULTUS_DEFAULT_BIN/.complete" ] ||
      die "Multus $MULTUS_VERSION not built ($MULTUS_BIN): run scripts/testbed/build.sh multus multus_old first"
  fi
}

check_ports() {
  local p owner
  for p in $PORTS; do
    if ss -Hltn "sport = :$p" | grep -q .; then
      owner=$(ss -Hltnp "sport = :$p" | grep -o 'users:(([^)]*' | head -1)
      die "port $p is busy (${owner#users:((}): stop that process or run scripts/testbed/down.sh"
    fi
  done
}

# start NAME CMD... : runs CMD detached, recording its PID; once start_node
# has made the node's mount namespace (NODE_NS_PID), inside it.
NODE_NS_PID=
start() {
  local name=$1; shift
  local enter=()
  if [ -n "$NODE_NS_PID" ]; then enter=(nsenter -t "$NODE_NS_PID" -m --); fi
  setsid "${enter[@]}" "$@" >"$LOG_DIR/$name.log" 2>&1 < /dev/null &
  echo $! >"$PID_DIR/$name.pid"
}

wait_for() {
  local what=$1 timeout=$2; shift 2
  local deadline=$(( $(date +%s) + timeout ))
  until "$@" >/dev/null 2>&1; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      log "timed out after ${timeout}s waiting for $what"
      return 1
    fi
    sleep 0.5
  done
}

fail_with_log() {
  local name=$1
  tail -20 "$LOG_DIR/$name.log" >&2 || true
  die "$name did not become ready (log: $LOG_DIR/$name.log)"
}

setup_links() {
  ip link add "$NODE_IF" type veth peer name "$NODE_PEER_IF"
  ip addr add "$NODE_IP/$NODE_CIDR" dev "$NODE_IF"
  ip link set "$NODE_IF" up
  ip link set "$NODE_PEER_IF" up
  # Secondary segment: the host end is the macvlan/ipvlan master, the other
  # end is the "external host" in a namespace of its own.
  ip netns add "$EXT_NETNS"
  ip link add "$SEG_MASTER" type veth peer name "$SEG_PEER"
  ip link set "$SEG_PEER" netns "$EXT_NETNS"
  ip -n "$EXT_NETNS" addr add "$EXT_IP/$EXT_CIDR" dev "$SEG_PEER"
  ip -n "$EXT_NETNS" link set lo up
  ip -n "$EXT_NETNS" link set "$SEG_PEER" up
  ip link set "$SEG_MASTER" up
}

write_cni() {
  mkdir -p "$CNI_CONF_DIR" "$CNI_BIN_DIR"
  local p
  for p in $CNI_PLUGINS; do
    [ -e "/usr/lib/cni/$p" ] && install -m 0755 "/usr/lib/cni/$p" "$CNI_BIN_DIR/$p"
  done
  cat >"$CNI_CONF_DIR/10-$PRIMARY_NET.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "$PRIMARY_NET",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$POD_BRIDGE",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "ranges": [[{ "subnet": "$POD_SUBNET" }]],
        "routes": [{ "dst": "0.0.0.0/0" }]
      }
    }
  ]
}
EOF
}

write_configs() {
  mkdir -p "$STATE_DIR/config" "$STATE_DIR/containerd" "$RUN_DIR"
  # The kubelet's static pod manifests: annotations/static-pod writes one
  # there and removes it (only the suite's own testbed; down.sh removes all).
  mkdir -p "$STATE_DIR/manifests"
  cat >"$STATE_DIR/config/containerd.toml" <<EOF
version = 2
root = "$STATE_DIR/containerd/root"
state = "$STATE_DIR/containerd/state"
[grpc]
  address = "$CONTAINERD_SOCK"
[plugins."io.containerd.internal.v1.opt"]
  path = "$STATE_DIR/containerd/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  # Processes here lack CAP_SYS_RESOURCE: without this every sandbox fails
  # writing /proc/self/oom_score_adj.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$CNI_BIN_DIR"
    conf_dir = "$CNI_CONF_DIR"
EOF

  cat >"$STATE_DIR/config/kubeadm.yaml" <<EOF
apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: $NODE_IP
  bindPort: 6443
nodeRegistration:
  name: $NODE_NAME
  criSocket: unix://$CONTAINERD_SOCK
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: $K8S_VERSION
clusterName: multus-conformance
certificatesDir: $PKI_DIR
controlPlaneEndpoint: $NODE_IP:6443
networking:
  serviceSubnet: $SERVICE_CIDR
  podSubnet: $POD_CIDR
  dnsDomain: cluster.local
apiServer:
  certSANs: [$NODE_IP, 127.0.0.1, localhost]
EOF

  cat >"$STATE_DIR/config/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
cgroupDriver: cgroupfs
failCgroupV1: false
containerRuntimeEndpoint: unix://$CONTAINERD_SOCK
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $PKI_DIR/ca.crt}
authorization: {mode: Webhook}
clusterDomain: cluster.local
clusterDNS: [10.96.0.10]
failSwapOn: false
# containerd 1.6 cannot pin images: never collect the pause image.
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: {memory.available: "100Mi", nodefs.available: "1%", imagefs.available: "1%", nodefs.inodesFree: "1%"}
evictionPressureTransitionPeriod: 5s
serializeImagePulls: false
rotateCertificates: false
resolvConf: /etc/resolv.conf
maxPods: 110
staticPodPath: $STATE_DIR/manifests
EOF

  # Requests of the least-privilege ServiceAccount (fixtures/rbac) are logged,
  # nothing else: test/e2e/least-privilege.test.ts compares what the suite
  # really used with what the manifest grants.
  cat >"$STATE_DIR/config/audit-policy.yaml" <<EOF
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: Metadata
    users: ["$LP_SA_USER"]
  - level: None
EOF

  cat >"$STATE_DIR/config/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
clusterCIDR: $POD_CIDR
hostnameOverride: $NODE_NAME
bindAddress: $NODE_IP
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
clientConnection:
  kubeconfig: $KCFG_DIR/kube-proxy.conf
# Without CAP_SYS_RESOURCE the conntrack table size cannot be changed.
conntrack:
  maxPerCore: 0
  min: 0
EOF
}

make_pki() {
  local cfg=$STATE_DIR/config/kubeadm.yaml
  kubeadm init phase certs all --config "$cfg" >"$LOG_DIR/kubeadm.log" 2>&1 || fail_with_log kubeadm
  mkdir -p "$KCFG_DIR"
  kubeadm init phase kubeconfig all --config "$cfg" --kubeconfig-dir "$KCFG_DIR" >>"$LOG_DIR/kubeadm.log" 2>&1 || fail_with_log kubeadm
  kubeadm kubeconfig user --config "$cfg" --client-name system:kube-proxy >"$KCFG_DIR/kube-proxy.conf" 2>>"$LOG_DIR/kubeadm.log" ||
    fail_with_log kubeadm
  cp "$KCFG_DIR/admin.conf" "$KUBECONFIG_OUT"
  chmod 600 "$KCFG_DIR"/*.conf "$KUBECONFIG_OUT"
}

start_control_plane() {
  start etcd etcd --name "$NODE_NAME" --data-dir "$STATE_DIR/etcd" \
    --listen-client-urls https://127.0.0.1:2379 --advertise-client-urls https://127.0.0.1:2379 \
    --listen-peer-urls https://127.0.0.1:2380 --initial-advertise-peer-urls https://127.0.0.1:2380 \
    --initial-cluster "$NODE_NAME=https://127.0.0.1:2380" --listen-metrics-urls http://127.0.0.1:2381 \
    --cert-file "$PKI_DIR/etcd/server.crt" --key-file "$PKI_DIR/etcd/server.key" \
    --trusted-ca-file "$PKI_DIR/etcd/ca.crt" --client-cert-auth \
    --peer-cert-file "$PKI_DIR/etcd/peer.crt" --peer-key-file "$PKI_DIR/etcd/peer.key" \
    --peer-trusted-ca-file "$PKI_DIR/etcd/ca.crt" --peer-client-cert-auth \
    --snapshot-count 10000 --quota-backend-bytes 2147483648
  wait_for etcd 30 curl -sf http://127.0.0.1:2381/health || fail_with_log etcd

  start kube-apiserver kube-apiserver --advertise-address "$NODE_IP" --bind-address "$NODE_IP" --secure-port 6443 \
    --allow-privileged=true --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction \
    --client-ca-file "$PKI_DIR/ca.crt" --tls-cert-file "$PKI_DIR/apiserver.crt" --tls-private-key-file "$PKI_DIR/apiserver.key" \
    --etcd-servers https://127.0.0.1:2379 --etcd-cafile "$PKI_DIR/etcd/ca.crt" \
    --etcd-certfile "$PKI_DIR/apiserver-etcd-client.crt" --etcd-keyfile "$PKI_DIR/apiserver-etcd-client.key" \
    --kubelet-client-certificate "$PKI_DIR/apiserver-kubelet-client.crt" --kubelet-client-key "$PKI_DIR/apiserver-kubelet-client.key" \
    --kubelet-preferred-address-types InternalIP \
    --proxy-client-cert-file "$PKI_DIR/front-proxy-client.crt" --proxy-client-key-file "$PKI_DIR/front-proxy-client.key" \
    --requestheader-client-ca-file "$PKI_DIR/front-proxy-ca.crt" --requestheader-allowed-names front-proxy-client \
    --requestheader-extra-headers-prefix X-Remote-Extra- --requestheader-group-headers X-Remote-Group \
    --requestheader-username-headers X-Remote-User \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$PKI_DIR/sa.pub" --service-account-signing-key-file "$PKI_DIR/sa.key" \
    --service-cluster-ip-range "$SERVICE_CIDR" --enable-priority-and-fairness=false --profiling=false \
    --audit-policy-file "$STATE_DIR/config/audit-policy.yaml" --audit-log-path "$AUDIT_LOG" \
    --audit-log-maxsize 200 --audit-log-maxbackup 1

  local common=(--bind-address 127.0.0.1 --leader-elect=false --profiling=false)
  start kube-controller-manager kube-controller-manager "${common[@]}" \
    --kubeconfig "$KCFG_DIR/controller-manager.conf" \
    --authentication-kubeconfig "$KCFG_DIR/controller-manager.conf" \
    --authorization-kubeconfig "$KCFG_DIR/controller-manager.conf" \
    --client-ca-file "$PKI_DIR/ca.crt" --requestheader-client-ca-file "$PKI_DIR/front-proxy-ca.crt" \
    --root-ca-file "$PKI_DIR/ca.crt" --service-account-private-key-file "$PKI_DIR/sa.key" \
    --cluster-signing-cert-file "$PKI_DIR/ca.crt" --cluster-signing-key-file "$PKI_DIR/ca.key" \
    --use-service-account-credentials=true --cluster-name multus-conformance \
    --allocate-node-cidrs=true --cluster-cidr "$POD_CIDR" --node-cidr-mask-size 24 \
    --service-cluster-ip-range "$SERVICE_CIDR" --controllers '*,-cloud-node-lifecycle'
  start kube-scheduler kube-scheduler "${common[@]}" --kubeconfig "$KCFG_DIR/scheduler.conf" \
    --authentication-kubeconfig "$KCFG_DIR/scheduler.conf" --authorization-kubeconfig "$KCFG_DIR/scheduler.conf"

  wait_for kube-apiserver 60 kubectl --kubeconfig "$KCFG_DIR/super-admin.conf" get --raw /readyz || fail_with_log kube-apiserver
  # kubeadm's admin.conf authenticates as group kubeadm:cluster-admins, which
  # kubeadm binds in a phase we skip; bind it here.
  kubectl --kubeconfig "$KCFG_DIR/super-admin.conf" create clusterrolebinding kubeadm:cluster-admins \
    --clusterrole cluster-admin --group kubeadm:cluster-admins >/dev/null
}

start_node() {
  # A private mount namespace with shared propagation: kubelet's
  # Bidirectional/HostToContainer mounts need it, and the host's / stays
  # private. Every mount the node makes vanishes with this namespace.
  # A tmpfs of its own on /run/netns, so the pods' network namespaces that
  # containerd bind-mounts there never show up (or stay behind) on the host.
  # (`ip netns add` made the host's /run/netns a shared mount: cut that
  # peering and drop the copy first, or the tmpfs would propagate back to the
  # host. The tmpfs is then the only mount there, shared in a peer group of
  # its own: the thick Multus daemon mounts it with HostToContainer.)
  setsid unshare -m --propagation unchanged -- bash -c 'mount --make-rshared / && mkdir -p /run/netns &&
      { ! mountpoint -q /run/netns || { mount --make-rprivate /run/netns && umount -l /run/netns; }; } &&
      mount -t tmpfs -o mode=0755 mc-netns /run/netns && mount --make-shared /run/netns &&
      exec -a mc-mntns sleep infinity' \
    </dev/null >"$LOG_DIR/mntns.log" 2>&1 &
  echo $! >"$PID_DIR/mntns.pid"
  wait_for "mount namespace" 5 bash -c "[ \"\$(readlink /proc/$(cat "$PID_DIR/mntns.pid")/ns/mnt)\" != \"\$(readlink /proc/self/ns/mnt)\" ]"
  NODE_NS_PID=$(cat "$PID_DIR/mntns.pid")
  readlink "/proc/$NODE_NS_PID/ns/mnt" >"$STATE_DIR/mntns.id"

  start containerd containerd --config "$STATE_DIR/config/containerd.toml"
  wait_for containerd 30 ctr --address "$CONTAINERD_SOCK" version || fail_with_log containerd
  local tar
  for tar in $("$TESTBED_DIR/images.sh"); do
    ctr --address "$CONTAINERD_SOCK" -n k8s.io images import --no-unpack=false "$tar" >>"$LOG_DIR/images.log" 2>&1 ||
      fail_with_log images
  done

  start kubelet kubelet --config "$STATE_DIR/config/kubelet.yaml" --kubeconfig "$KCFG_DIR/kubelet.conf" \
    --root-dir "$STATE_DIR/kubelet" --cert-dir "$STATE_DIR/kubelet/pki" \
    --hostname-override "$NODE_NAME" --node-ip "$NODE_IP" --v 1
  start kube-proxy kube-proxy --config "$STATE_DIR/config/kube-proxy.yaml"
}

wait_ready() {
  wait_for "node $NODE_NAME Ready" 120 kubectl_admin wait --for=condition=Ready "node/$NODE_NAME" --timeout 2s ||
    fail_with_log kubelet
  # The pods run here regardless of the control-plane role; no taint is set
  # because the node never registered through kubeadm's mark-control-plane.
  sed -e "s#__MULTUS_IMAGE__#$MULTUS_IMAGE#g" -e "s#__KUBELET_ROOT__#$STATE_DIR/kubelet#g" \
    "$REPO_DIR/fixtures/multus/multus-$MULTUS_FLAVOR.yaml" | kubectl_admin apply -f - >"$LOG_DIR/multus-apply.log"
  wait_for "multus daemonset ready" 120 kubectl_admin -n kube-system rollout status ds/kube-multus-ds --timeout 2s || {
    kubectl_admin -n kube-system describe pods -l name=multus | tail -20 >&2
    die "Multus DaemonSet did not become ready"
  }
  # thin_entrypoint writes 00-multus.conflist when the primary is a conflist.
  wait_for "00-multus.conf(list)" 30 compgen -G "$CNI_CONF_DIR/00-multus.conf*" ||
    die "Multus did not write $CNI_CONF_DIR/00-multus.conf or .conflist"
}

# MultiNetworkPolicy for the policy/* scenarios: its CRD and daemon, when the
# daemon was built (build.sh mnp); otherwise a line saying why, and no CRD.
install_multi_networkpolicy() {
  "$TESTBED_DIR/multi-networkpolicy.sh" install 2>"$LOG_DIR/multi-networkpolicy.log" ||
    fail_with_log multi-networkpolicy
  grep -h 'not installed' "$LOG_DIR/multi-networkpolicy.log" >&2 || true
}

preflight
# Leftovers of an instance that was killed without `down`: clear them first.
if [ -d "$STATE_DIR" ] || ip link show "$NODE_IF" >/dev/null 2>&1 || ip netns list | grep -qw "$EXT_NETNS"; then
  log "clearing leftovers of a previous testbed"
  "$TESTBED_DIR/down.sh" >/dev/null
fi
check_ports
mkdir -p "$STATE_DIR" "$PID_DIR" "$LOG_DIR" "$RUN_DIR"
# From here any failed command ends the script with one line naming it and
# the logs (exit 2: no cluster to run against), never a bare exit 1.
set -E
trap 'rc=$?; die "up failed at line $LINENO: $BASH_COMMAND (exit $rc); logs: $LOG_DIR"' ERR
sysctl -n net.ipv4.ip_forward net.ipv4.conf.all.route_localnet >"$STATE_DIR/sysctl.before"
ip netns list | awk '{print $1}' >"$STATE_DIR/netns.before"
mountpoint -q /run/netns && touch "$STATE_DIR/run-netns-was-mounted"
log "links and namespaces ($(elapsed))"
setup_links
setup_peer_ipv6
write_cni
write_configs
log "certificates and kubeconfigs ($(elapsed))"
make_pki
log "control plane ($(elapsed))"
start_control_plane
log "containerd, images, kubelet, kube-proxy ($(elapsed))"
start_node
log "waiting for node Ready and Multus ($(elapsed))"
wait_ready
log "whereabouts IPAM ($(elapsed))"
"$TESTBED_DIR/whereabouts.sh"
log "MultiNetworkPolicy ($(elapsed))"
install_multi_networkpolicy
log "testbed up in $(elapsed)"
echo "$KUBECONFIG_OUT"
