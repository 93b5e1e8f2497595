#!/usr/bin/env bash
# Measures the offline kind toolchain (not a test): cold build (empty Go
# caches and an empty kind cache, in temporary directories and with its own
# private dockerd, so the real ones stay warm), warm build, create to every
# node Ready plus Multus ready, a full suite run on 3 nodes, idle memory and
# disk. Prints a table and writes reports/kind-bench.json.
#   --skip-cold   everything but the cold build
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || kdie "must run as root"
skip_cold=false; [ "${1:-}" = --skip-cold ] && skip_cold=true
CLUSTER=mc-bench
out=$REPO_DIR/reports/kind-bench.json
mkdir -p "$(dirname "$out")"
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", b-a}'; }
mem_used_kib() { awk '/MemTotal/ {t=$2} /MemAvailable/ {a=$2} END {print t-a}' /proc/meminfo; }

cold_secs=null cold_disk_mib=null cold_peak_mib=null
if ! $skip_cold; then
  tmp=$(mktemp -d /var/tmp/mc-kind-cold.XXXXXX)
  klog "cold build into $tmp (GOCACHE, GOMODCACHE, kind cache and its dockerd all new)"
  base=$(mem_used_kib); peak_file=$tmp.peak; echo 0 >"$peak_file"
  ( while sleep 1; do u=$(( $(mem_used_kib) - base )); [ "$u" -gt "$(cat "$peak_file")" ] && echo "$u" >"$peak_file"; done ) &
  sampler=$!
  t0=$(now)
  env MC_KIND_CACHE="$tmp/kind" MC_KIND_RUN=/run/mc-kind-bench GOCACHE="$tmp/gocache" GOMODCACHE="$tmp/gomod" \
    bash "$KIND_SCRIPTS/build.sh"
  t1=$(now)
  kill "$sampler"; wait "$sampler" 2>/dev/null || true
  cold_secs=$(secs "$t0" "$t1"); cold_peak_mib=$(( $(cat "$peak_file") / 1024 ))
  cold_disk_mib=$(du -sm "$tmp" | cut -f1)
  MC_KIND_CACHE="$tmp/kind" MC_KIND_RUN=/run/mc-kind-bench bash "$KIND_SCRIPTS/dockerd.sh" stop
  chmod -R u+w "$tmp"; rm -rf "$tmp" "$peak_file"
fi

klog "warm build"
bash "$KIND_SCRIPTS/dockerd.sh" start >/dev/null
t0=$(now); bash "$KIND_SCRIPTS/build.sh" 2>/dev/null; t1=$(now); warm_secs=$(secs "$t0" "$t1")

used_mib() { df --output=used -B1M "$KIND_CACHE" | tail -1 | tr -d ' '; }
disk_before=$(used_mib)
klog "create $CLUSTER to every node Ready + Multus ready"
DOCKER_HOST=$KIND_DOCKER_HOST PATH=$KIND_TOOLS:$PATH "$KIND_CLI" delete cluster --name "$CLUSTER" >/dev/null 2>&1 || true
create_json=$(cd "$REPO_DIR" && npx tsx scripts/kind/bench-create.ts "$CLUSTER" 2>/dev/null | tail -1)

cfg=$(mktemp /tmp/mc-kind-bench.XXXXXX.yaml); printf 'kind:\n  clusterName: %s\n' "$CLUSTER" >"$cfg"
klog "full suite run on 3 nodes"
t0=$(now)
rc=0; (cd "$REPO_DIR" && node bin/multus-conformance.js run --provider kind --config "$cfg" --report-dir /tmp/mc-kind-bench-report >/dev/null 2>&1) || rc=$?
t1=$(now); suite_secs=$(secs "$t0" "$t1")
summary=$(node -e 'const r=require("/tmp/mc-kind-bench-report/report.json"); console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`)')

klog "idle memory (30 s after the run) and disk"
sleep 30
# Memory the cgroups of the three node containers charge, plus the private dockerd and its containerd.
nodes_mib=$(DOCKER_HOST=$KIND_DOCKER_HOST /usr/bin/docker stats --no-stream --format '{{.MemUsage}}' | awk '{v=$1; u=v; sub(/[0-9.]+/,"",u); sub(/[A-Za-z]+/,"",v); m=(u=="GiB")?v*1024:(u=="MiB")?v:(u=="KiB")?v/1024:v/1048576; s+=m} END {printf "%d", s}')
daemon_kib=0
for pid in $(pgrep -f -- "$KIND_RUN" || true); do daemon_kib=$(( daemon_kib + $(awk '/VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0) )); done
# What the running cluster adds on disk (node /var volumes, container layers),
# by the filesystem's own count: du would count overlay mounts twice.
cluster_disk_mib=$(( $(used_mib) - disk_before ))
image_mib=$(( $(DOCKER_HOST=$KIND_DOCKER_HOST /usr/bin/docker image inspect -f '{{.Size}}' "$NODE_IMAGE") / 1048576 ))

klog "deleting $CLUSTER"
DOCKER_HOST=$KIND_DOCKER_HOST PATH=$KIND_TOOLS:$PATH "$KIND_CLI" delete cluster --name "$CLUSTER" >/dev/null 2>&1
rm -f "$cfg"
bash "$KIND_SCRIPTS/host.sh" down
cache_mib=$(du -sm "$KIND_CACHE" | cut -f1)

cat >"$out" <<JSON
{"date": "$(date -u +%Y-%m-%dT%H:%M:%SZ)", "cpus": $(nproc), "memGiB": $(awk '/MemTotal/ {printf "%d", $2/1048576+0.5}' /proc/meminfo),
 "coldBuildSecs": $cold_secs, "coldBuildDiskMiB": $cold_disk_mib, "coldBuildPeakMiB": $cold_peak_mib, "warmBuildSecs": $warm_secs,
 "create": ${create_json:-null}, "suiteSecs": $suite_secs, "suiteExit": $rc, "suite": "$summary",
 "idleNodesMiB": $nodes_mib, "idleDaemonMiB": $(( daemon_kib / 1024 )), "cacheMiB": $cache_mib, "clusterDiskMiB": $cluster_disk_mib, "nodeImageMiB": $image_mib}
JSON
cat "$out"
