#!/usr/bin/env bash
# The serial baseline of `npm run bench`: what Multus' own e2e scripts do
# (e2e/templates/*.sh upstream), one pod after another, no sleeps:
#   kubectl apply, kubectl wait Ready, kubectl exec ip -j addr, then for each
#   secondary interface: operstate UP and its IPv4 address inside the range.
# One exec per pod reads every interface (upstream execs once per check, so
# this baseline is, if anything, faster than theirs).
#
# Usage: serial-kubectl.sh DIR
#   DIR/namespaces.yaml  the namespaces to create first (and delete, waiting, at the end)
#   DIR/nads.yaml        the NetworkAttachmentDefinitions, applied once
#   DIR/plan.tsv         one pod per line: namespace, name, manifest (relative to DIR),
#                        checks as iface=start-end[,iface=start-end…] (TAB-separated)
# Environment: KUBECTL (default kubectl), KUBECONFIG.
# Exit 0 when every check held; 1 naming the first that did not.
set -euo pipefail

dir=${1:?usage: serial-kubectl.sh DIR}
kubectl=${KUBECTL:-kubectl}

fail() {
  echo "serial-kubectl: $*" >&2
  exit 1
}

ip_to_int() {
  local a b c d
  IFS=. read -r a b c d <<<"$1"
  echo $(((a << 24) | (b << 16) | (c << 8) | d))
}

"$kubectl" create -f "$dir/namespaces.yaml" >/dev/null
"$kubectl" apply -f "$dir/nads.yaml" >/dev/null

while IFS=$'\t' read -r ns pod manifest checks; do
  "$kubectl" apply -f "$dir/$manifest" >/dev/null
  "$kubectl" wait --for=condition=Ready --timeout=120s -n "$ns" "pod/$pod" >/dev/null
  addrs=$("$kubectl" exec -n "$ns" "$pod" -- ip -j addr show)
  IFS=, read -ra wanted <<<"$checks"
  for check in "${wanted[@]}"; do
    iface=${check%%=*}
    range=${check#*=}
    state=$(jq -r --arg i "$iface" '.[] | select(.ifname == $i) | .operstate' <<<"$addrs")
    [ "$state" = UP ] || fail "pod $ns/$pod, interface $iface: operstate: expected UP, got ${state:-no such interface}"
    ip=$(jq -r --arg i "$iface" '[.[] | select(.ifname == $i) | .addr_info[] | select(.family == "inet") | .local][0] // ""' <<<"$addrs")
    [ -n "$ip" ] || fail "pod $ns/$pod, interface $iface: expected an IPv4 address in $range, got none"
    value=$(ip_to_int "$ip")
    if ((value < $(ip_to_int "${range%-*}") || value > $(ip_to_int "${range#*-}"))); then
      fail "pod $ns/$pod, interface $iface: expected an address in $range, got $ip"
    fi
  done
done <"$dir/plan.tsv"

# kubectl's default: wait until the namespaces are gone. The bench reports
# the time from here to the end too (the suite's sweep no longer waits for that).
echo "namespaces-delete $(date +%s%3N)"
"$kubectl" delete -f "$dir/namespaces.yaml" --wait=true >/dev/null
