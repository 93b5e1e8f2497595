#!/usr/bin/env bash
# Builds the testbed's Go binaries from the Go module proxy, cached outside
# the checkout and keyed by the versions in versions.env. A warm cache builds
# nothing. Progress lines carry the step and elapsed time so a cold build
# (20-40 minutes on 2 cores) does not look hung.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

export CGO_ENABLED=0 GOFLAGS=-mod=mod GOTOOLCHAIN=local
command -v go >/dev/null || die "go not found: install Go 1.24 or newer"
START=$(date +%s)
elapsed() { echo "$(( $(date +%s) - START ))s"; }

# Prints a heartbeat every 60 s while a long command runs.
with_heartbeat() {
  local what=$1; shift
  ( while sleep 60; do log "$what: still building ($(elapsed) elapsed)"; done ) &
  local hb=$!
  local rc=0
  "$@" || rc=$?
  kill "$hb" 2>/dev/null; wait "$hb" 2>/dev/null || true
  return $rc
}

# A wrapper module, because these commands are built as dependencies.
new_module() {
  local dir=$1 name=$2 go=${3:-1.24.0}
  rm -rf "$dir"; mkdir -p "$dir"
  printf 'module mcbuild/%s\n\ngo %s\n' "$name" "$go" >"$dir/go.mod"
}

build_kubernetes() {
  [ -f "$K8S_BIN/.complete" ] && { log "kubernetes $K8S_VERSION: cached"; return; }
  local work=$CACHE_DIR/work/kubernetes-$K8S_VERSION
  new_module "$work" kubernetes
  cd "$work"
  log "kubernetes $K8S_VERSION: downloading module ($(elapsed))"
  go mod edit -require="k8s.io/kubernetes@$K8S_VERSION"
  local gomod
  gomod=$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  [ -f "$gomod" ] || die "could not download k8s.io/kubernetes@$K8S_VERSION"
  # k8s.io/kubernetes replaces its staging modules with ./staging paths, which
  # Go ignores for a dependency: pin each to its published v0.X.Y instead.
  local staging_ver=v0.${K8S_VERSION#v1.}
  local mods
  mods=$(sed -n 's#^[[:space:]]*\(k8s.io/[a-z0-9-]*\) => ./staging/.*#\1#p' "$gomod")
  [ -n "$mods" ] || die "no staging replaces found in $gomod"
  for m in $mods; do go mod edit -replace="$m=$m@$staging_ver"; done
  # Keep the upstream godebug settings so runtime behaviour matches releases.
  grep -E '^godebug ' "$gomod" >>go.mod || true
  local minor=${K8S_VERSION#v1.}; minor=${minor%%.*}
  local ldf="-s -w"
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldf+=" -X $p.gitVersion=$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor"
    ldf+=" -X $p.gitTreeState=clean -X $p.buildDate=1970-01-01T00:00:00Z"
  done
  mkdir -p "$K8S_BIN.tmp"
  log "kubernetes $K8S_VERSION: compiling 7 commands ($(elapsed))"
  with_heartbeat "kubernetes" go build -trimpath -ldflags "$ldf" -o "$K8S_BIN.tmp/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubelet \
    k8s.io/kubernetes/cmd/kube-proxy k8s.io/kubernetes/cmd/kubeadm k8s.io/kubernetes/cmd/kubectl
  rm -rf "$K8S_BIN"; mv "$K8S_BIN.tmp" "$K8S_BIN"; touch "$K8S_BIN/.complete"
  log "kubernetes $K8S_VERSION: done ($(elapsed)): $("$K8S_BIN/kubelet" --version)"
}

build_etcd() {
  [ -f "$ETCD_BIN/.complete" ] && { log "etcd $ETCD_VERSION: cached"; return; }
  local work=$CACHE_DIR/work/etcd-$ETCD_VERSION
  new_module "$work" etcd
  cd "$work"
  go mod edit -require="go.etcd.io/etcd/server/v3@$ETCD_VERSION"
  mkdir -p "$ETCD_BIN.tmp"
  log "etcd $ETCD_VERSION: compiling ($(elapsed))"
  with_heartbeat "etcd" go build -trimpath -ldflags "-s -w" -o "$ETCD_BIN.tmp/etcd" go.etcd.io/etcd/server/v3
  rm -rf "$ETCD_BIN"; mv "$ETCD_BIN.tmp" "$ETCD_BIN"; touch "$ETCD_BIN/.complete"
  log "etcd $ETCD_VERSION: done ($(elapsed))"
}

build_multus() {
  [ -f "$MULTUS_BIN/.complete" ] && { log "multus $MULTUS_VERSION: cached"; return; }
  local work=$CACHE_DIR/work/multus-$MULTUS_VERSION
  # MULTUS_GO: a pinned toolchain (the old pin's, versions.env); this machine's Go otherwise.
  local GOTOOLCHAIN=${MULTUS_GO:-local}
  export GOTOOLCHAIN
  if [ "$GOTOOLCHAIN" = local ]; then new_module "$work" multus; else new_module "$work" multus "${GOTOOLCHAIN#go}"; fi
  cd "$work"
  local mod=gopkg.in/k8snetworkplumbingwg/multus-cni.v4
  go mod edit -require="$mod@$MULTUS_VERSION"
  local ldf="-s -w -X $mod/pkg/multus.version=$MULTUS_VERSION"
  mkdir -p "$MULTUS_BIN.tmp"
  log "multus $MULTUS_VERSION: compiling ($(elapsed))"
  with_heartbeat "multus" go build -trimpath -ldflags "$ldf" -o "$MULTUS_BIN.tmp/" \
    "$mod/cmd/multus" "$mod/cmd/thin_entrypoint" "$mod/cmd/install_multus" \
    "$mod/cmd/multus-daemon" "$mod/cmd/multus-shim"
  # install_multus (v4.2 on) copies this next to the multus binary; the image
  # needs it. Older versions have no passthru-cni command.
  if [ -d "$(go list -m -f '{{.Dir}}' "$mod")/cmd/passthru-cni" ]; then
    go build -trimpath -ldflags "$ldf" -o "$MULTUS_BIN.tmp/passthru" "$mod/cmd/passthru-cni"
  fi
  rm -rf "$MULTUS_BIN"; mv "$MULTUS_BIN.tmp" "$MULTUS_BIN"; touch "$MULTUS_BIN/.complete"
  log "multus $MULTUS_VERSION: done ($(elapsed))"
}

build_critools() {
  [ -f "$CRI_BIN/.complete" ] && { log "cri-tools $CRITOOLS_VERSION: cached"; return; }
  local work=$CACHE_DIR/work/cri-tools-$CRITOOLS_VERSION
  new_module "$work" critools
  cd "$work"
  go mod edit -require="sigs.k8s.io/cri-tools@$CRITOOLS_VERSION"
  mkdir -p "$CRI_BIN.tmp"
  log "crictl $CRITOOLS_VERSION: compiling ($(elapsed))"
  with_heartbeat "crictl" go build -trimpath -ldflags "-s -w" -o "$CRI_BIN.tmp/crictl" sigs.k8s.io/cri-tools/cmd/crictl
  rm -rf "$CRI_BIN"; mv "$CRI_BIN.tmp" "$CRI_BIN"; touch "$CRI_BIN/.complete"
  log "crictl $CRITOOLS_VERSION: done ($(elapsed))"
}

build_whereabouts() {
  [ -f "$WHEREABOUTS_BIN/.complete" ] && { log "whereabouts $WHEREABOUTS_VERSION: cached"; return; }
  local work=$CACHE_DIR/work/whereabouts-$WHEREABOUTS_VERSION
  new_module "$work" whereabouts
  cd "$work"
  local mod=github.com/k8snetworkplumbingwg/whereabouts
  go mod edit -require="$mod@$WHEREABOUTS_VERSION"
  # Its own go.mod pins gogo/protobuf with a replace, which Go ignores for a
  # dependency: repeat it here so the build resolves what upstream tests.
  go mod edit -replace=github.com/gogo/protobuf=github.com/gogo/protobuf@v1.3.2
  local ldf="-s -w -X $mod/pkg/version.Version=$WHEREABOUTS_VERSION -X $mod/pkg/version.ReleaseStatus=released"
  mkdir -p "$WHEREABOUTS_BIN.tmp"
  log "whereabouts $WHEREABOUTS_VERSION: compiling ($(elapsed))"
  # The CNI IPAM binary, and ip-control-loop: the pod controller that frees a
  # deleted pod's allocations plus the scheduled IP reconciler (v0.9.x has no
  # separate reconciler command; node slices are not used here).
  with_heartbeat "whereabouts" go build -trimpath -ldflags "$ldf" -o "$WHEREABOUTS_BIN.tmp/whereabouts" "$mod/cmd"
  go build -trimpath -ldflags "$ldf" -o "$WHEREABOUTS_BIN.tmp/ip-control-loop" "$mod/cmd/controlloop"
  rm -rf "$WHEREABOUTS_BIN"; mv "$WHEREABOUTS_BIN.tmp" "$WHEREABOUTS_BIN"; touch "$WHEREABOUTS_BIN/.complete"
  log "whereabouts $WHEREABOUTS_VERSION: done ($(elapsed))"
}

# The older pin of the upgrade rehearsal: the same build, its own cache entry.
# Not a default target (a run needs only the default version); scripts/setup
# builds it for the project's own tests.
build_multus_old() {
  MULTUS_VERSION=$MULTUS_OLD_VERSION MULTUS_BIN=$MULTUS_OLD_BIN MULTUS_GO=$MULTUS_OLD_GO build_multus
}

# multi-networkpolicy-iptables, the MultiNetworkPolicy implementation the
# policy/* scenarios run against. Optional: when it cannot be built, the
# reason goes to $MNP_BIN.unavailable, the testbed comes up without it and
# the policy scenarios are skipped for want of the CRD. Built from the Go
# module proxy at $MNP_VERSION or, when MC_MNP_SOURCE names one, from a
# checkout of the upstream repository (the proxy may not serve the module).
# It is the main module here, not a dependency, so its own replace
# directives (k8s.io staging modules) apply.
build_mnp() {
  [ -f "$MNP_BIN/.complete" ] && { log "multi-networkpolicy-iptables $MNP_VERSION: cached ($(cat "$MNP_BIN/SOURCE"))"; return; }
  local mod=github.com/k8snetworkplumbingwg/multi-networkpolicy-iptables
  local work=$CACHE_DIR/work/multi-networkpolicy-iptables-$MNP_VERSION src origin modflag=-mod=mod
  rm -rf "$work" "$MNP_BIN.unavailable"; mkdir -p "$work"
  if [ -n "${MC_MNP_SOURCE:-}" ]; then
    grep -qx "module $mod" "$MC_MNP_SOURCE/go.mod" 2>/dev/null || die "MC_MNP_SOURCE=$MC_MNP_SOURCE: no go.mod of $mod there"
    src=$MC_MNP_SOURCE
    origin="checkout $MC_MNP_SOURCE"
    # A checkout carries its vendor directory: no download at all.
    [ -f "$src/vendor/modules.txt" ] && modflag=-mod=vendor
  else
    local out
    out=$(cd "$work" && go mod download -json "$mod@$MNP_VERSION" 2>&1) || true
    src=$(printf '%s\n' "$out" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
    if [ -z "$src" ] || [ ! -d "$src" ]; then
      local why
      why=$(printf '%s\n' "$out" | sed -n 's/.*"Error": "\(.*\)".*/\1/p' | sed 's/\\n.*//')
      printf 'multi-networkpolicy-iptables %s could not be downloaded: %s\n' "$MNP_VERSION" "${why:-$(printf '%s' "$out" | tail -1)}" >"$MNP_BIN.unavailable"
      log "$(cat "$MNP_BIN.unavailable"); MultiNetworkPolicy will not be installed (MC_MNP_SOURCE=<checkout of $mod> builds it from source)"
      return 0
    fi
    origin="Go module proxy $mod@$MNP_VERSION"
  fi
  # The module cache is read-only; build in a copy.
  cp -r "$src/." "$work/src"; chmod -R u+w "$work/src"
  mkdir -p "$MNP_BIN.tmp"
  log "multi-networkpolicy-iptables $MNP_VERSION: compiling from $origin ($(elapsed))"
  (cd "$work/src" && with_heartbeat "multi-networkpolicy-iptables" go build "$modflag" -trimpath -ldflags "-s -w" \
    -o "$MNP_BIN.tmp/multi-networkpolicy-iptables" ./cmd/multi-networkpolicy-iptables)
  echo "$origin" >"$MNP_BIN.tmp/SOURCE"
  rm -rf "$MNP_BIN" "$work"; mv "$MNP_BIN.tmp" "$MNP_BIN"; touch "$MNP_BIN/.complete"
  log "multi-networkpolicy-iptables $MNP_VERSION: done ($(elapsed))"
}

mkdir -p "$BIN_DIR"
targets=${*:-multus whereabouts etcd critools kubernetes mnp}
for t in $targets; do "build_$t"; done
log "all builds done in $(elapsed)"
