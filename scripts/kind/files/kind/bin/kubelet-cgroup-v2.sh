#!/bin/sh
# cgroup v2: enable every available controller for the kubelet roots (run
# after systemd has moved itself out of the root cgroup).
set -eu
enable_all() { sed -e 's/ / +/g' -e 's/^/+/' <"/sys/fs/cgroup/$1/cgroup.controllers" >"/sys/fs/cgroup/$1/cgroup.subtree_control"; }
enable_all /
for root in kubelet kubelet.slice; do mkdir -p "/sys/fs/cgroup/$root"; enable_all "/$root"; done
