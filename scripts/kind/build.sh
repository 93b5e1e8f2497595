#!/usr/bin/env bash
# Builds the offline kind toolchain, cached under $CACHE_DIR/kind and keyed by
# the pinned versions (versions.env, ../testbed/versions.env):
#   - the kind CLI and CoreDNS, from the Go module proxy;
#   - a Debian bookworm node base (debootstrap from the mirror apt uses);
#   - the component images (kube-apiserver, -controller-manager, -scheduler,
#     -proxy, etcd, CoreDNS, pause) from the testbed's binaries, tagged as
#     kubeadm asks, plus the testbed's test pod and Multus images;
#   - the node image $KIND_NODE_REPO:<k8s version> in the private dockerd,
#     with all of those preloaded into its containerd (nothing is pulled).
# A warm rerun rebuilds nothing. Needs scripts/testbed/build.sh done first.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || kdie "must run as root (debootstrap, a private dockerd): rerun with sudo"
START=$(date +%s)
elapsed() { echo "$(( $(date +%s) - START ))s"; }
export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0 DOCKER_BUILDKIT=0

# Packages of the node base: kind's images/base list (systemd, netfilter
# tools, mount helpers) without its network-storage and rootless parts, plus
# containerd, runc and the CNI plugins from Debian.
BASE_PACKAGES="systemd dbus conntrack iptables nftables iproute2 ethtool util-linux mount kmod libseccomp2 bash ca-certificates jq procps containerd runc containernetworking-plugins"
# Bump when the base customisation below changes.
BASE_RECIPE=1

BUILD_TMP=
cleanup() {
  [ -n "$BUILD_TMP" ] && rm -rf "$BUILD_TMP"
  [ "${STARTED_DOCKERD:-}" = 1 ] && bash "$KIND_SCRIPTS/dockerd.sh" stop
  return 0
}
trap cleanup EXIT
new_tmp() { BUILD_TMP=$(mktemp -d /var/tmp/mc-kind-build.XXXXXX); }

go_install() { # MODULE@VERSION DEST-DIR
  local dest=$1.tmp
  rm -rf "$dest"; mkdir -p "$dest"
  kind_heartbeat "go install $2" env GOBIN="$dest" nice -n 10 go install -trimpath -ldflags '-s -w' "$2"
  rm -rf "$1"; mv "$dest" "$1"; touch "$1/.complete"
}

build_kind_cli() {
  [ -f "$KIND_TOOLS/.complete" ] && { klog "kind CLI $KIND_VERSION: cached"; return; }
  command -v go >/dev/null || kdie "go not found: install Go 1.24 or newer"
  klog "kind CLI $KIND_VERSION: building from sigs.k8s.io/kind ($(elapsed))"
  go_install "$KIND_TOOLS" "sigs.k8s.io/kind@$KIND_VERSION"
  # kind drives the docker CLI: Debian's, which matches the private dockerd.
  ln -sf /usr/bin/docker "$KIND_TOOLS/docker"
  klog "kind CLI: $("$KIND_CLI" version) ($(elapsed))"
}

build_coredns() {
  [ -f "$COREDNS_BIN/.complete" ] && { klog "CoreDNS $COREDNS_VERSION: cached"; return; }
  klog "CoreDNS $COREDNS_VERSION: building the plugins kind's Corefile uses from github.com/coredns/coredns ($(elapsed))"
  # A module of our own around coremain: go.sum comes from the module proxy.
  local src dest=$COREDNS_BIN.tmp
  src=$(mktemp -d)
  cp "$KIND_SCRIPTS/coredns/main.go" "$src/"
  printf 'module multus-conformance/coredns\n\ngo 1.24\n\nrequire github.com/coredns/coredns %s\n' "$COREDNS_VERSION" >"$src/go.mod"
  rm -rf "$dest"; mkdir -p "$dest"
  (cd "$src" && kind_heartbeat "go mod tidy (CoreDNS)" go mod tidy &&
    kind_heartbeat "go build (CoreDNS)" nice -n 10 go build -trimpath -ldflags '-s -w' -o "$dest/coredns" .) ||
    { rm -rf "$src" "$dest"; kdie "CoreDNS $COREDNS_VERSION did not build"; }
  rm -rf "$src" "$COREDNS_BIN"; mv "$dest" "$COREDNS_BIN"; touch "$COREDNS_BIN/.complete"
  klog "CoreDNS: $("$COREDNS_BIN/coredns" -version | head -1) ($(elapsed))"
}

debian_mirror() {
  local m
  # The first Debian (not security) source apt is configured with.
  m=$( { sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/*.sources; sed -n 's/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?//p' /etc/apt/sources.list; } 2>/dev/null |
    tr ' ' '\n' | grep -E '^https?://.*/debian/?$' | head -1 || true)
  echo "${m:-http://deb.debian.org/debian}"
}

BASE_KEY=$(printf '%s\n' "$DEBIAN_SUITE" "$BASE_PACKAGES" "$BASE_RECIPE" | sha256sum | cut -c1-12)
BASE_TAR=$KIND_CACHE/base/$DEBIAN_SUITE-$BASE_KEY.tar
NETTOOLS=$KIND_CACHE/base/nettools-$BASE_KEY
BASE_IMAGE=localhost/multus-conformance/kind-base:$BASE_KEY

build_base() {
  [ -f "$BASE_TAR" ] && [ -f "$NETTOOLS/.complete" ] && { klog "node base $DEBIAN_SUITE ($BASE_KEY): cached"; return; }
  command -v debootstrap >/dev/null || kdie "debootstrap not found: apt-get install debootstrap (scripts/setup does)"
  new_tmp
  local root=$BUILD_TMP/rootfs mirror; mirror=$(debian_mirror)
  klog "node base: debootstrap $DEBIAN_SUITE from $mirror ($(elapsed))"
  kind_heartbeat "debootstrap" nice -n 10 debootstrap --variant=minbase --include="${BASE_PACKAGES// /,}" \
    "$DEBIAN_SUITE" "$root" "$mirror" >"$BUILD_TMP/debootstrap.log" 2>&1 ||
    { tail -20 "$BUILD_TMP/debootstrap.log" >&2; kdie "debootstrap failed (log above)"; }
  klog "node base: customising ($(elapsed))"
  # Like kind's base: no services but the ones the node needs (enabled in
  # files/), no kernel log in the journal, systemd as /sbin/init.
  find "$root/lib/systemd/system/sysinit.target.wants/" -name systemd-tmpfiles-setup.service -delete
  rm -f "$root"/lib/systemd/system/multi-user.target.wants/* "$root"/etc/systemd/system/*.wants/* \
    "$root"/lib/systemd/system/local-fs.target.wants/* "$root"/lib/systemd/system/sockets.target.wants/*udev* \
    "$root"/lib/systemd/system/sockets.target.wants/*initctl* "$root"/lib/systemd/system/basic.target.wants/*
  rm -f "$root"/etc/systemd/system/timers.target.wants/* "$root"/lib/systemd/system/timers.target.wants/*
  echo "ReadKMsg=no" >>"$root/etc/systemd/journald.conf"
  ln -sf /lib/systemd/systemd "$root/usr/sbin/init"
  mkdir -p "$root/opt/cni/bin" "$root/etc/kubernetes/manifests" "$root/etc/cni/net.d"
  # Real files, not links: Multus and the suite's checks read /opt/cni/bin.
  cp -a "$root"/usr/lib/cni/. "$root/opt/cni/bin/"
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* \
    "$root"/usr/share/man/* "$root"/usr/share/locale/* "$root"/var/log/*.log "$root"/etc/containerd/config.toml
  : >"$root/etc/machine-id"
  # kube-proxy's image needs iptables (nft), nft and conntrack: the binaries
  # with their libraries and xtables extensions, taken from this base.
  local nt=$BUILD_TMP/nettools f lib
  mkdir -p "$nt/usr/sbin"
  for f in xtables-nft-multi nft conntrack; do
    cp -a "$root/usr/sbin/$f" "$nt/usr/sbin/"
    for lib in $(chroot "$root" ldd "/usr/sbin/$f" | grep -o '/[^ ]*'); do
      mkdir -p "$nt$(dirname "$lib")"; cp -L "$root$lib" "$nt$lib"
    done
  done
  for f in iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore; do
    ln -sf xtables-nft-multi "$nt/usr/sbin/$f"
  done
  mkdir -p "$nt/usr/lib/x86_64-linux-gnu"
  cp -a "$root/usr/lib/x86_64-linux-gnu/xtables" "$nt/usr/lib/x86_64-linux-gnu/"
  mkdir -p "$KIND_CACHE/base"
  rm -rf "$NETTOOLS"; mv "$nt" "$NETTOOLS"; touch "$NETTOOLS/.complete"
  tar -C "$root" --numeric-owner -cf "$BASE_TAR.tmp" .
  mv "$BASE_TAR.tmp" "$BASE_TAR"
  klog "node base: $(du -h "$BASE_TAR" | cut -f1) ($(elapsed))"
  rm -rf "$BUILD_TMP"; BUILD_TMP=
}

ensure_dockerd() {
  bash "$KIND_SCRIPTS/dockerd.sh" status && return 0
  bash "$KIND_SCRIPTS/dockerd.sh" start >/dev/null
  STARTED_DOCKERD=1
}

# The images kubeadm's static pods and DaemonSets name, from our binaries.
# They run their commands by bare name, so PATH is set; CoreDNS is started by
# its entrypoint (kubeadm passes only args).
build_component_images() { # DIR
  local dir=$1 c
  for c in kube-apiserver kube-controller-manager kube-scheduler kube-proxy etcd coredns; do
    local ctx=$dir/$c
    mkdir -p "$ctx/rootfs/usr/local/bin" "$ctx/rootfs/tmp" "$ctx/rootfs/etc"
    chmod 1777 "$ctx/rootfs/tmp"
    printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/:/sbin/nologin\n' >"$ctx/rootfs/etc/passwd"
    local tag entry=
    case $c in
      etcd) cp "$ETCD_BIN/etcd" "$ctx/rootfs/usr/local/bin/"; tag=registry.k8s.io/etcd:$KUBEADM_ETCD_TAG ;;
      coredns) cp "$COREDNS_BIN/coredns" "$ctx/rootfs/coredns"; tag=registry.k8s.io/coredns/coredns:$COREDNS_VERSION; entry='ENTRYPOINT ["/coredns"]' ;;
      kube-proxy) cp "$K8S_BIN/$c" "$ctx/rootfs/usr/local/bin/"; cp -a "$NETTOOLS/." "$ctx/rootfs/"; rm -f "$ctx/rootfs/.complete"; tag=registry.k8s.io/$c:$K8S_VERSION ;;
      *) cp "$K8S_BIN/$c" "$ctx/rootfs/usr/local/bin/"; tag=registry.k8s.io/$c:$K8S_VERSION ;;
    esac
    printf 'FROM scratch\nCOPY rootfs/ /\nENV PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin\n%s\n' "$entry" >"$ctx/Dockerfile"
    klog "image $tag: building ($(elapsed))"
    kdocker build -q --network none -t "$tag" "$ctx" >/dev/null
    PRELOAD+=("$tag")
  done
}

# The testbed's own images (pause, test pod, Multus), loaded as built there.
load_testbed_images() {
  local tar
  for tar in $TESTBED_TARS; do kdocker load -q -i "$tar" >/dev/null; done
  kdocker tag "$PAUSE_IMAGE" "registry.k8s.io/pause:$KUBEADM_PAUSE_TAG"
  kdocker tag "$PAUSE_IMAGE" "registry.k8s.io/pause:$KIND_PAUSE_TAG"
  PRELOAD+=("registry.k8s.io/pause:$KUBEADM_PAUSE_TAG" "registry.k8s.io/pause:$KIND_PAUSE_TAG" "$TESTPOD_IMAGE" "$MULTUS_IMAGE" "$WHEREABOUTS_IMAGE")
}

# Fills DIR/var/lib/containerd's k8s.io namespace from a docker-save tarball,
# with a throwaway containerd (Debian's, the node's own version) on a private
# socket. Layers are not unpacked; the node's containerd unpacks on first use.
preload_into() { # ROOTFS TARBALL
  local root=$1 tar=$2 run=$BUILD_TMP/containerd
  mkdir -p "$run" "$root/var/lib/containerd"
  cat >"$run/config.toml" <<TOML
version = 2
root = "$root/var/lib/containerd"
state = "$run/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$run/containerd.sock"
[plugins."io.containerd.internal.v1.opt"]
  path = "$run/opt"
TOML
  containerd --config "$run/config.toml" >"$run/log" 2>&1 &
  local pid=$! i
  for i in $(seq 1 50); do ctr -a "$run/containerd.sock" version >/dev/null 2>&1 && break; sleep 0.2; done
  ctr -a "$run/containerd.sock" -n k8s.io images import --all-platforms --no-unpack "$tar" >/dev/null ||
    { kill "$pid"; cat "$run/log" >&2; kdie "importing images into the node's containerd failed"; }
  ctr -a "$run/containerd.sock" -n k8s.io images ls -q | grep -v '^sha256:' | sed 's/^/  preloaded /' >&2
  kill "$pid"; wait "$pid" 2>/dev/null || true
  rm -rf "$root/var/lib/containerd/io.containerd.runtime.v2.task"
}

node_key() {
  { cat "$KIND_SCRIPTS/versions.env" "$TESTBED_DIR/versions.env" "$KIND_SCRIPTS/build.sh"
    echo "$BASE_KEY"
    (cd "$KIND_SCRIPTS/files" && find . \( -type f -o -type l \) | LC_ALL=C sort | while read -r f; do
      if [ -L "$f" ]; then echo "$f -> $(readlink "$f")"; else sha256sum "$f"; fi; done)
    stat -c '%n %s %Y' "$K8S_BIN"/* "$ETCD_BIN/etcd" "$COREDNS_BIN/coredns" "$MULTUS_BIN"/*
    # The testbed's image tarballs are named by a hash of their contents.
    echo "$TESTBED_TARS"
  } | sha256sum | cut -c1-16
}

build_node_image() {
  [ -f "$K8S_BIN/.complete" ] && [ -f "$ETCD_BIN/.complete" ] && [ -f "$MULTUS_BIN/.complete" ] && [ -f "$WHEREABOUTS_BIN/.complete" ] ||
    kdie "the testbed's binaries are not built: run scripts/testbed/build.sh (scripts/setup does) first"
  ensure_dockerd
  local key have
  # Stage the testbed images first: their tarball names are part of the key.
  TESTBED_TARS=$(bash "$TESTBED_DIR/images.sh" pause testpod multus whereabouts) || kdie "scripts/testbed/images.sh failed"
  key=$(node_key)
  have=$(kdocker image inspect -f '{{index .Config.Labels "io.multus-conformance.kind-node-key"}}' "$NODE_IMAGE" 2>/dev/null || true)
  # The provider detects the offline toolchain by this file (never by a registry).
  if [ "$have" = "$key" ]; then klog "node image $NODE_IMAGE: cached"; echo "$NODE_IMAGE" >"$KIND_CACHE/node-image.ref"; return; fi
  klog "node image $NODE_IMAGE: building ($(elapsed))"
  if ! kdocker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
    klog "node base: importing into the private dockerd ($(elapsed))"
    kdocker import "$BASE_TAR" "$BASE_IMAGE" >/dev/null
  fi
  new_tmp
  PRELOAD=()
  build_component_images "$BUILD_TMP/components"
  load_testbed_images
  klog "node image: saving ${#PRELOAD[@]} images for preloading ($(elapsed))"
  kdocker save -o "$BUILD_TMP/preload.tar" "${PRELOAD[@]}"
  local ctx=$BUILD_TMP/node
  mkdir -p "$ctx/rootfs/usr/bin" "$ctx/rootfs/kind"
  cp -a "$KIND_SCRIPTS/files/." "$ctx/rootfs/"
  cp "$K8S_BIN/kubeadm" "$K8S_BIN/kubelet" "$K8S_BIN/kubectl" "$ctx/rootfs/usr/bin/"
  echo "$K8S_VERSION" >"$ctx/rootfs/kind/version"
  preload_into "$ctx/rootfs" "$BUILD_TMP/preload.tar"
  cat >"$ctx/Dockerfile" <<DOCKERFILE
FROM $BASE_IMAGE
COPY rootfs/ /
ENV container=docker
STOPSIGNAL SIGRTMIN+3
LABEL io.multus-conformance.kind-node-key=$key
ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]
DOCKERFILE
  klog "node image: committing ($(elapsed))"
  kind_heartbeat "docker build" kdocker build -q --network none -t "$NODE_IMAGE" "$ctx" >/dev/null
  # Older node images only take disk: keep the current one and the base.
  kdocker image prune -f >/dev/null
  klog "node image $NODE_IMAGE: built, $(kdocker image inspect -f '{{.Size}}' "$NODE_IMAGE" | numfmt --to=iec) ($(elapsed))"
  echo "$NODE_IMAGE" >"$KIND_CACHE/node-image.ref"
  rm -rf "$BUILD_TMP"; BUILD_TMP=
}

for step in ${*:-kind-cli coredns node}; do
  case $step in
    kind-cli) build_kind_cli ;;
    coredns) build_coredns ;;
    base) build_base ;;
    node) build_base; build_node_image ;;
    *) kdie "unknown step $step (kind-cli, coredns, base, node)" ;;
  esac
done
klog "toolchain ready ($(elapsed)): kind $KIND_CLI, node image $NODE_IMAGE"
