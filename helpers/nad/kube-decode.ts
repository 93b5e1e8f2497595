import { isCollection, isScalar, Parser, parseAllDocuments, visit, type DocumentOptions, type ParseOptions, type SchemaOptions } from 'yaml';

/**
 * Reads a manifest file the way `kubectl apply/create -f` does, so `validate`
 * accepts exactly the files kubectl accepts. kubectl's path
 * (k8s.io/apimachinery pkg/util/yaml, sigs.k8s.io/yaml, go-yaml v2):
 *
 * - a UTF-8 byte order mark is dropped;
 * - a file whose first non-space character is `{` is read as a stream of JSON
 *   values; when that fails after at most one value, the rest is read as YAML;
 * - YAML is split into documents at lines that start with `---` (anything
 *   after it other than a comment is an error), lines end in `\n` (CRLF is
 *   read as LF), and each document is parsed on its own by go-yaml v2:
 *   YAML 1.1 scalars (`yes`/`no`/`on`/`off` are booleans, `0777` is octal;
 *   timestamps stay strings), merge keys, duplicate keys allowed (the last
 *   one wins), and a quoted scalar whose continuation lines are indented less
 *   than its key, a layout common in hand-written NADs that the `yaml`
 *   package rejects;
 * - map keys become strings; a null or collection key is an error.
 *
 * The differential test (test/unit/nad-kube-decode.test.ts) holds this to the
 * verdicts of kubectl itself on test/payloads/nad/variants/.
 */
export interface DecodedDocument {
  /** Position in the file, counting every document kubectl reads (empty ones too). */
  index: number;
  /** 1-based line where the document starts. */
  line: number;
  /** The document as JSON would carry it; null for an empty document (kubectl skips those). */
  value: unknown;
}

export interface DecodeProblem {
  index: number;
  /** 1-based line in the file, when known. */
  line?: number;
  message: string;
}

export interface Decoded {
  documents: DecodedDocument[];
  /** Syntax errors: kubectl stops at the first one; later YAML documents are still read here to report them all. */
  errors: DecodeProblem[];
  /** Legal but suspicious: duplicate keys (kubectl keeps the last value). */
  warnings: DecodeProblem[];
}

// go-yaml accepts `|#comment` and `'value'#comment`; the yaml package's strict
// mode rejects them. strict stays on otherwise: without it, the package also
// drops checks go-yaml makes (implicit keys over 1024 characters).
const COMMENT_SPACING = /^Comments must be separated from other tokens by white space/;

const YAML_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  uniqueKeys: false,
  merge: true,
  // go-yaml v2 returns timestamp-like and sexagesimal plain scalars as strings
  // when decoding into interface{} (a MAC 00:11:22:33:44:55 is not a number).
  customTags: (tags) => tags.filter((t) => !(typeof t === 'object' && (t.format === 'TIME' || t.tag === 'tag:yaml.org,2002:timestamp'))),
};

export function decodeManifests(input: string): Decoded {
  const text = input.startsWith('\uFEFF') ? input.slice(1) : input;
  const out: Decoded = { documents: [], errors: [], warnings: [] };
  let yamlFrom = 0;
  if (/^\s*\{/.test(text)) {
    const json = decodeJsonStream(text, out);
    if (json.done) return out;
    yamlFrom = json.resumeAt;
  }
  decodeYamlStream(text, yamlFrom, out);
  return out;
}

// ---------------------------------------------------------------- JSON stream

/**
 * Go's json.Decoder over the whole file. kubectl keeps the JSON reading when
 * it decoded two or more values before an error; otherwise it starts over in
 * YAML after the values it decoded (a single object followed by YAML works).
 */
function decodeJsonStream(text: string, out: Decoded): { done: true } | { done: false; resumeAt: number } {
  let pos = 0;
  let count = 0;
  for (;;) {
    const start = skipJsonSpace(text, pos);
    if (start >= text.length) return { done: true };
    const end = jsonValueEnd(text, start);
    let value: unknown;
    let problem: string | undefined;
    if (end < 0) problem = 'unexpected end of JSON input';
    else {
      try {
        value = JSON.parse(text.slice(start, end));
      } catch (e) {
        problem = e instanceof Error ? e.message : String(e);
      }
    }
    if (problem === undefined && end >= 0) {
      out.documents.push({ index: out.documents.length, line: lineAt(text, start), value });
      count++;
      pos = end;
      continue;
    }
    if (count > 1) {
      out.errors.push({ index: out.documents.length, line: lineAt(text, start), message: `not valid JSON: ${problem ?? 'syntax error'}` });
      return { done: true };
    }
    return { done: false, resumeAt: afterFirstNewline(text, pos) };
  }
}

function skipJsonSpace(text: string, from: number): number {
  let i = from;
  while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++;
  return i;
}

/** End (exclusive) of the JSON value starting at `start`, found by bracket and string matching; -1 when unterminated. */
function jsonValueEnd(text: string, start: number): number {
  const first = text[start];
  if (first === '"') return stringEnd(text, start);
  if (first !== '{' && first !== '[') {
    let i = start;
    while (i < text.length && !' \t\r\n{}[],:"'.includes(text[i]!)) i++;
    return i === start ? start + 1 : i;
  }
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      const e = stringEnd(text, i);
      if (e < 0) return -1;
      i = e - 1;
    } else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i + 1;
  }
  return -1;
}

/** kubectl eats the whitespace after the last JSON value up to and including the first newline. */
function afterFirstNewline(text: string, from: number): number {
  let i = from;
  while (i < text.length && /\s/.test(text[i]!)) {
    if (text[i] === '\n') return i + 1;
    i++;
  }
  return i;
}

// ---------------------------------------------------------------- YAML stream

function decodeYamlStream(text: string, from: number, out: Decoded): void {
  const lines = text.slice(from).split(/(?<=\n)/);
  let firstLine = lineAt(text, from);
  let chunk: string[] = [];
  let chunkLine = firstLine;
  const flush = (): void => {
    if (chunk.length > 0) decodeYamlDocument(chunk.join(''), chunkLine, out);
    chunk = [];
  };
  for (const raw of lines) {
    const line = raw.endsWith('\r\n') ? `${raw.slice(0, -2)}\n` : raw;
    if (line.startsWith('---')) {
      const rest = line.slice(3).trim();
      if (rest !== '' && !rest.startsWith('#')) {
        flush();
        out.errors.push({ index: out.documents.length, line: firstLine, message: `invalid document separator "---" followed by ${JSON.stringify(rest)} (only a comment may follow it)` });
        return;
      }
      flush();
      chunkLine = firstLine + 1;
    } else {
      if (chunk.length === 0) chunkLine = firstLine;
      chunk.push(line);
    }
    firstLine++;
  }
  flush();
}

function decodeYamlDocument(source: string, line: number, out: Decoded): void {
  const index = out.documents.length;
  const text = reindentQuotedScalars(source);
  // kubectl has already cut the file at every `---` line, so a %YAML or %TAG
  // directive never has the document start go-yaml requires after it.
  const directive = [...new Parser().parse(text)].find((t) => t.type === 'directive');
  if (directive) {
    out.errors.push({ index, line: line + countLines(text, directive.offset), message: `not valid for kubectl: directive ${JSON.stringify(directive.source.trim())}: kubectl splits documents at "---" lines, so a directive is never followed by the document start it needs` });
    out.documents.push({ index, line, value: undefined });
    return;
  }
  // go-yaml reads the first document of each piece; a `...` end marker may follow it.
  const doc = parseAllDocuments(text, YAML_OPTIONS)[0];
  if (!doc) {
    out.documents.push({ index, line, value: null });
    return;
  }
  const error = doc.errors.find((e) => !(e.code === 'MISSING_CHAR' && COMMENT_SPACING.test(e.message)));
  if (error) {
    const at = error.linePos?.[0]?.line;
    out.errors.push({ index, line: at === undefined ? line : line + at - 1, message: `not valid YAML: ${error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}` });
    out.documents.push({ index, line, value: undefined });
    return;
  }
  let keyProblem: DecodeProblem | undefined;
  visit(doc, {
    Map(_key, map) {
      if (map.flow) {
        const spanning = map.items.find((p) => isScalar(p.key) && implicitKeySpansLines(text, p.key.range));
        if (spanning) {
          const at = (spanning.key as { range?: [number, number, number] }).range;
          keyProblem ??= { index, line: at ? line + countLines(text, at[0]) : line, message: 'not valid YAML: a key in a flow map must end on the line where it starts (go-yaml: did not find expected "," or "}")' };
        }
      }
      const seen = new Set<string>();
      for (const pair of map.items) {
        const k = pair.key;
        const at = (node: unknown): number | undefined => {
          const range = (node as { range?: [number, number, number] } | null)?.range;
          return range ? line + countLines(text, range[0]) : undefined;
        };
        if (k === null || (isScalar(k) && k.value === null)) {
          keyProblem ??= { index, line: at(k ?? pair.value) ?? line, message: 'not valid for kubectl: a map key is null (JSON keys are strings)' };
        } else if (isCollection(k)) {
          keyProblem ??= { index, line: at(k) ?? line, message: 'not valid for kubectl: a map key is a list or map (JSON keys are strings)' };
        } else if (isScalar(k)) {
          const name = String(k.value);
          if (seen.has(name)) out.warnings.push({ index, line: at(k) ?? line, message: `duplicate key "${name}": kubectl keeps the last value` });
          seen.add(name);
        }
      }
    },
  });
  if (keyProblem) {
    out.errors.push(keyProblem);
    out.documents.push({ index, line, value: undefined });
    return;
  }
  try {
    out.documents.push({ index, line, value: doc.toJS({ maxAliasCount: 1000 }) as unknown });
  } catch (e) {
    // An alias to an anchor that does not exist surfaces only here.
    out.errors.push({ index, line, message: `not valid YAML: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}` });
    out.documents.push({ index, line, value: undefined });
  }
}

/** Whether a line break comes between the start of a flow map key and its `:` (libyaml's simple keys are single-line). */
function implicitKeySpansLines(text: string, range: [number, number, number] | null | undefined): boolean {
  if (!range) return false;
  if (text.slice(range[0], range[1]).includes('\n')) return true;
  for (let i = range[1]; i < text.length; i++) {
    const c = text[i];
    if (c === ':') return false;
    if (c === '\n') return true;
    if (c === '#') return true;
    if (c !== ' ' && c !== '\t' && c !== '\r') return false;
  }
  return false;
}

/**
 * go-yaml (like libyaml) does not require a quoted scalar's continuation
 * lines to be indented more than its key; the `yaml` package does. Leading
 * spaces of continuation lines are folded away in a quoted scalar, so
 * indenting them changes nothing but the verdict. Done only for scalars
 * whose closing quote exists and that cross no document marker line (both
 * errors for go-yaml too).
 */
function reindentQuotedScalars(source: string): string {
  let text = source;
  // Each pass repairs one scalar; bounded by the number of quote characters.
  for (let pass = 0; pass < 1000; pass++) {
    const broken = firstUnterminatedQuotedScalar(text);
    if (!broken) return text;
    const close = closingQuote(text, broken.offset);
    if (close < 0) return text;
    const body = text.slice(broken.offset, close);
    if (/\n(?:---|\.\.\.)(?:\s|$)/.test(body)) return text;
    const pad = ' '.repeat(broken.indent + 1);
    const fixed = body.replace(/\n/g, `\n${pad}`);
    if (fixed === body) return text;
    text = text.slice(0, broken.offset) + fixed + text.slice(close);
  }
  return text;
}

interface QuotedToken {
  type: string;
  offset: number;
  indent: number;
  source: string;
}

function firstUnterminatedQuotedScalar(text: string): QuotedToken | undefined {
  let found: QuotedToken | undefined;
  const walk = (node: unknown): void => {
    if (found || typeof node !== 'object' || node === null) return;
    if (Array.isArray(node)) {
      for (const n of node) walk(n);
      return;
    }
    const t = node as Partial<QuotedToken>;
    if ((t.type === 'single-quoted-scalar' || t.type === 'double-quoted-scalar') && typeof t.source === 'string' && typeof t.offset === 'number') {
      const q = t.type === 'single-quoted-scalar' ? "'" : '"';
      if (t.source.length < 2 || !t.source.endsWith(q) || closingQuote(text, t.offset) !== t.offset + t.source.length) {
        found = { type: t.type, offset: t.offset, indent: t.indent ?? 0, source: t.source };
        return;
      }
    }
    for (const v of Object.values(node)) walk(v);
  };
  for (const token of new Parser().parse(text)) walk(token);
  return found;
}

/** Offset just after the quote that closes the quoted scalar opening at `start`; -1 when there is none. */
function closingQuote(text: string, start: number): number {
  const q = text[start];
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (q === '"' && c === '\\') i++;
    else if (c === q) {
      if (q === "'" && text[i + 1] === "'") i++;
      else return i + 1;
    }
  }
  return -1;
}

function lineAt(text: string, offset: number): number {
  return countLines(text, offset) + 1;
}

function countLines(text: string, offset: number): number {
  let n = 0;
  for (let i = 0; i < offset && i < text.length; i++) if (text[i] === '\n') n++;
  return n;
}

