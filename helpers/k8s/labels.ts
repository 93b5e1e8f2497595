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

export interface SelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

/** A LabelSelector as the API returns it (DaemonSet spec.selector and the like). */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: SelectorRequirement[];
}

/**
 * The label selector string (`k=v,k2 in (a,b),!k3`) that selects exactly what
 * a LabelSelector selects: matchLabels AND every matchExpression. Throws when
 * the selector is empty (it would select everything) or an expression is not
 * one the API accepts, instead of dropping it and selecting more.
 */
export function selectorString(selector: LabelSelector | undefined): string {
  const parts = Object.entries(selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const r of selector?.matchExpressions ?? []) parts.push(requirementString(r));
  if (parts.length === 0) throw new Error('the label selector is empty: it would select every pod');
  return parts.join(',');
}

function requirementString(r: SelectorRequirement): string {
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) throw new Error(`label selector: ${r.key} ${r.operator} needs at least one value`);
      return `${r.key} ${r.operator.toLowerCase()} (${values.join(',')})`;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) throw new Error(`label selector: ${r.key} ${r.operator} takes no values`);
      return r.operator === 'Exists' ? r.key : `!${r.key}`;
    default:
      throw new Error(`label selector: unknown operator ${JSON.stringify(r.operator)} for key ${r.key}`);
  }
}
