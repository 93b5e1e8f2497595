import { execa } from 'execa';
import type { ProfileValues } from '../fixtures/profile.ts';

/** A host outside the cluster, on the master's L2 segment. */
export interface ExternalPeer {
  readonly address: string;
  readonly description: string;
  /** One bounded ping (3 packets, 5 s at most); true when any reply came. */
  ping(target: string): Promise<{ ok: boolean; output: string }>;
  stop(): Promise<void>;
}

type PeerConfig = NonNullable<ProfileValues['externalPeer']>;

/**
 * The testbed's namespace host (netns), or, where Docker runs the cluster
 * (kind), a throwaway container on the nodes' docker network that takes the
 * peer address on its eth0. Only addresses on this segment are pinged.
 */
export async function startExternalPeer(config: PeerConfig, prefixLength: number): Promise<ExternalPeer> {
  if (config.netns) return netnsPeer(config.netns, config.address);
  if (config.dockerNetwork) return await containerPeer(config.dockerNetwork, config.address, prefixLength, config.image, config.dockerHost);
  throw new Error('externalPeer needs netns or dockerNetwork');
}

function netnsPeer(netns: string, address: string): ExternalPeer {
  return {
    address,
    description: `external host ${address} (netns ${netns})`,
    async ping(target) {
      // busybox ping: the host may not have iputils installed.
      const r = await execa('ip', ['netns', 'exec', netns, 'busybox', 'ping', '-c', '3', '-W', '1', '-w', '5', target], { reject: false });
      return { ok: r.exitCode === 0, output: `${r.stdout}${r.stderr}`.trim() };
    },
    async stop() {},
  };
}

async function containerPeer(
  network: string,
  address: string,
  prefixLength: number,
  image: string | undefined,
  dockerHost: string | undefined,
): Promise<ExternalPeer> {
  // Offline machines cannot pull the reaper image; the container is stopped below.
  process.env['TESTCONTAINERS_RYUK_DISABLED'] ??= 'true';
  // testcontainers finds its daemon through DOCKER_HOST: the one the kind
  // nodes run on (the project's private dockerd offline), never a guess.
  if (dockerHost) {
    process.env['DOCKER_HOST'] = dockerHost;
    // Only published ports would need the daemon's host; that daemon has no
    // default "bridge" network for testcontainers to look it up from.
    process.env['TESTCONTAINERS_HOST_OVERRIDE'] ??= '127.0.0.1';
  }
  const { GenericContainer } = await import('testcontainers');
  const container = await new GenericContainer(image ?? 'localhost/multus-conformance/testpod:1')
    .withNetworkMode(network)
    .withAddedCapabilities('NET_ADMIN')
    .withCommand(['sleep', '3600'])
    .start();
  const added = await container.exec(['ip', 'addr', 'add', `${address}/${prefixLength}`, 'dev', 'eth0']);
  if (added.exitCode !== 0) {
    await container.stop();
    throw new Error(`external peer container on docker network ${network}: ip addr add ${address}: ${added.output.trim()}`);
  }
  return {
    address,
    description: `external host ${address} (container on docker network ${network})`,
    async ping(target) {
      const r = await container.exec(['ping', '-c', '3', '-W', '1', '-w', '5', target]);
      return { ok: r.exitCode === 0, output: r.output.trim() };
    },
    async stop() {
      await container.stop();
    },
  };
}
