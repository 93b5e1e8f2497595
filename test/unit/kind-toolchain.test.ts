import { describe, expect, it } from 'vitest';
import { RunSettingsSchema } from '../../helpers/config/settings.ts';
import { loadProfile } from '../../helpers/fixtures/profile.ts';
import { parseIp } from '../../helpers/parse/ip-address.ts';
import { chooseOffline, dockerIpRange, kindEnv, KIND_NETWORK, parseKeyValues, stockNetworkCreateArgs } from '../../helpers/providers/kind-toolchain.ts';

// CapBnd of processes on this project's machines (/proc/self/status): every
// capability but CAP_SYS_RESOURCE (24). The second is a full set (a normal host).
const CAPBND_HERE = '000001fffeffffff';
const CAPBND_FULL = '000001ffffffffff';

describe('offline or stock kind', () => {
  it('the setting wins over what is detected', () => {
    expect(chooseOffline(false, { capBnd: CAPBND_HERE, nodeImageBuilt: true })).toEqual({ offline: false, reason: 'kind.offline: false' });
    expect(chooseOffline(true, { capBnd: CAPBND_FULL, nodeImageBuilt: false })).toEqual({ offline: true, reason: 'kind.offline: true' });
  });

  it('CAP_SYS_RESOURCE missing from the bounding set means offline (the capability filter is needed)', () => {
    const r = chooseOffline(undefined, { capBnd: CAPBND_HERE, nodeImageBuilt: false });
    expect(r.offline).toBe(true);
    expect(r.reason).toMatch(/CAP_SYS_RESOURCE is missing from the bounding set/);
  });

  it('a locally built node image means offline', () => {
    const r = chooseOffline(undefined, { capBnd: CAPBND_FULL, nodeImageBuilt: true });
    expect(r).toEqual({ offline: true, reason: 'the locally built node image is present (scripts/kind/build.sh)' });
  });

  it('a normal machine gets stock kind; an unreadable status line decides nothing', () => {
    expect(chooseOffline(undefined, { capBnd: CAPBND_FULL, nodeImageBuilt: false }).offline).toBe(false);
    expect(chooseOffline(undefined, { capBnd: undefined, nodeImageBuilt: false }).offline).toBe(false);
    expect(chooseOffline(undefined, { capBnd: 'zz', nodeImageBuilt: false }).offline).toBe(false);
  });
});

describe('kind command environment', () => {
  it('stock kind: the user docker, only the network is named', () => {
    expect(kindEnv({})).toEqual({ KIND_EXPERIMENTAL_DOCKER_NETWORK: KIND_NETWORK });
  });

  it('offline: the private dockerd and the toolchain first on PATH', () => {
    expect(kindEnv({ dockerHost: 'unix:///run/mc-kind/docker.sock', pathPrefix: '/cache/kind/tools', basePath: '/usr/bin:/bin' })).toEqual({
      KIND_EXPERIMENTAL_DOCKER_NETWORK: 'mc-kind',
      DOCKER_HOST: 'unix:///run/mc-kind/docker.sock',
      PATH: '/cache/kind/tools:/usr/bin:/bin',
    });
  });

  it('reads what scripts/kind/host.sh prints, ignoring other lines', () => {
    const out = 'KIND=/c/kind\nPATH_PREFIX=/c\nnoise\nDOCKER_HOST=unix:///run/mc-kind/docker.sock\nNODE_IMAGE=localhost/x:v1=2\n';
    expect(parseKeyValues(out)).toEqual({ KIND: '/c/kind', PATH_PREFIX: '/c', DOCKER_HOST: 'unix:///run/mc-kind/docker.sock', NODE_IMAGE: 'localhost/x:v1=2' });
  });

  it('stock docker network: the profile subnet, docker addresses in its first /24, masquerading left on (nodes pull)', () => {
    const args = stockNetworkCreateArgs('10.10.0.0/16', '10.10.0.1');
    expect(args).toEqual(['network', 'create', '--driver', 'bridge', '--subnet', '10.10.0.0/16', '--gateway', '10.10.0.1', '--ip-range', '10.10.0.0/24', '--label', 'io.multus-conformance.owned=true', 'mc-kind']);
    expect(args.join(' ')).not.toMatch(/enable_ip_masquerade/);
  });
});

describe('kind profile addresses', () => {
  const profile = loadProfile(RunSettingsSchema.parse({ provider: 'kind' }));
  const value = (ip: string): bigint => parseIp(ip.split('/')[0]!)!.value;
  const dockerRange = dockerIpRange(profile.subnet);

  it('the peer sits on the network the provider creates', () => {
    expect(profile.externalPeer?.dockerNetwork).toBe(KIND_NETWORK);
    expect(dockerRange).toBe('10.10.0.0/24');
  });

  it('no NAD range, static address or peer address falls where docker hands out node addresses', () => {
    const first = value('10.10.0.0');
    const last = value('10.10.0.255');
    const used = [
      profile.rangeStart, profile.rangeEnd, profile.trafficRangeStart!, profile.trafficRangeEnd!, profile.smallRangeStart, profile.smallRangeEnd,
      profile.mtuRangeStart, profile.mtuRangeEnd, profile.ipvlanRangeStart, profile.ipvlanRangeEnd, profile.staticIp, profile.externalPeer!.address,
    ];
    for (const ip of used) expect(value(ip) < first || value(ip) > last, ip).toBe(true);
  });

  it('the traffic range is disjoint from the range every other scenario shares', () => {
    expect(value(profile.trafficRangeStart!) > value(profile.rangeEnd) || value(profile.trafficRangeEnd!) < value(profile.rangeStart)).toBe(true);
  });
});
