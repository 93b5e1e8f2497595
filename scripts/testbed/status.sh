#!/usr/bin/env bash
# Reports whether the testbed is up: every process alive, the API ready, the
# node Ready and the Multus DaemonSet ready. Exit 0 when all hold.
# --quiet prints nothing (used by up.sh).
set -uo pipefail
. "$(dirname "$0")/lib.sh"
quiet=false; [ "${1:-}" = --quiet ] && quiet=true
say() { $quiet || printf '%-28s %s\n' "$1" "$2"; }
ok=0
for name in mntns etcd kube-apiserver kube-controller-manager kube-scheduler containerd kubelet kube-proxy; do
  if pid_alive "$name"; then say "$name" "running (pid $(cat "$PID_DIR/$name.pid"))"; else say "$name" "not running"; ok=1; fi
done
if [ $ok = 0 ] && kubectl_admin get --raw /readyz >/dev/null 2>&1; then
  say "api server" "ready ($NODE_IP:6443)"
  node=$(kubectl_admin get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)
  [ "$node" = True ] && say "node $NODE_NAME" Ready || { say "node $NODE_NAME" "not Ready"; ok=1; }
  ds=$(kubectl_admin -n kube-system get ds kube-multus-ds -o jsonpath='{.status.numberReady}/{.status.desiredNumberScheduled}' 2>/dev/null)
  case "$ds" in
    ""|/*|0/*) say "multus daemonset" "not ready (${ds:-absent})"; ok=1 ;;
    *) n=${ds%/*}; d=${ds#*/}; if [ "$n" = "$d" ]; then say "multus daemonset" "ready ($ds)"; else say "multus daemonset" "not ready ($ds)"; ok=1; fi ;;
  esac
else
  $quiet || [ $ok = 1 ] || say "api server" "not ready"
  ok=1
fi
$quiet || { [ $ok = 0 ] && say kubeconfig "$KUBECONFIG_OUT"; }
exit $ok
