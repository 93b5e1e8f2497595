import { describe, expect, it } from 'vitest';
import { parseEventError } from '../../helpers/assert/event-error.ts';
import { recordedMessage } from './recorded-events.ts';

const SANDBOX = 'FailedCreatePodSandBox';

describe('parseEventError on events recorded on the testbed (thin Multus v4.2.3, CNI plugins 1.1.1)', () => {
  it.each<[string, string, string | undefined, string]>([
    ['negative-bad-ip', SANDBOX, undefined, 'failed to parse CIDR "10.1.2.300/24": invalid CIDR address: 10.1.2.300/24'],
    ['negative-bad-mac', SANDBOX, undefined, 'failed to mac: address 02:23:45:67:89: invalid MAC address'],
    ['negative-malformed-json', SANDBOX, undefined, 'failed to parse pod Network Attachment Selection Annotation JSON format: unexpected end of JSON input'],
    ['negative-two-default-routes', SANDBOX, undefined, 'multus does not support ECMP for default-route'],
    ['negative-duplicate-ifname', SANDBOX, 'negative', 'interface name mcdup0 already exists'],
    ['negative-long-ifname', SANDBOX, 'negative', 'interface name is too long; interface name should be less than 16 characters'],
    ['negative-ipam-exhausted', SANDBOX, 'small-c', 'failed to allocate for range 0: no IP addresses available in range set: 192.168.1.230-192.168.1.231'],
    ['other-causes', SANDBOX, 'no-such-plugin', 'failed to find plugin "mc-no-such-plugin" in path [/opt/cni/bin /opt/cni/bin]'],
    ['other-causes', SANDBOX, 'no-such-master', 'Link not found'],
    ['other-causes', SANDBOX, 'broken-config', 'err in getCNIConfigFromSpec: failed to unmarshal Spec.Config: unexpected end of JSON input'],
  ])('%s (%s of %s): error part is the cause alone', (file, reason, object, error) => {
    const e = parseEventError(reason, recordedMessage(file, reason, object));
    expect(e.error).toBe(error);
    expect(e.plugin).toBe('multus');
    expect(e.sandbox).toMatch(/^[0-9a-f]{64}$/);
    // None of the generic wrapper text is left in the error part.
    expect(e.error).not.toMatch(/failed to setup network for sandbox|plugin type=|failed \(add\)|error adding container to network|rpc error/);
  });

  it('takes the pod and network from the Multus prefix and leaves them out of the error', () => {
    const e = parseEventError(SANDBOX, recordedMessage('negative-duplicate-ifname', SANDBOX));
    expect(e.pod).toBe('mc-84f5ac30-negative-duplicate-ifname/negative');
    expect(e.network).toBe('macvlan-conf');
    expect(e.context.join(' ')).toContain('cannot set "macvlan" interface name to "mcdup0":');
    expect(e.error).not.toContain('macvlan');
  });

  it('missing NAD: the sandbox error and the NoNetworkFound event give the same error part', () => {
    const sandbox = parseEventError(SANDBOX, recordedMessage('negative-missing-nad', SANDBOX));
    const noNetwork = parseEventError('NoNetworkFound', recordedMessage('negative-missing-nad', 'NoNetworkFound'));
    expect(sandbox.error).toBe(noNetwork.error);
    expect(noNetwork.error).toMatch(/^cannot find a network-attachment-definition \(mc-no-such-network\) in namespace \(mc-84f5ac30-negative-missing-nad\): /);
    expect(sandbox.pod).toBe('mc-84f5ac30-negative-missing-nad/negative');
  });

  it('leaves a message without any known wrapper as it is', () => {
    expect(parseEventError('ErrorAddingNetwork', 'Link not found').error).toBe('Link not found');
  });

  it('handles libcni 1.x, which names the network after the plugin type (constructed from its format string, not recorded)', () => {
    const named =
      'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "abc": plugin type="multus" name="multus-cni-network" failed (add): Multus: [ns/p/uid]: error loading k8s delegates k8s args: multus does not support ECMP for default-route';
    expect(parseEventError(SANDBOX, named).error).toBe('multus does not support ECMP for default-route');
  });

  it('unwraps the thick shim (constructed from Multus v4.2.3 format strings, not recorded: the shared testbed is thin)', () => {
    const thick =
      'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "abc": plugin type="multus-shim" name="multus-cni-network" failed (add): ' +
      'CmdAdd (shim): CNI request failed with status 400: \'ContainerID:"abc" Netns:"/var/run/netns/x" IfName:"eth0" Args:"IgnoreUnknown=1;K8S_POD_NAMESPACE=ns;K8S_POD_NAME=p" Path:"" ' +
      'ERRORED: error configuring pod [ns/p] networking: [ns/p/uid:macvlan-conf]: error adding container to network "macvlan-conf": DelegateAdd: cannot set "macvlan" interface name to "mcdup0": validateIfName: interface name mcdup0 already exists\n\'';
    const e = parseEventError(SANDBOX, thick);
    expect(e.plugin).toBe('multus-shim');
    expect(e.error).toBe('interface name mcdup0 already exists');
    // The same with the newline escaped, and an error whose last letter is an "n".
    expect(parseEventError(SANDBOX, thick.replace("exists\n'", "exists\\n'")).error).toBe('interface name mcdup0 already exists');
    expect(parseEventError(SANDBOX, thick.replace("already exists\n'", "is taken by net1'")).error).toBe('interface name mcdup0 is taken by net1');
  });
});
