/**
 * Kubernetes label selectors in their string form, as `kubectl get -l` takes
 * them: `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`,
 * joined by commas (all must hold). Used for `network.nodeSelector`, which
 * is validated when the settings load and matched against node labels.
 */
export type LabelRequirement =
  | { key: string; op: 'exists' | 'absent' }
  | { key: string; op: 'equals' | 'differs'; value: string }
  | { key: string; op: 'in' | 'notin'; values: string[] };

// apimachinery's qualified name: an optional DNS-1123 subdomain prefix and "/", then a name.
const NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function keyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length > 253 || !PREFIX.test(prefix))) {
    return `label key "${key}": prefix must be a DNS subdomain (lowercase letters, digits, "-" and ".")`;
  }
  if (name.length > 63 || !NAME.test(name)) {
    return `label key "${key}": name must be 1-63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit`;
  }
  return undefined;
}

function valueProblem(value: string): string | undefined {
  if (value === '') return undefined;
  return value.length > 63 || !NAME.test(value)
    ? `label value "${value}": must be at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit`
    : undefined;
}

/** Commas inside `in (…)` belong to the value list, not between requirements. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim());
}

const SET_FORM = /^(\S+?)\s+(in|notin)\s*\((.*)\)$/;
const EQUALITY_FORM = /^([^\s=!()]+)\s*(==|!=|=)\s*(\S*)$/;
const ABSENT_FORM = /^!\s*([^\s=!()]+)$/;
const EXISTS_FORM = /^([^\s=!()<>]+)$/;

/** Parses a selector; throws an Error naming the part that is wrong. */
export function parseLabelSelector(text: string): LabelRequirement[] {
  if (text.trim() === '') throw new Error('empty selector (leave the setting out to use every node)');
  const out: LabelRequirement[] = [];
  for (const part of splitTopLevel(text)) {
    if (part === '') throw new Error(`empty requirement in "${text}" (a stray comma?)`);
    const req = parseRequirement(part);
    const bad = keyProblem(req.key) ?? ('value' in req ? valueProblem(req.value) : undefined) ?? ('values' in req ? req.values.map(valueProblem).find(Boolean) : undefined);
    if (bad) throw new Error(bad);
    out.push(req);
  }
  return out;
}

function parseRequirement(part: string): LabelRequirement {
  let m = SET_FORM.exec(part);
  if (m) {
    const values = m[3]!.split(',').map((v) => v.trim());
    if (m[3]!.includes('(') || m[3]!.includes(')')) throw new Error(`"${part}": unbalanced parentheses`);
    if (values.length === 1 && values[0] === '') throw new Error(`"${part}": ${m[2]} needs at least one value`);
    return { key: m[1]!, op: m[2] as 'in' | 'notin', values };
  }
  m = EQUALITY_FORM.exec(part);
  if (m) return { key: m[1]!, op: m[2] === '!=' ? 'differs' : 'equals', value: m[3]! };
  m = ABSENT_FORM.exec(part);
  if (m) return { key: m[1]!, op: 'absent' };
  m = EXISTS_FORM.exec(part);
  if (m) return { key: m[1]!, op: 'exists' };
  if (/[<>]/.test(part)) throw new Error(`"${part}": the numeric operators < and > are not supported here`);
  throw new Error(`"${part}": not a label requirement (key, !key, key=value, key!=value, key in (a,b), key notin (a,b))`);
}

/** Whether labels satisfy every requirement (the API server's semantics: != and notin also match a missing key). */
export function matchesLabels(selector: readonly LabelRequirement[], labels: Readonly<Record<string, string>>): boolean {
  return selector.every((r) => {
    const has = Object.hasOwn(labels, r.key);
    const value = labels[r.key];
    switch (r.op) {
      case 'exists':
        return has;
      case 'absent':
        return !has;
      case 'equals':
        return has && value === r.value;
      case 'differs':
        return !has || value !== r.value;
      case 'in':
        return has && r.values.includes(value!);
      case 'notin':
        return !has || !r.values.includes(value!);
    }
  });
}

/** The problem with a selector string, or undefined when it parses (for the settings schema). */
export function labelSelectorProblem(text: string): string | undefined {
  try {
    parseLabelSelector(text);
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}
