#!/bin/sh
# Entry point of the whereabouts DaemonSet (fixtures/whereabouts/whereabouts.yaml),
# written for this suite. On the node it:
#   1. installs /opt/cni/bin/whereabouts (copied beside, then renamed: a
#      running plugin is never overwritten in place);
#   2. writes /etc/cni/net.d/whereabouts.d/: the flat config the plugin reads
#      (datastore kubernetes), and a kubeconfig that points at a token FILE
#      and a CA file, so a rotated ServiceAccount token needs a file copy,
#      not a rewritten kubeconfig;
#   3. keeps the token and CA copies current, and runs ip-control-loop in the
#      foreground (the pod's life is the controller's).
set -eu

HOST_BIN=/host/opt/cni/bin
HOST_CONF=/host/etc/cni/net.d/whereabouts.d
# The plugin runs on the host, where the same directory has no /host prefix.
NODE_CONF=/etc/cni/net.d/whereabouts.d
SA=/var/run/secrets/kubernetes.io/serviceaccount
: "${WHEREABOUTS_NAMESPACE:?set from the pod's namespace}"
: "${KUBERNETES_SERVICE_HOST:?the plugin reaches the API server through its service}"
: "${KUBERNETES_SERVICE_PORT:?}"

log() { echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) whereabouts-install: $*"; }

# copy SRC DST MODE: DST replaced atomically, and only when it differs.
copy() {
  if ! cmp -s "$1" "$2"; then
    cp "$1" "$2.mc-new" && chmod "$3" "$2.mc-new" && mv -f "$2.mc-new" "$2"
    log "updated $2"
  fi
}

mkdir -p "$HOST_CONF"
chmod 700 "$HOST_CONF"
copy /whereabouts "$HOST_BIN/whereabouts" 755
copy "$SA/token" "$HOST_CONF/token" 600
copy "$SA/ca.crt" "$HOST_CONF/ca.crt" 600

host=$KUBERNETES_SERVICE_HOST
case $host in *:*) host="[$host]" ;; esac
cat >"$HOST_CONF/whereabouts.kubeconfig.mc-new" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
  - name: cluster
    cluster:
      server: https://$host:$KUBERNETES_SERVICE_PORT
      certificate-authority: $NODE_CONF/ca.crt
users:
  - name: whereabouts
    user:
      tokenFile: $NODE_CONF/token
contexts:
  - name: whereabouts
    context:
      cluster: cluster
      user: whereabouts
      namespace: $WHEREABOUTS_NAMESPACE
current-context: whereabouts
KUBECONFIG
chmod 600 "$HOST_CONF/whereabouts.kubeconfig.mc-new"
mv -f "$HOST_CONF/whereabouts.kubeconfig.mc-new" "$HOST_CONF/whereabouts.kubeconfig"

# The reconciler's schedule comes from the ConfigMap mounted at
# /cron-schedule; this copy is the plugin's fallback.
cron=$(cat /cron-schedule/config 2>/dev/null || echo '30 4 * * *')
cat >"$HOST_CONF/whereabouts.conf.mc-new" <<CONF
{
  "datastore": "kubernetes",
  "kubernetes": { "kubeconfig": "$NODE_CONF/whereabouts.kubeconfig" },
  "reconciler_cron_expression": "$cron"
}
CONF
chmod 600 "$HOST_CONF/whereabouts.conf.mc-new"
mv -f "$HOST_CONF/whereabouts.conf.mc-new" "$HOST_CONF/whereabouts.conf"
log "installed $HOST_BIN/whereabouts and $HOST_CONF (namespace $WHEREABOUTS_NAMESPACE)"
# The readiness probe's mark: everything above is on the node.
: >/tmp/mc-installed

# kubelet rewrites the projected token before it expires: follow it.
(
  while sleep 30; do
    copy "$SA/token" "$HOST_CONF/token" 600 || log "could not refresh the token copy"
    copy "$SA/ca.crt" "$HOST_CONF/ca.crt" 600 || log "could not refresh the CA copy"
  done
) &

exec /ip-control-loop -log-level "${WHEREABOUTS_LOG_LEVEL:-verbose}"
