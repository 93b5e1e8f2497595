import { describe, expect, it } from 'vitest';
import { parseProbeOutput } from '../../helpers/capabilities/probe-output.ts';
import type { NodeCapabilities } from '../../helpers/capabilities/types.ts';
import { loadSettings } from '../../helpers/config/load.ts';
import { RunSettingsSchema } from '../../helpers/config/settings.ts';
import { loadProfile } from '../../helpers/fixtures/profile.ts';
import { profileVars, renderNad } from '../../helpers/fixtures/render.ts';
import { computeIpamPoolsFromJson, describePool } from '../../helpers/nad/ipam-range.ts';
import { validateNadText } from '../../helpers/nad/validate.ts';
import { byId } from '../../helpers/scenario/catalog.ts';
import type { ClusterInfo } from '../../helpers/scenario/cluster-info.ts';
import { ipv6Vars } from '../../helpers/scenario/ipv6-ranges.ts';
import { ipv6Nodes } from '../../helpers/scenario/requirements.ts';
import { scenarioGate } from '../../helpers/scenario/targets.ts';
import { payload } from './recorded.ts';
import { unitCluster } from './unit-cluster.ts';

// The testbed probe with its ipv6 step (IPv6 on), and the other answers put
// into that step (recorded in test/payloads/README.md, "the probe's ipv6
// step"); RECORDED predates the step.
const RECORDED = payload('testbed-probe-output.txt');
const ENABLED = payload('probe/testbed-thin.ipv6.txt');
function withIpv6(body: string): string {
  const out = ENABLED.replace(/\n== ipv6\n(\$ [^\n]*)\n[\s\S]*?\n== parent\n/, (_m, command: string) => `\n== ipv6\n${command}\n${body}\n== parent\n`);
  if (out === ENABLED && body !== '0\n0\nrc 0') throw new Error('withIpv6: no ipv6 section replaced');
  return out;
}
const DISABLED = withIpv6('1\n1\nrc 0');
const NO_KERNEL = withIpv6(
  "cat: can't open '/proc/sys/net/ipv6/conf/all/disable_ipv6': No such file or directory\ncat: can't open '/proc/sys/net/ipv6/conf/default/disable_ipv6': No such file or directory\nrc 1",
);

const settings = loadSettings({});
const node = (name: string, text: string | undefined, over: Partial<NodeCapabilities> = {}): NodeCapabilities => ({
  name,
  ready: true,
  selected: true,
  sriovResources: {},
  ...(text ? { probe: parseProbeOutput(text) } : {}),
  ...over,
});

function cluster(nodes: NodeCapabilities[], profile = loadProfile(settings), profileName: ClusterInfo['profileName'] = 'local'): ClusterInfo {
  return unitCluster({ profileName, profile, mode: 'non-disruptive', nodes });
}

const verdict = (id: string, c: ClusterInfo) => scenarioGate(byId(id), c);

describe("the probe's ipv6 step", () => {
  it('reads a new namespace with IPv6 on (the testbed), off (the sysctl named) and a kernel without IPv6', () => {
    expect(parseProbeOutput(ENABLED).ipv6).toEqual({ status: 'enabled' });
    expect(withIpv6('0\n0\nrc 0')).toBe(ENABLED);
    expect(parseProbeOutput(DISABLED).ipv6).toEqual({
      status: 'disabled',
      reason: 'a new network namespace has IPv6 off (net.ipv6.conf.all.disable_ipv6=1, net.ipv6.conf.default.disable_ipv6=1)',
    });
    expect(parseProbeOutput(withIpv6('0\n1\nrc 0')).ipv6).toMatchObject({ reason: /\(net\.ipv6\.conf\.default\.disable_ipv6=1\)$/ });
    expect(parseProbeOutput(NO_KERNEL).ipv6).toMatchObject({ status: 'disabled', reason: /the kernel has no IPv6 \(no \/proc\/sys\/net\/ipv6/ });
  });

  it('rejects the recorded output cut after any line, the ipv6 section included', () => {
    const lines = ENABLED.trimEnd().split('\n');
    for (let i = 0; i < lines.length - 1; i++) expect(() => parseProbeOutput(lines.slice(0, i + 1).join('\n')), `cut after line ${i + 1}`).toThrow(/probe output/);
  });

  it('calls anything else a failed probe, never a verdict on the node', () => {
    expect(parseProbeOutput(withIpv6('cat: not found\nrc 127')).ipv6).toEqual({ status: 'failed', problem: '`cat /proc/sys/net/ipv6/conf/all/disable_ipv6 /proc/sys/net/ipv6/conf/default/disable_ipv6` exited 127: cat: not found' });
    expect(parseProbeOutput(withIpv6('0\nrc 0')).ipv6).toMatchObject({ status: 'failed', problem: /expected two lines of 0 or 1/ });
    expect(parseProbeOutput(withIpv6("cat: can't open '/proc/sys/net/ipv6/conf/all/disable_ipv6': Permission denied\nrc 1")).ipv6).toMatchObject({ status: 'failed' });
  });

  it('output recorded before the step has no ipv6 answer (older probe), and a failed private namespace fails it', () => {
    expect(parseProbeOutput(RECORDED).ipv6).toBeUndefined();
    const noNetns = RECORDED.split('== netns')[0] + '== netns\n$ unshare -n sh -c <kernel checks>\nunshare: unshare(0x40000000): Operation not permitted\nrc 1\n== end\n';
    expect(parseProbeOutput(noNetns).ipv6).toMatchObject({ status: 'failed', problem: /IPv6 not checked: `unshare -n sh -c <kernel checks>` exited 1/ });
  });
});

describe('ipv6/* gating', () => {
  const ids = ['ipv6/macvlan', 'ipv6/dual-stack', 'ipv6/external-host'];

  it.each(ids)('%s runs on the testbed profile with a node whose pods get IPv6', (id) => {
    expect(verdict(id, cluster([node('mc-node', ENABLED)]))).toEqual({ outcome: 'run' });
  });

  it.each(['kind', 'tkg', 'generic'] as const)('every ipv6/* scenario skips on profile %s, naming the missing keys (IPv6 off unless configured)', (name) => {
    // The master the probed node has (tkg's ens5, generic's none would skip first).
    const profile = { ...loadProfile(RunSettingsSchema.parse({ provider: name === 'kind' ? 'kind' : 'existing', profile: name })), master: 'mc-seg0' };
    for (const id of ids) {
      expect(verdict(id, cluster([node('n1', ENABLED)], profile, name))).toEqual({
        outcome: 'skip',
        reason: `no IPv6 range in profile ${name} (IPv6 is off unless configured): set network.ipv6Subnet, network.ipv6Gateway, network.ipv6RangeStart, network.ipv6RangeEnd to free addresses on the master's segment`,
      });
    }
  });

  it("names only the keys missing, and dual-stack's own", () => {
    const { ipv6Gateway: _g, dualStackRangeEnd: _e, ...profile } = loadProfile(settings);
    expect(verdict('ipv6/macvlan', cluster([node('mc-node', ENABLED)], profile))).toMatchObject({ outcome: 'skip', reason: /set network\.ipv6Gateway to free/ });
    const { dualStackRangeEnd: _only, ...noDual } = loadProfile(settings);
    expect(verdict('ipv6/dual-stack', cluster([node('mc-node', ENABLED)], noDual))).toMatchObject({
      outcome: 'skip',
      reason: /no IPv4 range for the dual-stack network in profile local .*set network\.dualStackRangeEnd to free/,
    });
    expect(verdict('ipv6/macvlan', cluster([node('mc-node', ENABLED)], noDual))).toEqual({ outcome: 'run' });
  });

  it('skips a node whose pods get no IPv6, naming the node and why', () => {
    expect(verdict('ipv6/macvlan', cluster([node('mc-node', DISABLED)]))).toEqual({
      outcome: 'skip',
      reason: 'node mc-node: no IPv6 for pods: a new network namespace has IPv6 off (net.ipv6.conf.all.disable_ipv6=1, net.ipv6.conf.default.disable_ipv6=1)',
    });
    expect(verdict('ipv6/dual-stack', cluster([node('mc-node', NO_KERNEL)]))).toMatchObject({ outcome: 'skip', reason: /node mc-node: no IPv6 for pods: the kernel has no IPv6/ });
  });

  it('fails, never skips, when the probe could not tell (a failed step, or output without the step)', () => {
    expect(verdict('ipv6/macvlan', cluster([node('mc-node', withIpv6('cat: not found\nrc 127'))]))).toMatchObject({
      outcome: 'fail',
      reason: /node mc-node: could not find out whether pods get IPv6: probe command `cat .*` exited 127/,
    });
    expect(verdict('ipv6/macvlan', cluster([node('mc-node', RECORDED)]))).toMatchObject({ outcome: 'fail', reason: /node mc-node: the probe's output has no ipv6 section/ });
  });

  it('runs when one node can, and its pods go to that node', () => {
    const c = cluster([node('a', DISABLED), node('b', ENABLED)]);
    expect(verdict('ipv6/macvlan', c)).toEqual({ outcome: 'run' });
    expect(ipv6Nodes(c)).toEqual(['b']);
  });

  it('external-host needs the peer\'s IPv6 address', () => {
    const p = loadProfile(settings);
    const profile = { ...p, externalPeer: { netns: 'mc-ext', address: '192.168.1.1' } };
    expect(verdict('ipv6/external-host', cluster([node('mc-node', ENABLED)], profile))).toMatchObject({ outcome: 'skip', reason: /no IPv6 address for the external host in profile local/ });
  });

  it("a user's netns peer takes network.ipv6Gateway as its IPv6 address", () => {
    const p = loadProfile(RunSettingsSchema.parse({ provider: 'existing', profile: 'generic', externalPeer: { netns: 'peer' }, network: { ipv6Gateway: 'fd00:1::1', ipv6Subnet: 'fd00:1::/64' } }));
    expect(p.externalPeer).toEqual({ netns: 'peer', address: p.gateway, ipv6Address: 'fd00:1::1' });
    expect(p.ipv6Subnet).toBe('fd00:1::/64');
  });
});

describe('ipv6 NAD fixtures', () => {
  const profile = loadProfile(settings);

  it.each([
    ['macvlan-ipv6', 'macvlan', ['fd00:6d63::100-fd00:6d63::13f']],
    ['macvlan-dual-stack', 'dual-stack', ['192.168.8.2-192.168.8.63', 'fd00:6d63::140-fd00:6d63::17f']],
    ['macvlan-ipv6', 'external-host', ['fd00:6d63::180-fd00:6d63::1bf']],
  ] as const)('%s for ipv6/%s renders with the testbed profile, validates, and has its own ranges', (fixture, part, ranges) => {
    const nad = renderNad(fixture, profileVars(profile, { name: 'ipv6-net', ...ipv6Vars(profile, part) }));
    expect(validateNadText(JSON.stringify(nad), `${fixture}.yaml`)).toEqual([]);
    const pools = computeIpamPoolsFromJson(nad.spec.config!);
    expect(pools.map((p) => describePool(p).replace(/ .*/, ''))).toEqual(ranges);
    const config = JSON.parse(nad.spec.config!) as { ipam: { routes: { dst: string }[] } };
    expect(config.ipam.routes).toEqual([{ dst: 'fd00:6d63:1::/64' }]);
  });

  it('the four quarters cover the profile range, one per scenario and the last for the sabotage', () => {
    expect(['macvlan', 'dual-stack', 'external-host', 'sabotage'].map((p) => ipv6Vars(profile, p as 'macvlan')).map((v) => `${v.v6RangeStart}-${v.v6RangeEnd}`)).toEqual([
      'fd00:6d63::100-fd00:6d63::13f',
      'fd00:6d63::140-fd00:6d63::17f',
      'fd00:6d63::180-fd00:6d63::1bf',
      'fd00:6d63::1c0-fd00:6d63::1ff',
    ]);
  });
});
