#!/usr/bin/env bash
# MultiNetworkPolicy on the running testbed: the CRD
# (fixtures/multi-networkpolicy/crd.yaml) and multi-networkpolicy-iptables as
# a DaemonSet (daemonset.yaml, image from images.sh mnp). `up.sh` runs
# `install`; it is a no-op apply when both are there already. Where the
# daemon could not be built (build.sh mnp says why), nothing is installed:
# the policy/* scenarios then skip for want of the CRD, never run against a
# CRD that nothing enforces. The outcome goes to $STATE_DIR/multi-networkpolicy.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
require_root

MNP_STATE=$STATE_DIR/multi-networkpolicy
MNP_FIXTURES=$REPO_DIR/fixtures/multi-networkpolicy

install() {
  if [ ! -f "$MNP_BIN/.complete" ]; then
    local why
    why=$(cat "$MNP_BIN.unavailable" 2>/dev/null || echo "multi-networkpolicy-iptables $MNP_VERSION is not built (scripts/testbed/build.sh mnp)")
    echo "not installed: $why" >"$MNP_STATE"
    log "MultiNetworkPolicy not installed: $why"
    return 0
  fi
  local tar
  tar=$("$TESTBED_DIR/images.sh" mnp)
  ctr --address "$CONTAINERD_SOCK" -n k8s.io images import --no-unpack=false "$tar" >/dev/null
  kubectl_admin apply -f "$MNP_FIXTURES/crd.yaml" >/dev/null
  kubectl_admin wait --for condition=Established crd/multi-networkpolicies.k8s.cni.cncf.io --timeout 30s >/dev/null
  sed -e "s#__MNP_IMAGE__#$MNP_IMAGE#g" -e "s#__CRI_SOCKET_DIR__#$RUN_DIR#g" -e "s#__CRI_SOCKET__#$CONTAINERD_SOCK#g" \
    "$MNP_FIXTURES/daemonset.yaml" | kubectl_admin apply -f - >/dev/null
  kubectl_admin -n kube-system rollout status ds/multi-networkpolicy --timeout 120s >/dev/null || {
    kubectl_admin -n kube-system logs ds/multi-networkpolicy --tail 20 >&2 || true
    die "the multi-networkpolicy DaemonSet did not become ready"
  }
  echo "installed: multi-networkpolicy-iptables $MNP_VERSION ($(cat "$MNP_BIN/SOURCE"))" >"$MNP_STATE"
  log "MultiNetworkPolicy: CRD and multi-networkpolicy-iptables $MNP_VERSION ready"
}

case ${1:-} in
  install) install ;;
  *) die "usage: $0 install" ;;
esac
