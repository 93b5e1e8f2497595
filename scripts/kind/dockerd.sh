#!/usr/bin/env bash
# The project's private dockerd for kind: its own socket, data root and exec
# root, never the machine's default socket. Its default runtime is
# capfilter-runc (see that file). It changes nothing on the host's network:
# no docker0, no iptables rules, no masquerading, ip_forward left alone;
# docker-proxy publishes kind's API port on 127.0.0.1.
#   dockerd.sh start    start it unless it runs; prints the DOCKER_HOST value
#   dockerd.sh stop     stop it (and the containerd it started)
#   dockerd.sh status   exit 0 when it answers
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PIDFILE=$KIND_RUN/dockerd.pid

running() {
  [ -f "$PIDFILE" ] || return 1
  local pid; pid=$(cat "$PIDFILE")
  [ -d "/proc/$pid" ] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "-H $KIND_DOCKER_HOST" || return 1
  kdocker version >/dev/null 2>&1
}

start() {
  [ "$(id -u)" = 0 ] || kdie "the private dockerd needs root: rerun with sudo"
  if running; then echo "$KIND_DOCKER_HOST"; return 0; fi
  command -v dockerd >/dev/null || kdie "dockerd not found: apt-get install docker.io (scripts/setup does)"
  command -v jq >/dev/null || kdie "jq not found: apt-get install jq (scripts/setup does)"
  [ -x /usr/sbin/runc ] || kdie "runc not found: apt-get install runc"
  mkdir -p "$KIND_RUN" "$KIND_DOCKER_DATA" "$(dirname "$KIND_RUNTIME")"
  # The runtime lives in the cache, not the checkout: a container outlives a clone.
  install -m 0755 "$KIND_SCRIPTS/capfilter-runc" "$KIND_RUNTIME"
  # A leftover of a killed daemon would make the new one refuse to start.
  rm -f "$PIDFILE" "$KIND_DOCKER_SOCK"
  klog "starting the private dockerd ($KIND_DOCKER_HOST, data root $KIND_DOCKER_DATA)"
  setsid dockerd \
    --data-root "$KIND_DOCKER_DATA" --exec-root "$KIND_RUN/exec" \
    --pidfile "$PIDFILE" -H "$KIND_DOCKER_HOST" \
    --bridge=none --iptables=false --ip6tables=false --ip-masq=false --ip-forward=false \
    --add-runtime "capfilter=$KIND_RUNTIME" --default-runtime capfilter \
    --log-level warn \
    </dev/null >>"$KIND_RUN/dockerd.log" 2>&1 &
  local i
  for i in $(seq 1 150); do
    running && { echo "$KIND_DOCKER_HOST"; return 0; }
    sleep 0.2
  done
  tail -5 "$KIND_RUN/dockerd.log" >&2
  kdie "the private dockerd did not start within 30s (log: $KIND_RUN/dockerd.log)"
}

stop() {
  local pid=
  [ -f "$PIDFILE" ] && pid=$(cat "$PIDFILE")
  if [ -n "$pid" ] && [ -d "/proc/$pid" ] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "-H $KIND_DOCKER_HOST"; then
    klog "stopping the private dockerd (pid $pid)"
    kill "$pid"
    local i
    # Running kind nodes are stopped first (docker's own shutdown timeout per container).
    for i in $(seq 1 300); do [ -d "/proc/$pid" ] || break; sleep 0.2; done
    [ ! -d "/proc/$pid" ] || { kill -9 "$pid" 2>/dev/null || true; }
  fi
  rm -f "$PIDFILE" "$KIND_DOCKER_SOCK"
  # dockerd makes its data root a private bind mount of itself; a daemon that
  # had to be killed leaves that mount behind.
  if mountpoint -q "$KIND_DOCKER_DATA" && ! running; then umount "$KIND_DOCKER_DATA" 2>/dev/null || true; fi
}

case ${1:-} in
  start) start ;;
  stop) stop ;;
  status) running ;;
  *) echo "usage: dockerd.sh start|stop|status" >&2; exit 2 ;;
esac
