#!/usr/bin/env bash
# Builds the testbed's images with a private, throwaway dockerd (Debian's
# docker.io) and saves each as a tarball in the cache, keyed by a hash of
# its build context. `up` imports the tarballs into containerd.
# Prints the tarball paths, one per line, in the order pause, testpod, multus,
# whereabouts; with arguments (e.g. `images.sh testpod`), only those images
# (`mnp`, the MultiNetworkPolicy daemon, only when asked: multi-networkpolicy.sh does).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

IMG_DIR=$CACHE_DIR/images
CTX_DIR=$CACHE_DIR/image-build
mkdir -p "$IMG_DIR" "$CTX_DIR"

stage_pause() {
  local ctx=$1
  mkdir -p "$ctx/rootfs"
  cp "$TESTBED_DIR/images/pause/Dockerfile" "$ctx/"
  command -v gcc >/dev/null || die "gcc not found: apt-get install gcc libc6-dev"
  gcc -static -O2 -o "$ctx/rootfs/pause" "$TESTBED_DIR/images/pause/pause.c"
  strip "$ctx/rootfs/pause"
}

stage_testpod() {
  local ctx=$1 root=$1/rootfs
  mkdir -p "$root/bin" "$root/usr/bin" "$root/tmp" "$root/etc"
  cp "$TESTBED_DIR/images/testpod/Dockerfile" "$ctx/"
  cp /bin/busybox "$root/bin/busybox"
  local applet
  for applet in $(/bin/busybox --list); do
    [ "$applet" = busybox ] || [ "$applet" = ip ] || ln -sf busybox "$root/bin/$applet"
  done
  cp /bin/ip "$root/usr/bin/ip"
  # iproute2's ip is dynamic: bring its loader and libraries along.
  local lib
  for lib in $(ldd /bin/ip | grep -o '/[^ ]*'); do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
  chmod 1777 "$root/tmp"
}

stage_multus() {
  local ctx=$1 root=$1/rootfs
  mkdir -p "$root/usr/src/multus-cni/bin" "$root/tmp"
  cp "$TESTBED_DIR/images/multus/Dockerfile" "$ctx/"
  [ -f "$MULTUS_BIN/.complete" ] || die "multus binaries missing: run scripts/testbed/build.sh first"
  cp "$MULTUS_BIN/thin_entrypoint" "$MULTUS_BIN/install_multus" "$root/"
  # The thick DaemonSet runs install_multus from the bin directory, the thin one from /.
  cp "$MULTUS_BIN/multus" "$MULTUS_BIN/multus-shim" "$MULTUS_BIN/multus-daemon" \
    "$MULTUS_BIN/install_multus" "$root/usr/src/multus-cni/bin/"
  # passthru exists from v4.2 on (build.sh).
  if [ -f "$MULTUS_BIN/passthru" ]; then cp "$MULTUS_BIN/passthru" "$root/usr/src/multus-cni/bin/"; fi
  # multus-daemon looks itself up with os/user (static build: /etc/passwd),
  # and opens pod network namespaces by the runtime's /var/run/netns path.
  mkdir -p "$root/etc" "$root/var" "$root/run"
  ln -s ../run "$root/var/run"
  printf 'root:x:0:0:root:/root:/sbin/nologin\n' >"$root/etc/passwd"
  chmod 1777 "$root/tmp"
}

stage_whereabouts() {
  local ctx=$1 root=$1/rootfs
  [ -f "$WHEREABOUTS_BIN/.complete" ] || die "whereabouts binaries missing: run scripts/testbed/build.sh first"
  mkdir -p "$root/bin" "$root/tmp" "$root/etc/cni"
  cp "$TESTBED_DIR/images/whereabouts/Dockerfile" "$TESTBED_DIR/images/whereabouts/install.sh" "$ctx/"
  cp "$TESTBED_DIR/images/whereabouts/install.sh" "$root/install.sh"
  cp "$WHEREABOUTS_BIN/whereabouts" "$WHEREABOUTS_BIN/ip-control-loop" "$root/"
  # busybox for install.sh (sh, cp, cmp, sleep, date).
  cp /bin/busybox "$root/bin/busybox"
  local applet
  for applet in sh cp cmp mv chmod mkdir cat sleep date echo test; do ln -sf busybox "$root/bin/$applet"; done
  # The plugin's kubeconfig names host paths (/etc/cni/net.d/whereabouts.d/…);
  # ip-control-loop reads the same files in here, where the host's directory
  # is mounted at /host/etc/cni/net.d.
  ln -s ../../host/etc/cni/net.d "$root/etc/cni/net.d"
  chmod 1777 "$root/tmp"
}

# multi-networkpolicy-iptables (build.sh mnp) with Debian's iptables: the
# daemon execs iptables/ip6tables{,-save,-restore}, which load their match
# and target extensions (libxt_*.so) at run time, and looks protocols up.
stage_mnp() {
  local ctx=$1 root=$1/rootfs
  [ -f "$MNP_BIN/.complete" ] || die "multi-networkpolicy-iptables not built: $(cat "$MNP_BIN.unavailable" 2>/dev/null || echo 'run scripts/testbed/build.sh mnp')"
  local xt=/usr/lib/x86_64-linux-gnu/xtables multi=/usr/sbin/xtables-nft-multi
  [ -x "$multi" ] && [ -d "$xt" ] || die "iptables (nft) not found: apt-get install iptables"
  mkdir -p "$root/usr/bin" "$root/usr/sbin" "$root/etc" "$root/tmp" "$root/run" "$root/var"
  cp "$TESTBED_DIR/images/multi-networkpolicy/Dockerfile" "$ctx/"
  cp "$MNP_BIN/multi-networkpolicy-iptables" "$root/usr/bin/"
  cp "$multi" "$root/usr/sbin/"
  local n lib
  for n in iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore; do
    ln -s xtables-nft-multi "$root/usr/sbin/$n"
  done
  mkdir -p "$root$xt"
  cp "$xt"/*.so "$root$xt/"
  # Some extensions need more than the binary does (libnetfilter_conntrack, libm).
  for lib in $(ldd "$multi" "$xt"/*.so | grep -o '^[[:space:]].*/[^ ]*' | grep -o '/[^ ]*' | sort -u); do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
  cp /etc/protocols /etc/services "$root/etc/"
  ln -s ../run "$root/var/run"
  chmod 1777 "$root/tmp"
}

DOCKERD_PID=
stop_dockerd() {
  [ -n "$DOCKERD_PID" ] || return 0
  kill "$DOCKERD_PID" 2>/dev/null || true
  local i
  for i in $(seq 1 50); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 0.2; done
  DOCKERD_PID=
}
trap stop_dockerd EXIT

DOCKER_RUN=$CACHE_DIR/dockerd-run
export DOCKER_HOST=unix://$DOCKER_RUN/docker.sock DOCKER_BUILDKIT=0
start_dockerd() {
  [ -n "$DOCKERD_PID" ] && return 0
  command -v dockerd >/dev/null || die "dockerd not found: apt-get install docker.io"
  mkdir -p "$DOCKER_RUN"
  # Private and networkless: no docker0 bridge, no iptables rules, its own
  # data root, so it never touches the host's network or another dockerd.
  dockerd --data-root "$CACHE_DIR/docker-data" --exec-root "$DOCKER_RUN/exec" \
    --pidfile "$DOCKER_RUN/dockerd.pid" -H "$DOCKER_HOST" \
    --bridge=none --iptables=false --ip6tables=false --ip-masq=false \
    >"$DOCKER_RUN/dockerd.log" 2>&1 &
  DOCKERD_PID=$!
  local i
  for i in $(seq 1 100); do
    /usr/bin/docker version >/dev/null 2>&1 && return 0
    kill -0 "$DOCKERD_PID" 2>/dev/null || break
    sleep 0.3
  done
  tail -5 "$DOCKER_RUN/dockerd.log" >&2
  die "private dockerd did not start (log: $DOCKER_RUN/dockerd.log)"
}

# build_image NAME TAG → prints the cached tarball path
build_image() {
  local name=$1 tag=$2 ctx=$CTX_DIR/$1
  rm -rf "$ctx"; mkdir -p "$ctx"
  "stage_$name" "$ctx"
  local key
  key=$( (cd "$ctx" && find . -type f -o -type l | LC_ALL=C sort | while read -r f; do
    if [ -L "$f" ]; then echo "$f -> $(readlink "$f")"; else sha256sum "$f"; fi
  done; echo "$tag") | sha256sum | cut -c1-16)
  local tar=$IMG_DIR/$name-$key.tar
  if [ ! -f "$tar" ]; then
    start_dockerd
    log "image $tag: building"
    /usr/bin/docker build -q -t "$tag" "$ctx" >/dev/null
    /usr/bin/docker save -o "$tar.tmp" "$tag"
    mv "$tar.tmp" "$tar"
    log "image $tag: saved $(du -h "$tar" | cut -f1)"
  fi
  echo "$tar"
}

for name in ${*:-pause testpod multus whereabouts}; do
  case $name in
    pause) build_image pause "$PAUSE_IMAGE" ;;
    testpod) build_image testpod "$TESTPOD_IMAGE" ;;
    multus)
      build_image multus "$MULTUS_IMAGE"
      # Up with the older pin: the default version's image is there too, as
      # an operator's registry would have it, so an in-place upgrade (a
      # `kubectl apply` of the newer DaemonSet) finds it.
      if [ "$MULTUS_VERSION" != "$MULTUS_DEFAULT_VERSION" ]; then
        MULTUS_BIN=$MULTUS_DEFAULT_BIN build_image multus "$MULTUS_DEFAULT_IMAGE"
      fi ;;
    whereabouts) build_image whereabouts "$WHEREABOUTS_IMAGE" ;;
    mnp) build_image mnp "$MNP_IMAGE" ;;
    *) die "unknown image $name (pause, testpod, multus, whereabouts, mnp)" ;;
  esac
done
