import { describe, expect, it } from 'vitest';
import { assignedIps } from '../../helpers/assert/addresses.ts';
import { assertDefaultNetwork, type DefaultNetworkExpectation } from '../../helpers/assert/default-network.ts';
import { computeIpamPoolsFromJson } from '../../helpers/nad/ipam-range.ts';
import { renderNad, profileVars } from '../../helpers/fixtures/render.ts';
import { loadProfile } from '../../helpers/fixtures/profile.ts';
import { RunSettingsSchema } from '../../helpers/config/settings.ts';
import { parseIpJsonAddr } from '../../helpers/parse/ip-output.ts';
import { parseNetworkStatus } from '../../helpers/parse/network-status.ts';
import { POD, expectFailure } from './expect-failure.ts';
import { clone, payload } from './recorded.ts';

// Recorded on the testbed (test/payloads/README.md, "default-network/"): a pod
// with v1.multus-cni.io/default-network naming the macvlan-default-network
// fixture on 192.168.8.128/27; and, for the wrong data, the nad-change pod
// before-edit, whose eth0 is the cluster network's (mc-bridge, 10.244.0.0/16).
const NETWORK = 'mc-h-annot-rec/default-net';
const profile = loadProfile(RunSettingsSchema.parse({ provider: 'local' }));
const nad = renderNad('macvlan-default-network', profileVars(profile, { name: 'default-net', netSubnet: profile.defaultNetworkSubnet }));
const want: DefaultNetworkExpectation = { network: NETWORK, iface: 'eth0', pools: computeIpamPoolsFromJson(nad.spec.config!) };

function recorded(dir: string) {
  const live = parseIpJsonAddr(payload(`${dir}/ip-j-d-addr.json`));
  return {
    ifaceIps: assignedIps(live.find((i) => i.name === 'eth0')!),
    podIps: (JSON.parse(payload(`${dir}/pod-ips.json`)) as { ip: string }[]).map((p) => p.ip),
    status: parseNetworkStatus(payload(`${dir}/network-status.json`), POD),
  };
}
const overridden = recorded('default-network');
const onCluster = recorded('nad-change/before-edit.before');

describe('assertDefaultNetwork on the pods recorded on the testbed', () => {
  it('the fixture is the whole /27: .129-.158, .129 the gateway (never handed out)', () => {
    expect(want.pools).toEqual([{ subnet: '192.168.8.128/27', start: '192.168.8.129', end: '192.168.8.158', gateway: '192.168.8.129', excluded: [] }]);
  });

  it('passes: eth0 192.168.8.131 from the named NAD, its entry the one default', () => {
    expect(overridden.ifaceIps).toEqual(['192.168.8.131']);
    expect(() => assertDefaultNetwork(POD, want, overridden, overridden.status)).not.toThrow();
  });

  it('fails for a pod whose eth0 is the cluster network, naming eth0, the range and its address', () => {
    const f = expectFailure(() => assertDefaultNetwork(POD, want, onCluster, onCluster.status), {
      iface: 'eth0',
      expected: 'every address in 192.168.8.129-192.168.8.158 in 192.168.8.128/27 (gateway 192.168.8.129)',
      actual: '10.244.0.4',
    });
    expect(f.message).toContain(`eth0 from the network v1.multus-cni.io/default-network names (${NETWORK})`);
  });

  it('fails when eth0 holds the gateway address', () => {
    expectFailure(() => assertDefaultNetwork(POD, want, { ...overridden, ifaceIps: ['192.168.8.129/27'] }, overridden.status), {
      iface: 'eth0',
      expected: 'every address in 192.168.8.129-192.168.8.158',
      actual: '192.168.8.129',
    });
  });

  it('fails when eth0 has no address', () => {
    expectFailure(() => assertDefaultNetwork(POD, want, { ...overridden, ifaceIps: [] }, overridden.status), {
      iface: 'eth0',
      expected: 'an address in 192.168.8.129-192.168.8.158',
      actual: 'no address',
    });
  });

  it('fails when the pod IPs the kubelet reported are the cluster network\'s', () => {
    expectFailure(() => assertDefaultNetwork(POD, want, { ...overridden, podIps: onCluster.podIps }, overridden.status), {
      iface: 'eth0',
      expected: 'the pod IPs in 192.168.8.129-192.168.8.158',
      actual: '10.244.0.4',
    });
    expectFailure(() => assertDefaultNetwork(POD, want, { ...overridden, podIps: [] }, overridden.status), {
      iface: 'eth0',
      expected: 'the pod IPs in',
      actual: 'no pod IP reported',
    });
  });

  it('fails when the status has no entry for the named network (the cluster network\'s instead)', () => {
    const status = onCluster.status.filter((e) => e.interface === 'eth0');
    expectFailure(() => assertDefaultNetwork(POD, want, overridden, status), {
      iface: 'eth0',
      expected: `an entry for ${NETWORK} on eth0`,
      actual: 'no entry for it among "mc-bridge" on eth0',
    });
  });

  it('fails when the named network\'s entry is on another interface', () => {
    const status = clone(overridden.status);
    status[0]!.interface = 'net1';
    expectFailure(() => assertDefaultNetwork(POD, want, overridden, status), { iface: 'eth0', expected: `an entry for ${NETWORK} on eth0`, actual: `${NETWORK} on net1` });
  });

  it('fails when the named network\'s entry does not say default', () => {
    const status = clone(overridden.status);
    delete status[0]!.default;
    expectFailure(() => assertDefaultNetwork(POD, want, overridden, status), { iface: 'eth0', expected: '"default": true', actual: '"default": (absent)' });
  });

  it('fails when the cluster network still claims default beside it', () => {
    const status = [...clone(overridden.status), { ...clone(onCluster.status[0]!), interface: 'eth1' }];
    expectFailure(() => assertDefaultNetwork(POD, want, overridden, status), {
      iface: 'eth1',
      expected: 'no other entry with "default": true',
      actual: '"mc-bridge" on eth1 with "default": true',
    });
  });
});
