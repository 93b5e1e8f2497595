import { describe, expect, it } from 'vitest';
import { RestartRounds, type RestartRunner } from '../../helpers/multus/restart-rounds.ts';
import type { RestartResult } from '../../helpers/multus/restart.ts';

const tick = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A runner that records each restart and calls `during` the way restartMultus does, inside the window. */
function recorder(): { run: RestartRunner; restarts: string[][]; log: string[] } {
  const restarts: string[][] = [];
  const log: string[] = [];
  const run: RestartRunner = async (during) => {
    const round: string[] = [];
    restarts.push(round);
    log.push('old pod deleted');
    if (during) await during('mc-node');
    log.push('replacement Ready');
    const result: RestartResult = { deleted: [{ namespace: 'kube-system', name: `kube-multus-ds-${restarts.length}`, uid: 'u' }] };
    return result;
  };
  return { run, restarts, log };
}

describe('one Multus restart shared by the disruptive scenarios', () => {
  it('waits for every enrolled scenario, restarts once, and creates each one’s pods inside the window', async () => {
    const rounds = new RestartRounds(10_000);
    const { run, restarts, log } = recorder();
    const [survivor, during] = [rounds.enrol(), rounds.enrol()];
    const first = survivor.join(run);
    await tick(50);
    expect(restarts).toHaveLength(0); // the other one has not joined yet
    const second = during.join(run, async (node) => void log.push(`pods created on ${node}`));
    const [a, b] = await Promise.all([first, second]);
    expect(restarts).toHaveLength(1);
    expect(a).toBe(b);
    expect(log).toEqual(['old pod deleted', 'pods created on mc-node', 'replacement Ready']);
  });

  it('goes ahead when the other scenario leaves without a restart (it failed before it)', async () => {
    const rounds = new RestartRounds(10_000);
    const { run, restarts } = recorder();
    const [survivor, failing] = [rounds.enrol(), rounds.enrol()];
    const first = survivor.join(run);
    await tick(20);
    expect(restarts).toHaveLength(0);
    failing.leave();
    await first;
    expect(restarts).toHaveLength(1);
  });

  it('does not wait past its bound for a scenario that never comes', async () => {
    const rounds = new RestartRounds(100);
    const { run, restarts } = recorder();
    rounds.enrol(); // never joins nor leaves
    await rounds.enrol().join(run);
    expect(restarts).toHaveLength(1);
  });

  it('a latecomer gets a restart of its own', async () => {
    const rounds = new RestartRounds(100);
    const { run, restarts } = recorder();
    const late = rounds.enrol();
    const first = await rounds.enrol().join(run);
    const second = await late.join(run);
    expect(restarts).toHaveLength(2);
    expect(second).not.toBe(first);
  });

  it('fails only the scenario whose own pods could not be created', async () => {
    const rounds = new RestartRounds(10_000);
    const { run } = recorder();
    const [survivor, during] = [rounds.enrol(), rounds.enrol()];
    const ok = survivor.join(run);
    const bad = during.join(run, async () => {
      throw new Error('pods "during-1" is forbidden');
    });
    await expect(bad).rejects.toThrow('pods "during-1" is forbidden');
    await expect(ok).resolves.toMatchObject({ deleted: [{ name: 'kube-multus-ds-1' }] });
  });

  it('fails every scenario of the round when the restart itself fails', async () => {
    const rounds = new RestartRounds(10_000);
    const run: RestartRunner = async () => {
      throw new Error('Multus DaemonSet kube-system/kube-multus-ds: waiting for replacement pods to be Ready');
    };
    const [a, b] = [rounds.enrol(), rounds.enrol()];
    const results = await Promise.allSettled([a.join(run), b.join(run)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });

  it('a ticket is used once; leaving after joining changes nothing', async () => {
    const rounds = new RestartRounds(10_000);
    const { run, restarts } = recorder();
    const ticket = rounds.enrol();
    await ticket.join(run);
    ticket.leave();
    await expect(ticket.join(run)).rejects.toThrow('a restart ticket is used once');
    expect(restarts).toHaveLength(1);
  });
});
