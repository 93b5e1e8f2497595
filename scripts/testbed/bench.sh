#!/usr/bin/env bash
# Measures the testbed: cold build (empty Go caches and artifact cache, in
# temporary directories so the real caches stay warm), warm `up`, `down`,
# peak disk of the build, and memory. Prints a table and writes
# reports/testbed-bench.json. A cold build is heavy: ~2 cores for minutes.
#   --skip-cold   only warm up/down (fast)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
require_root
skip_cold=false; [ "${1:-}" = --skip-cold ] && skip_cold=true
out=$REPO_DIR/reports/testbed-bench.json
mkdir -p "$(dirname "$out")"

mem_used_kib() { awk '/MemTotal/ {t=$2} /MemAvailable/ {a=$2} END {print t-a}' /proc/meminfo; }

# Runs a command while sampling machine memory every second; sets PEAK_KIB to
# the highest use above the level before it started, and SECS to its duration.
measure() {
  local base peak_file=/tmp/mc-bench-peak.$$
  base=$(mem_used_kib); echo 0 >"$peak_file"
  ( while sleep 1; do
      u=$(( $(mem_used_kib) - base )); [ "$u" -gt "$(cat "$peak_file")" ] && echo "$u" >"$peak_file"
    done ) &
  local sampler=$! t0 t1
  t0=$(date +%s.%N)
  "$@"
  t1=$(date +%s.%N)
  kill "$sampler"; wait "$sampler" 2>/dev/null || true
  PEAK_KIB=$(cat "$peak_file"); rm -f "$peak_file"
  SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b-a}')
}

cold_secs=null cold_disk_mib=null cold_peak_mib=null
if ! $skip_cold; then
  tmp=$(mktemp -d /var/tmp/mc-cold.XXXXXX)
  log "cold build into $tmp (GOCACHE, GOMODCACHE and artifact cache all empty)"
  measure env MC_CACHE_DIR="$tmp/cache" GOCACHE="$tmp/gocache" GOMODCACHE="$tmp/gomod" bash "$TESTBED_DIR/build.sh"
  cold_secs=$SECS; cold_peak_mib=$(( PEAK_KIB / 1024 ))
  cold_disk_mib=$(du -sm "$tmp" | cut -f1)
  chmod -R u+w "$tmp"; rm -rf "$tmp"
fi

bash "$TESTBED_DIR/build.sh" >/dev/null 2>&1
bash "$TESTBED_DIR/down.sh" >/dev/null 2>&1 || true
ups=() downs=()
for i in 1 2 3; do
  measure bash "$TESTBED_DIR/up.sh" >/dev/null 2>&1
  ups+=("$SECS"); up_peak_mib=$(( PEAK_KIB / 1024 ))
  # Resident memory of every testbed process (control plane, node, Multus pod).
  rss_mib=$(for p in $(ls /proc | grep -E '^[0-9]+$'); do
      if [ "$(readlink "/proc/$p/ns/mnt" 2>/dev/null)" = "$(cat "$STATE_DIR/mntns.id")" ]; then echo "$p"; fi
    done | sort -u | { s=0; while read -r p; do r=$(awk '/VmRSS/ {print $2}' /proc/$p/status 2>/dev/null || echo 0); s=$((s + ${r:-0})); done; echo $((s / 1024)); })
  cp_rss=$(for n in etcd kube-apiserver kube-controller-manager kube-scheduler kube-proxy; do awk '/VmRSS/ {print $2}' "/proc/$(cat "$PID_DIR/$n.pid")/status"; done | awk '{s+=$1} END {print int(s/1024)}')
  state_mib=$(du -sm "$STATE_DIR" 2>/dev/null | cut -f1 || true)
  measure bash "$TESTBED_DIR/down.sh" >/dev/null 2>&1
  downs+=("$SECS")
done
bash "$TESTBED_DIR/up.sh" >/dev/null 2>&1

cache_mib=$(du -sm "$CACHE_DIR" 2>/dev/null | cut -f1 || true)
median() { printf '%s\n' "$@" | sort -n | sed -n 2p; }
cat >"$out" <<JSON
{
  "date": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "machine": "$(nproc) cores, $(awk '/MemTotal/ {printf "%d GiB", $2/1048576+0.5}' /proc/meminfo)",
  "coldBuildSeconds": $cold_secs,
  "coldBuildDiskMiB": $cold_disk_mib,
  "coldBuildPeakMemMiB": $cold_peak_mib,
  "warmUpSeconds": [${ups[0]}, ${ups[1]}, ${ups[2]}],
  "downSeconds": [${downs[0]}, ${downs[1]}, ${downs[2]}],
  "upPeakMemMiB": $up_peak_mib,
  "idleNodeRssMiB": $rss_mib,
  "idleControlPlaneRssMiB": $cp_rss,
  "stateDirMiB": $state_mib,
  "artifactCacheMiB": $cache_mib
}
JSON
printf '%-34s %s\n' \
  "cold build (s)" "$cold_secs" "cold build disk (MiB)" "$cold_disk_mib" "cold build peak memory (MiB)" "$cold_peak_mib" \
  "warm up, median of 3 (s)" "$(median "${ups[@]}")" "down, median of 3 (s)" "$(median "${downs[@]}")" \
  "up peak memory (MiB)" "$up_peak_mib" "idle node processes RSS (MiB)" "$rss_mib" "idle control plane RSS (MiB)" "$cp_rss" \
  "state dir (MiB)" "$state_mib" "artifact cache (MiB)" "$cache_mib"
log "written $out"
