import { describe, expect, it } from 'vitest';
import type { PodEvent } from '../../helpers/k8s/events.ts';
import { addedInterfaces, describeNodeResidue, sandboxIds } from '../../helpers/scenario/node-residue.ts';
import { payload } from './recorded.ts';

// The events of a negative/long-ifname pod on the testbed's thin Multus v4.2.3 (test/payloads/README.md).
const events = JSON.parse(payload('events/long-ifname-thin.json')) as PodEvent[];
const SANDBOX = '95e7f6579481b2083cf315e878884d3da1c59e205a65e93370f65e4abf6a650d';

describe('node residue of a pod whose teardown fails', () => {
  it('finds the sandbox in the runtime errors (quoted and escaped alike), once', () => {
    expect(sandboxIds(events)).toEqual([SANDBOX]);
  });

  it('finds what Multus reported adding', () => {
    expect(addedInterfaces(events)).toEqual(['eth0 10.244.0.16/24 from mc-bridge']);
  });

  it('says what is left on which node and how to clear it', () => {
    const text = describeNodeResidue({ pod: 'mc-x-negative-long-ifname/negative', node: 'mc-node', events });
    expect(text).toContain('pod mc-x-negative-long-ifname/negative could not be torn down on node mc-node (CNI DEL fails)');
    expect(text).toContain(`Left on node mc-node until a CNI DEL succeeds: pod sandbox ${SANDBOX} with its network namespace`);
    expect(text).toContain('eth0 10.244.0.16/24 from mc-bridge');
    expect(text).toContain(`\`crictl pods --id ${SANDBOX}\``);
    expect(text).toContain(`\`crictl stopp ${SANDBOX} && crictl rmp ${SANDBOX}\``);
    expect(text).toContain(`\`grep -l ${SANDBOX} /var/lib/cni/networks/*/*\``);
    expect(text).not.toContain('\n');
  });

  it('says so when the events name no sandbox', () => {
    const text = describeNodeResidue({ pod: 'ns/p', events: events.filter((e) => e.reason === 'Scheduled') });
    expect(text).toContain('on node (unscheduled)');
    expect(text).toContain('its pod sandbox (no sandbox ID in the events)');
  });
});
