#!/usr/bin/env bash
# Installs whereabouts IPAM on the running testbed (up.sh calls it): its
# image imported into the node's containerd, fixtures/whereabouts/ applied,
# and done once the DaemonSet is ready, i.e. /opt/cni/bin/whereabouts and
# its config are on the node. Idempotent. With --if-missing it does nothing
# when the DaemonSet already runs this version (a testbed brought up before
# whereabouts was part of it gains it without a restart).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

installed() {
  local ds
  ds=$(kubectl_admin -n kube-system get ds whereabouts \
    -o jsonpath='{.status.numberReady}/{.status.desiredNumberScheduled} {.spec.template.spec.containers[0].image}' 2>/dev/null) || return 1
  [ "$ds" = "1/1 $WHEREABOUTS_IMAGE" ] && [ -x "$CNI_BIN_DIR/whereabouts" ]
}

if [ "${1:-}" = --if-missing ] && installed; then exit 0; fi

tar=$("$TESTBED_DIR/images.sh" whereabouts) || die "building the whereabouts image failed"
ctr --address "$CONTAINERD_SOCK" -n k8s.io images import --no-unpack=false "$tar" >>"$LOG_DIR/images.log" 2>&1 ||
  die "importing the whereabouts image failed (log: $LOG_DIR/images.log)"
sed -e "s#__WHEREABOUTS_IMAGE__#$WHEREABOUTS_IMAGE#g" "$REPO_DIR/fixtures/whereabouts/whereabouts.yaml" |
  kubectl_admin apply -f - >"$LOG_DIR/whereabouts-apply.log" 2>&1 ||
  die "applying fixtures/whereabouts/whereabouts.yaml failed (log: $LOG_DIR/whereabouts-apply.log)"
deadline=$(( $(date +%s) + 120 ))
until kubectl_admin -n kube-system rollout status ds/whereabouts --timeout 2s >/dev/null 2>&1 && [ -x "$CNI_BIN_DIR/whereabouts" ]; do
  if [ "$(date +%s)" -ge "$deadline" ]; then
    kubectl_admin -n kube-system describe pods -l app=whereabouts | tail -20 >&2
    die "the whereabouts DaemonSet did not become ready within 120s"
  fi
  sleep 1
done
log "whereabouts $WHEREABOUTS_VERSION ready"
