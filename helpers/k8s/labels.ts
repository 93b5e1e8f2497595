/** Labels on everything the suite creates; `cleanup` finds leftovers by them. */
export const RUN_ID_LABEL = 'multus-conformance.io/run-id';
export const OWNED_LABEL = 'multus-conformance.io/owned';
export const SCENARIO_LABEL = 'multus-conformance.io/scenario';

export function runLabels(runId: string): Record<string, string> {
  return { [RUN_ID_LABEL]: runId, [OWNED_LABEL]: 'true' };
}

/** Namespace names are DNS labels: `mc-<run>-<slug>`, cut to 63 characters. */
export function namespaceName(runId: string, slug: string): string {
  const clean = slug.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  return `mc-${runId}-${clean}`.slice(0, 63).replace(/-+$/, '');
}

/** A label selector string (`k=v,k2=v2`) from matchLabels, e.g. a DaemonSet's. */
export function selectorOf(matchLabels: Record<string, string> | undefined): string {
  return Object.entries(matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}
