import { assertIsVf, assertPciMatchesEnv, parsePciLinks, pciEnvName, sysfsLinksCommand } from '../../helpers/assert/sriov.ts';
import { verifyAttachments } from '../../helpers/scenario/checks.ts';
import { scenario } from '../../helpers/scenario/scenario.ts';

scenario('sriov/vf', async (env, node) => {
  const caps = env.cluster.nodes.find((n) => n.name === node);
  const resource = caps && env.profile.sriovResource in caps.sriovResources ? env.profile.sriovResource : Object.keys(caps?.sriovResources ?? {})[0]!;
  const nad = await env.nad('sriov', { name: 'sriov-net', vars: { sriovResource: resource } });
  const pod = await env.pod('sriov', { networks: 'sriov-net', ...(node ? { node } : {}), resources: { [resource]: '1' } });
  const { status } = await verifyAttachments(pod, [{ iface: 'net1', nad }], env.cluster);
  const statusPci = status.find((e) => e.interface === 'net1')?.['device-info']?.pci?.['pci-address'];
  const envName = pciEnvName(resource);
  const printed = await pod.exec(['printenv', envName]);
  assertPciMatchesEnv(pod.id, 'net1', statusPci, envName, printed.exitCode === 0 ? printed.stdout.trim() : '');
  // The allocated device really is a VF, and it is the one device-info names.
  assertIsVf(pod.id, 'net1', parsePciLinks(await pod.run(sysfsLinksCommand('net1'))), statusPci);
});
