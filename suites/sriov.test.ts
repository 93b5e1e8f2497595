import { ConformanceFailure } from '../helpers/errors.ts';
import { verifyAttachments } from '../helpers/scenario/checks.ts';
import { scenario } from '../helpers/scenario/scenario.ts';

/** The env var the SR-IOV device plugin sets: PCIDEVICE_ + resource name, upper case, non-alphanumerics as "_". */
export function pciEnvName(resource: string): string {
  return `PCIDEVICE_${resource.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

scenario('sriov/vf', async (env, node) => {
  const caps = env.cluster.nodes.find((n) => n.name === node);
  const resource = caps && env.profile.sriovResource in caps.sriovResources ? env.profile.sriovResource : Object.keys(caps?.sriovResources ?? {})[0]!;
  const nad = await env.nad('sriov', { name: 'sriov-net', vars: { sriovResource: resource } });
  const pod = await env.pod('sriov', { networks: 'sriov-net', ...(node ? { node } : {}), resources: { [resource]: '1' } });
  const { status } = await verifyAttachments(pod, [{ iface: 'net1', nad }], env.cluster);
  const entry = status.find((e) => e.interface === 'net1');
  const statusPci = entry?.['device-info']?.pci?.['pci-address'];
  const envName = pciEnvName(resource);
  const fromEnv = (await pod.run(['printenv', envName])).trim();
  if (!statusPci || !fromEnv.split(',').includes(statusPci)) {
    throw new ConformanceFailure({
      pod: pod.id,
      iface: 'net1',
      check: `device-info pci-address vs ${envName}`,
      expected: fromEnv || `(${envName} unset)`,
      actual: statusPci ?? '(no device-info)',
    });
  }
});
