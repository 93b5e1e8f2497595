import { describe, expect, it } from 'vitest';
import type * as k8s from '@kubernetes/client-node';
import { heldBy } from '../../cli/sweep.ts';
import { clone, payload } from './recorded.ts';

// Namespaces read from the testbed's API server while they terminated (test/payloads/README.md).
const ns = (file: string): k8s.V1Namespace => JSON.parse(payload(`namespaces/${file}.json`)) as k8s.V1Namespace;

describe('what holds a terminating namespace, as the end-of-run sweep reads it', () => {
  it('nothing, just after its delete (no condition yet)', () => {
    expect(heldBy(ns('terminating-plain'))).toBeUndefined();
  });

  it('a finalizer on the namespace itself, named', () => {
    expect(heldBy(ns('terminating-finalizer'))).toBe('finalizer multus-conformance.io/e2e-hold');
    expect(heldBy(ns('terminating-finalizer-later'))).toBe('finalizer multus-conformance.io/e2e-hold');
  });

  it("content with a finalizer, in the namespace controller's words", () => {
    expect(heldBy(ns('terminating-content-finalizer'))).toBe(
      'NamespaceFinalizersRemaining: Some content in the namespace has finalizers remaining: multus-conformance.io/e2e-hold in 1 resource instances',
    );
  });

  it('content still being deleted is not held: NamespaceContentRemaining alone, and the failure conditions at False', () => {
    const n = clone(ns('terminating-content-finalizer'));
    n.status!.conditions = n.status!.conditions!.filter((c) => c.type !== 'NamespaceFinalizersRemaining');
    expect(n.status!.conditions.find((c) => c.type === 'NamespaceContentRemaining')?.status).toBe('True');
    expect(heldBy(n)).toBeUndefined();
  });

  it('a failure the controller reports (made True in the recording) is named', () => {
    const n = clone(ns('terminating-content-finalizer'));
    n.status!.conditions = n.status!.conditions!.filter((c) => c.type !== 'NamespaceFinalizersRemaining');
    const failure = n.status!.conditions.find((c) => c.type === 'NamespaceDeletionContentFailure')!;
    failure.status = 'True';
    failure.message = 'Failed to delete all resource types, 1 remaining: configmaps is forbidden';
    expect(heldBy(n)).toBe('NamespaceDeletionContentFailure: Failed to delete all resource types, 1 remaining: configmaps is forbidden');
  });
});
