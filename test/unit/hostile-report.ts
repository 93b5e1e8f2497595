import { compareRuns } from '../../helpers/report/compare.ts';
import type { ScenarioResult } from '../../helpers/report/results.ts';
import type { RunReport } from '../../helpers/report/run-report.ts';

/**
 * A run report whose texts try every way out of their place: markup, script,
 * an image that loads from elsewhere, table breakers, a Markdown heading after
 * a newline, links. A failure message can quote anything (a pod event, an
 * annotation someone wrote), so the Markdown and HTML reports must show these
 * as text. Used by the unit tests and by the browser test (test/e2e/html-report).
 */
export const HOSTILE = {
  script: '<script>document.title="pwned"</script>',
  image: '<img src="http://127.0.0.1:9/x.png" onerror="document.title=\'pwned\'">',
  cell: 'a | b </td></tr><tr><td>injected',
  markdown: '**bold** [click](http://127.0.0.1:9/phish) ![img](http://127.0.0.1:9/y.png) `code` &amp; ~~gone~~',
  heading: 'first line\n## injected heading\n| x | y |',
} as const;

const failed: ScenarioResult = {
  id: 'negative/bad-mac',
  title: `invalid MAC "quotes" & 'apostrophes' ${HOSTILE.script}`,
  name: 'negative/bad-mac: invalid MAC',
  verdict: 'failed',
  durationMs: 4200,
  rule: `NPWG §4.1.2.1.4 ${HOSTILE.image}`,
  message: `pod mc-x/bad-mac: expected the pod refused, got Running; event: ${HOSTILE.script} ${HOSTILE.cell} ${HOSTILE.markdown}\n${HOSTILE.heading}`,
  diagnostics: `/tmp/diag/${HOSTILE.image}.txt`,
};

const known: ScenarioResult = {
  id: 'negative/long-ifname',
  title: 'interface name over 15 characters fails the pod',
  name: 'negative/long-ifname: interface name over 15 characters fails the pod',
  verdict: 'known',
  durationMs: 21_000,
  rule: 'NPWG §4.1.2.1.5',
  message: `pod mc-x/negative: expected pod gone within 15s, got still present, Terminating ${HOSTILE.image}`,
  known: { entry: 0, reason: `upstream ${HOSTILE.cell} ${HOSTILE.markdown}`, pattern: 'still present, Terminating', matched: 'still present, Terminating' },
};

const skipped: ScenarioResult = {
  id: 'in-pod/ipvlan',
  node: `mc-node${HOSTILE.script}`,
  title: 'ipvlan l2 attachment',
  name: 'in-pod/ipvlan: ipvlan l2 attachment [node=mc-node]',
  verdict: 'skipped',
  durationMs: 0,
  skipReason: `node kernel lacks ipvlan ${HOSTILE.image} ${HOSTILE.heading}`,
};

const passed: ScenarioResult = { id: 'health/nad-crd', title: 'NAD CRD served', name: 'health/nad-crd: NAD CRD served', verdict: 'passed', durationMs: 900, rule: 'NPWG §3' };

export function hostileReport(): RunReport {
  const scenarios = [passed, failed, known, skipped];
  const before = [{ ...passed }, { ...failed, verdict: 'passed' as const }, { ...known, verdict: 'passed' as const }, { ...skipped, skipReason: 'old reason' }];
  return {
    schema: 1,
    run: {
      runId: 'hostile1',
      provider: 'existing',
      profile: 'generic',
      mode: 'non-disruptive',
      strict: false,
      tests: [`^negative/ ${HOSTILE.script}`],
      startedAt: '2026-11-30T04:00:00.000Z',
      finishedAt: '2026-11-30T04:01:10.000Z',
      durationMs: 70_000,
      version: '0.1.0',
      knownFailuresFile: `/ci/${HOSTILE.cell}.yaml`,
      baselineFile: '/ci/previous/report.json',
      exitCode: 1,
    },
    target: {
      kubernetesVersion: `v1.34.4${HOSTILE.script}`,
      multus: { daemonSet: 'kube-system/kube-multus-ds', image: `multus:v4.2.3 ${HOSTILE.image}`, flavor: 'thin', ready: 1, desired: 1 },
      nodes: [{ name: `mc-node${HOSTILE.cell}`, cniBinaries: { [`tuning${HOSTILE.script}`]: 'b'.repeat(64) } }],
      nads: [{ scenario: 'negative/bad-mac', name: `macvlan-static${HOSTILE.image}`, configSha256: 'c'.repeat(64) }],
    },
    counts: { passed: 1, failed: 1, known: 1, skipped: 1 },
    scenarios,
    problems: [{ id: 'run/baseline', title: 'no regression', kind: 'failure', message: `2 regression(s): ${HOSTILE.script} ${HOSTILE.markdown}` }],
    knownFailures: {
      file: `/ci/${HOSTILE.cell}.yaml`,
      entries: [
        { entry: 0, scenario: 'negative/long-ifname', message: `still present ${HOSTILE.script}`, reason: `upstream ${HOSTILE.cell}`, status: 'matched' },
        { entry: 1, scenario: 'lifecycle/pod-during-restart', message: '.*', reason: `fixed ${HOSTILE.image}`, status: 'fixed' },
        { entry: 2, scenario: 'negative/bad-mac', message: '.*', reason: `expired ${HOSTILE.markdown}`, expires: '2026-01-01', status: 'expired' },
      ],
    },
    comparison: { baseline: `/ci/previous/${HOSTILE.script}/report.json`, ...compareRuns({ scenarios: before }, { scenarios }) },
  };
}
