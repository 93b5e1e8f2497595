import type * as k8s from '@kubernetes/client-node';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../helpers/errors.ts';
import { chooseMultus, multusInfoOf } from '../../helpers/multus/detect.ts';
import { parseImageRef, recognise } from '../../helpers/multus/signatures.ts';
import { payload } from './recorded.ts';

// DaemonSets written from the upstream manifests (see each file's header) and
// one recorded from the embedded testbed (test/payloads/README.md).
const ds = (file: string): k8s.V1DaemonSet =>
  (file.endsWith('.json') ? JSON.parse(payload(`daemonsets/${file}`)) : parse(payload(`daemonsets/${file}`))) as k8s.V1DaemonSet;

const testbed = ds('testbed-thin.json');
const thin = ds('upstream-thin.yaml');
const thick = ds('upstream-thick.yaml');
const v3 = ds('v3-entrypoint.yaml');
const tanzu = ds('tanzu-package.yaml');
const relocated = ds('tanzu-relocated-image-only.yaml');
const openshift = ds('openshift-multus.yaml');
const additional = ds('openshift-additional-cni-plugins.yaml');
const dynamic = ds('dynamic-networks-controller.yaml');
const decoy = ds('decoy-named-multus.yaml');

describe('recognise: Multus by what it runs', () => {
  it.each([
    ['the testbed (recorded)', testbed, 'thin', /container kube-multus runs \/thin_entrypoint \(Multus v4 thin\)/],
    ['upstream thin', thin, 'thin', /runs \/thin_entrypoint/],
    ['upstream thick', thick, 'thick', /container kube-multus runs multus-daemon \(Multus v4 thick\)/],
    ['v3 /entrypoint.sh', v3, 'thin', /runs \/entrypoint\.sh with Multus flags \(Multus v3 thin\)/],
    ['the Tanzu package', tanzu, 'thin', /runs \/entrypoint\.sh with Multus flags \(Multus v3 thin\) in the Tanzu package image/],
    ['the Tanzu image, relocated, own entrypoint', relocated, 'thin', /runs the Tanzu package image harbor\.corp\.example:8443\/tkg\/multus-cni with its own entrypoint/],
    ['OpenShift (bash script)', openshift, 'thick', /runs multus-daemon/],
  ] as const)('%s', (_name, d, flavor, signature) => {
    const r = recognise(d);
    expect(r.flavor).toBe(flavor);
    expect(r.signatures.join('\n')).toMatch(signature);
  });

  it('names the installer too, with its type', () => {
    expect(recognise(thin).signatures).toContain('container install-multus-binary runs install_multus --type thin (Multus v4 installer)');
    expect(recognise(thick).signatures).toContain('container install-multus-binary runs install_multus --type thick (Multus v4 installer)');
  });

  it.each([
    ['multus-dynamic-networks-controller (image named after Multus)', dynamic],
    ['a DaemonSet named multus-… labelled app=multus running sleep', decoy],
    ["OpenShift's multus-additional-cni-plugins", additional],
  ])('is not fooled by %s', (_name, d) => {
    expect(recognise(d).signatures).toEqual([]);
  });

  it('does not take the multus-cni image for Multus when another command runs in it', () => {
    const sleeping = structuredClone(thin);
    sleeping.spec!.template.spec!.containers[0]!.command = ['sleep', 'infinity'];
    sleeping.spec!.template.spec!.containers[0]!.args = [];
    sleeping.spec!.template.spec!.initContainers = [];
    expect(recognise(sleeping).signatures).toEqual([]);
  });

  it('does not take any /entrypoint.sh for v3 Multus', () => {
    const other = structuredClone(v3);
    const c = other.spec!.template.spec!.containers[0]!;
    c.image = 'docker.io/library/nginx:1.27';
    c.args = ['nginx', '-g', 'daemon off;'];
    expect(recognise(other).signatures).toEqual([]);
  });
});

describe('parseImageRef', () => {
  it.each([
    ['ghcr.io/k8snetworkplumbingwg/multus-cni:v4.2.3', 'ghcr.io/k8snetworkplumbingwg/multus-cni', 'v4.2.3'],
    ['projects.registry.vmware.com/tkg/multus-cni@sha256:d378d81a', 'projects.registry.vmware.com/tkg/multus-cni', undefined],
    ['harbor.corp.example:8443/tkg/multus-cni:v3.8.0_vmware.2', 'harbor.corp.example:8443/tkg/multus-cni', 'v3.8.0_vmware.2'],
    ['registry.local:5000/multus-cni', 'registry.local:5000/multus-cni', undefined],
  ])('%s', (image, repository, tag) => {
    expect(parseImageRef(image)).toEqual(tag === undefined ? { repository } : { repository, tag });
  });
});

describe('chooseMultus', () => {
  it('takes the one DaemonSet that runs Multus among decoys, whatever the list order', () => {
    for (const list of [[decoy, dynamic, testbed], [testbed, decoy, dynamic]]) {
      const c = chooseMultus(list);
      expect(c.daemonSet?.metadata?.name).toBe('kube-multus-ds');
      expect(c.problem).toBeUndefined();
    }
  });

  it('finds none when only decoys run', () => {
    const c = chooseMultus([decoy, dynamic, additional]);
    expect(c.daemonSet).toBeUndefined();
    expect(c.candidates).toEqual([]);
  });

  it('names every candidate and asks for a choice when several run Multus', () => {
    const c = chooseMultus([testbed, openshift, decoy]);
    expect(c.daemonSet).toBeUndefined();
    expect(c.problem).toBe(
      '2 DaemonSets run Multus: kube-system/kube-multus-ds (container kube-multus runs /thin_entrypoint (Multus v4 thin)), ' +
        'openshift-multus/multus (container kube-multus runs multus-daemon (Multus v4 thick)); ' +
        'choose one with --multus-daemonset or multus.daemonSet (namespace/name)',
    );
  });

  it('takes the chosen one', () => {
    const c = chooseMultus([testbed, openshift], 'openshift-multus/multus');
    expect(c.daemonSet?.metadata?.uid).toBe('7a2d0e13-5b8f-4e6a-9c1d-2e3f4a5b6c66');
    expect(c.recognised?.flavor).toBe('thick');
  });

  it('refuses a choice that names no DaemonSet, listing the candidates', () => {
    expect(() => chooseMultus([testbed], 'kube-system/multus')).toThrow(UsageError);
    expect(() => chooseMultus([testbed], 'kube-system/multus')).toThrow(
      '--multus-daemonset (multus.daemonSet) kube-system/multus: no such DaemonSet (DaemonSets that run Multus: kube-system/kube-multus-ds)',
    );
  });
});

describe('multusInfoOf', () => {
  const groups = new Map([['k8s.cni.cncf.io', ['v1']]]);

  it('reports the chosen DaemonSet with its UID, flavor, readiness and why it was taken', () => {
    expect(multusInfoOf(chooseMultus([decoy, thick]), groups)).toEqual({
      daemonSet: 'kube-system/kube-multus-ds',
      uid: '9b2e4c71-1d3f-4a55-8e0b-6f4a2c8d7e22',
      desired: 3,
      ready: 2,
      flavor: 'thick',
      image: 'ghcr.io/k8snetworkplumbingwg/multus-cni:v4.2.3-thick',
      signatures: [
        'container kube-multus runs multus-daemon (Multus v4 thick)',
        'container install-multus-binary runs install_multus --type thick (Multus v4 installer)',
      ],
      crdServed: true,
      installedBySuite: false,
      carvelPackaging: false,
      whereaboutsApi: false,
    });
  });

  it("notes whether whereabouts' records are served (its scenarios read IPPools)", () => {
    const served = new Map([...groups, ['whereabouts.cni.cncf.io', ['v1alpha1']]]);
    expect(multusInfoOf(chooseMultus([thick]), served).whereaboutsApi).toBe(true);
    expect(multusInfoOf(chooseMultus([thick]), new Map([...groups, ['whereabouts.cni.cncf.io', ['v1']]])).whereaboutsApi).toBe(false);
  });

  it('carries the problem when several run Multus and none was chosen', () => {
    const info = multusInfoOf(chooseMultus([thin, dynamic, relocated]), groups);
    expect(info.daemonSet).toBeUndefined();
    expect(info.candidates).toEqual(['kube-system/kube-multus-ds', 'tanzu-packages/multus']);
    expect(info.problem).toMatch(/^2 DaemonSets run Multus/);
  });
});
