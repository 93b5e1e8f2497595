import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { comparisonMarkdown, mdText, renderMarkdown } from '../../helpers/report/markdown.ts';
import { HOSTILE, hostileReport } from './hostile-report.ts';

// A CommonMark + GFM-tables renderer with raw HTML allowed: stricter than
// GitHub's job summary (which sanitizes), so escaping that holds here holds there.
const md = new MarkdownIt({ html: true, linkify: false });

/**
 * What must never appear in a report's Markdown, rendered or not: markup that
 * came from the data (the hostile fragments rendered as tags), a heading
 * from the data, a table row with more or fewer cells than its header.
 */
function markupProblems(source: string, ourHeadings: number): string[] {
  const html = md.render(source);
  const problems: string[] = [];
  const fromData: Array<[string, RegExp]> = [
    ['<script>', /<script[\s>]/],
    ['<img>', /<img[\s>]/],
    ['<a>', /<a[\s>]/],
    ['<strong> from the data', /<strong>bold<\/strong>/],
    ['<code> from the data', /<code>code<\/code>/],
    ['<s> from the data', /<(s|del)>gone<\/(s|del)>/],
    ['cells from the data', /<td>injected/],
  ];
  for (const [what, re] of fromData) if (re.test(html)) problems.push(what);
  const headings = (html.match(/<h[1-6]>/g) ?? []).length;
  if (headings !== ourHeadings) problems.push(`${headings} headings, expected ${ourHeadings}`);
  if (/<h\d>\s*injected heading/.test(html)) problems.push('a heading from the data');
  // A renderer drops extra cells silently: count the unescaped pipes in the source.
  const pipes = (line: string): number => (line.match(/(?<!\\)\|/g) ?? []).length;
  let header: number | undefined;
  for (const line of source.split('\n')) {
    if (!line.startsWith('|')) {
      header = undefined;
      continue;
    }
    header ??= pipes(line);
    if (pipes(line) !== header) problems.push(`a table row with ${pipes(line) - 1} cells under a header of ${header - 1}: ${line.slice(0, 60)}`);
  }
  return problems;
}

describe('mdText', () => {
  it('keeps text as text: markup characters escaped, one line', () => {
    expect(mdText('a | b *c* <d> [e](f) `g` \\ & ~h~ #i !j')).toBe('a \\| b \\*c\\* \\<d\\> \\[e\\]\\(f\\) \\`g\\` \\\\ \\& \\~h\\~ \\#i \\!j');
    expect(mdText('one\n## two\r\n three')).toBe('one \\#\\# two three');
    expect(md.renderInline(mdText(HOSTILE.script))).toBe('&lt;script&gt;document.title=&quot;pwned&quot;&lt;/script&gt;');
  });

  it('clips long text', () => {
    expect(mdText('x'.repeat(500), 10)).toBe(`${'x'.repeat(9)}…`);
  });
});

describe('the Markdown summary', () => {
  const text = renderMarkdown(hostileReport());
  const html = md.render(text);

  it('renders every hostile text as text: no markup, no link, no image, no table broken, no heading added', () => {
    // h2 title, h3: run problems, failed, known, fixed, expired, comparison, skipped
    expect(markupProblems(text, 8)).toEqual([]);
    expect(html).toContain('&lt;script&gt;document.title=&quot;pwned&quot;&lt;/script&gt;');
    expect(html).toContain('&lt;img src=&quot;http://127.0.0.1:9/x.png&quot;');
    expect(html).toContain('**bold** [click](http://127.0.0.1:9/phish)');
  });

  it('the check above catches markup when the text is not escaped (wrong data)', () => {
    const naive = `## t\n\n| scenario | failure |\n| --- | --- |\n| a | ${HOSTILE.cell} |\n\n${HOSTILE.markdown} ${HOSTILE.script} ${HOSTILE.image}\n\n${HOSTILE.heading}\n`;
    expect(markupProblems(naive, 1)).toEqual([
      '<script>',
      '<img>',
      '<a>',
      '<strong> from the data',
      '<code> from the data',
      '<s> from the data',
      '2 headings, expected 1',
      'a heading from the data',
      'a table row with 3 cells under a header of 2: | a | a | b </td></tr><tr><td>injected |',
    ]);
  });

  it('says the verdict, the run, the cluster, and has one section per kind of outcome', () => {
    expect(text.split('\n')[0]).toBe('## multus-conformance: ❌ failed (exit 1)');
    for (const heading of ['### Run problems', '### Failed (1)', '### Known failures (1,', '### Known-failure entries that no longer fail', '### Expired known-failure entries', '### Compared with', '### Skipped (1)']) {
      expect(text).toContain(heading);
    }
    expect(text).toContain('Multus thin multus:v4.2.3');
    // Known failures are a section of their own, never among the skips or the failures.
    const skippedSection = text.slice(text.indexOf('### Skipped'));
    expect(skippedSection.split('<details>')[0]).not.toContain('long-ifname');
    const failedSection = text.slice(text.indexOf('### Failed'), text.indexOf('### Known failures'));
    expect(failedSection).not.toContain('long-ifname');
  });

  it('a clean run says passed and has no failure sections', () => {
    const clean = renderMarkdown({ ...hostileReport(), run: { ...hostileReport().run, exitCode: 0 }, problems: [], scenarios: [], knownFailures: undefined as never, comparison: undefined as never });
    expect(clean.split('\n')[0]).toBe('## multus-conformance: ✅ passed');
    expect(clean).not.toContain('### Failed');
  });

  it('the comparison lists regressions first and counts the unchanged', () => {
    const lines = comparisonMarkdown(hostileReport().comparison!);
    expect(lines[0]).toMatch(/^### Compared with .*: 2 regression\(s\)$/);
    const rows = lines.filter((l) => l.startsWith('| ') && !l.startsWith('| change') && !l.startsWith('| ---') && !l.startsWith('| what'));
    expect(rows[0]).toMatch(/^\| \*\*pass→fail\*\* \(regression\) \| negative\/bad-mac \|/);
    expect(rows[1]).toMatch(/^\| \*\*pass→known\*\* \(regression\) \| negative\/long-ifname \|/);
    expect(lines.at(-1)).toBe('1 case(s) unchanged.');
  });
});
