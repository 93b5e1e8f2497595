// The entry point for parsing in-pod `ip` output; pick the parser by whether the pod image has iproute2.
export type { LiveAddress, LiveInterface, LiveRoute } from './live-network.ts';
export { IpOutputError } from './live-network.ts';
export { parseIpJsonAddr, parseIpJsonRoute } from './ip-json.ts';
export { parseBusyboxIpAddr, parseBusyboxIpRoute } from './ip-busybox.ts';
