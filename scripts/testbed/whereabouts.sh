#!/usr/bin/env bash
# Installs whereabouts IPAM on the running testbed (up.sh calls it): its
# image imported into the node's containerd, fixtures/whereabouts/ applied,
# and done once the DaemonSet is ready, i.e. /opt/cni/bin/whereabouts and
# its config are on the node. Idempotent. With --if-missing it does nothing
# when the DaemonSet is ready and was installed from this very image and
# manifest (a testbed brought up before whereabouts was part of it, or with
# an older manifest, gains the current one without a restart).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

KEY_ANNOTATION=multus-conformance.io/install-key
manifest=$(sed -e "s#__WHEREABOUTS_IMAGE__#$WHEREABOUTS_IMAGE#g" "$REPO_DIR/fixtures/whereabouts/whereabouts.yaml")

# What the install key is made of, by name, size and modification time: when
# none changed since the last install on this testbed, its key is the one
# recorded then. Staging and hashing the image's build context (images.sh)
# took 0.7 s, on every `run --provider local` (issue 8: fixed overhead).
inputs_stamp() {
  stat -c '%n %s %Y' "$WHEREABOUTS_BIN/.complete" "$WHEREABOUTS_BIN/whereabouts" "$WHEREABOUTS_BIN/ip-control-loop" \
    "$TESTBED_DIR/images.sh" "$TESTBED_DIR/images/whereabouts/Dockerfile" "$TESTBED_DIR/images/whereabouts/install.sh" /bin/busybox 2>/dev/null |
    { cat; echo "$manifest"; } | sha256sum | cut -c1-16
}
KEY_RECORD=$STATE_DIR/whereabouts-install-key
stamp=$(inputs_stamp)
record_key() { echo "$stamp $key" >"$KEY_RECORD"; }
# The image tarball, built or found in the cache; its name carries a hash of
# its build context, and so the install key does.
image_and_key() {
  tar=$("$TESTBED_DIR/images.sh" whereabouts) || die "building the whereabouts image failed"
  key=$( { echo "$(basename "$tar")"; echo "$manifest"; } | sha256sum | cut -c1-16)
}
tar=
key=
if [ "${1:-}" = --if-missing ] && [ -f "$KEY_RECORD" ] && [ "$(cut -d' ' -f1 "$KEY_RECORD")" = "$stamp" ]; then
  key=$(cut -d' ' -f2 "$KEY_RECORD")
fi
[ -n "$key" ] || image_and_key

installed() {
  local ds
  ds=$(kubectl_admin -n kube-system get ds whereabouts \
    -o jsonpath='{.status.numberReady}/{.status.desiredNumberScheduled} {.metadata.annotations.multus-conformance\.io/install-key}' 2>/dev/null) || return 1
  [ "$ds" = "1/1 $key" ] && [ -x "$CNI_BIN_DIR/whereabouts" ]
}

if [ "${1:-}" = --if-missing ] && installed; then
  record_key
  exit 0
fi
[ -n "$tar" ] || image_and_key

ctr --address "$CONTAINERD_SOCK" -n k8s.io images import --no-unpack=false "$tar" >>"$LOG_DIR/images.log" 2>&1 ||
  die "importing the whereabouts image failed (log: $LOG_DIR/images.log)"
echo "$manifest" | kubectl_admin apply -f - >"$LOG_DIR/whereabouts-apply.log" 2>&1 ||
  die "applying fixtures/whereabouts/whereabouts.yaml failed (log: $LOG_DIR/whereabouts-apply.log)"
# The key on the DaemonSet (what --if-missing compares) and on its pod
# template: a new image under the same tag (install.sh changed) rolls it too.
kubectl_admin -n kube-system patch ds whereabouts --type merge -p \
  "{\"metadata\":{\"annotations\":{\"$KEY_ANNOTATION\":\"$key\"}},\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"$KEY_ANNOTATION\":\"$key\"}}}}}" >/dev/null ||
  die "annotating the whereabouts DaemonSet failed"
deadline=$(( $(date +%s) + 300 ))
until kubectl_admin -n kube-system rollout status ds/whereabouts --timeout 2s >/dev/null 2>&1 && [ -x "$CNI_BIN_DIR/whereabouts" ]; do
  if [ "$(date +%s)" -ge "$deadline" ]; then
    kubectl_admin -n kube-system describe pods -l app=whereabouts | tail -20 >&2
    die "the whereabouts DaemonSet did not become ready within 300s"
  fi
  sleep 1
done
record_key
log "whereabouts $WHEREABOUTS_VERSION ready"
