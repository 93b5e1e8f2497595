import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Eta } from 'eta';
import { describe, expect, it } from 'vitest';
import { htmlView, renderHtml } from '../../helpers/report/html.ts';
import { HOSTILE, hostileReport } from './hostile-report.ts';

const TEMPLATES = join(import.meta.dirname, '../../helpers/report/templates');

/**
 * Markup in the page that did not come from the template: any tag the
 * template never writes, any attribute that loads something, text from the
 * data that closed a cell. (The browser test, test/e2e/html-report, checks
 * the DOM itself.)
 */
function injectionProblems(html: string): string[] {
  const problems: string[] = [];
  for (const tag of ['script', 'img', 'a', 'iframe', 'link', 'object']) if (new RegExp(`<${tag}[\\s>]`, 'i').test(html)) problems.push(`<${tag}>`);
  if (/<[^>]+\s(src|href|on[a-z]+)=/i.test(html)) problems.push('an attribute that loads or runs something');
  if (/<td>injected/.test(html)) problems.push('a cell from the data');
  const open = (html.match(/<tr>/g) ?? []).length;
  const close = (html.match(/<\/tr>/g) ?? []).length;
  if (open !== close) problems.push(`${open} <tr> vs ${close} </tr>`);
  return problems;
}

describe('the HTML report', () => {
  const html = renderHtml(hostileReport());

  it('shows every hostile text as text: no tag, no loading attribute, no cell from the data', () => {
    expect(injectionProblems(html)).toEqual([]);
    expect(html).toContain('&lt;script&gt;document.title=&quot;pwned&quot;&lt;/script&gt;');
    expect(html).toContain('&lt;img src=&quot;http://127.0.0.1:9/x.png&quot; onerror=&quot;document.title=&#39;pwned&#39;&quot;&gt;');
    expect(html).toContain('a | b &lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;injected');
  });

  it('the check above catches the same data rendered without escaping (wrong data)', () => {
    const raw = new Eta({ views: TEMPLATES, autoEscape: false }).render('report', htmlView(hostileReport()));
    expect(injectionProblems(raw)).toEqual(['<script>', '<img>', 'an attribute that loads or runs something', 'a cell from the data']);
  });

  it('the template writes every value escaped: no raw output tag', () => {
    expect(readFileSync(join(TEMPLATES, 'report.eta'), 'utf8')).not.toContain('<%~');
  });

  it('is self-contained: a CSP that loads nothing and runs no script, inline CSS only', () => {
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline';/);
    expect(html).toMatch(/<style>[\s\S]+<\/style>/);
    expect(html).not.toMatch(/url\(/);
  });

  it('has the run identity, the cluster, every scenario with verdict, reason and rule, the known failures and the comparison', () => {
    for (const text of [
      'FAILED (exit 1)',
      'hostile1',
      'existing / generic / non-disruptive',
      'v1.34.4&lt;script&gt;',
      'kube-system/kube-multus-ds (1/1 ready)',
      'health/nad-crd',
      'negative/bad-mac',
      'NPWG §4.1.2.1.4',
      'in-pod/ipvlan [node=mc-node&lt;script&gt;',
      'node kernel lacks ipvlan',
      'known failure: upstream a | b',
      'Known failures (1)',
      'Known-failure entries',
      'fixed: the scenario passed (remove the entry)',
      'expired: its failures count again',
      'Compared with the baseline: 2 regression(s)',
      'pass→fail',
      'pass→known',
      'skip reason changed',
      'diagnostics:',
    ]) {
      expect(html).toContain(text);
    }
  });

  it('a run that never reached the cluster says so instead of an empty table', () => {
    const { target: _t, ...report } = hostileReport();
    expect(renderHtml(report)).toContain('Not recorded: the run stopped before it reached the cluster.');
  });
});
