import { parseIpJsonAddr } from '../../helpers/parse/ip-output.ts';
import { parseNetworkStatus } from '../../helpers/parse/network-status.ts';
import { POD } from './expect-failure.ts';
import { payload } from './recorded.ts';

/** Pods recorded on the testbed (test/payloads/README.md): their `ip -j -d addr` and network-status. */
function recorded(dir: string) {
  return {
    live: parseIpJsonAddr(payload(`${dir}/ip-j-d-addr.json`)),
    status: parseNetworkStatus(payload(`${dir}/network-status.json`), POD),
  };
}

/** A pod with `macvlan-conf,macvlan-conf`: net1 and net2 from the same NAD. */
export const twice = recorded('same-network-twice');
export const TWICE_NETWORK = 'mc-h-negatives-rec/macvlan-conf';

/** The selection/json-form pod: mcjson0 with static IP, MAC and an MTU of 1280 passed only in cni-args. */
export const jsonForm = recorded('json-form');
