// A strict RFC 8259 JSON reader that keeps a 1-based line/column span for every value and key,
// so validation findings can point at source. Written by hand because JSON.parse loses positions
// and silently keeps only the last of duplicate keys (which IAM's own reader may not do: the
// validator reports duplicates as a repeated element, spec §2.1).
//
// Conventions:
// - Columns count UTF-16 code units from 1; a line ends at LF, CRLF or a lone CR.
// - `span.end` is exclusive: the position just after the last character of the value.
// - Never throws on any input; the first syntax error stops the read (no error recovery).
// - Characters outside TAB, LF, CR, U+0020–U+00FF are reported ('Invalid character') wherever they
//   occur, strings included (spec §2.3, §8.1). The check is on the raw text, like the API's
//   PolicyDocument pattern, so a `\u2019` escape is not flagged.

import type { Finding, JsonEntry, JsonNode, Position, Span } from './model.ts';

/** Containers nested deeper than this are rejected (and never recursed into). */
export const MAX_JSON_DEPTH = 64;

/** At most this many 'Invalid character' findings are listed one by one. */
const MAX_CHAR_FINDINGS = 20;

export interface JsonResult {
  node?: JsonNode;
  findings: Finding[];
}

/** Thrown inside the reader only; caught in parseJson. */
class SyntaxFailure {
  constructor(
    readonly message: string,
    readonly offset: number,
  ) {}
}

/** True for a UTF-16 code unit IAM accepts in policy text. */
export function isAllowedPolicyChar(code: number): boolean {
  return code === 0x09 || code === 0x0a || code === 0x0d || (code >= 0x20 && code <= 0xff);
}

/** Describes a disallowed code point for a message. */
function describeChar(cp: number): string {
  const hex = 'U+' + cp.toString(16).toUpperCase().padStart(4, '0');
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return `control character ${hex}`;
  if (cp === 0xfeff) return `byte-order mark ${hex} (save the file as UTF-8 without BOM)`;
  if (cp >= 0xd800 && cp <= 0xdfff) return `unpaired surrogate ${hex}`;
  const ch = String.fromCodePoint(cp);
  const hint =
    cp === 0x2018 || cp === 0x2019 || cp === 0x201c || cp === 0x201d
      ? ' (a curly quote: use \' or ")'
      : cp === 0x2013 || cp === 0x2014
        ? ' (a dash: use -)'
        : '';
  return `character ${hex} "${ch}"${hint}`;
}

function invalidCharMessage(cp: number): string {
  return `${describeChar(cp)} is not allowed in an IAM policy: only TAB, LF, CR and U+0020–U+00FF are (spec §8.1)`;
}

/** Maps offsets to positions using the line-start table built in the character scan. */
class Lines {
  private hint = 0;
  constructor(private readonly starts: number[]) {}

  at(offset: number): Position {
    const s = this.starts;
    // Offsets are requested mostly in increasing order: try the last line first.
    let lo = this.hint;
    if (!(s[lo]! <= offset && (lo + 1 >= s.length || s[lo + 1]! > offset))) {
      lo = 0;
      let hi = s.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (s[mid]! <= offset) lo = mid;
        else hi = mid - 1;
      }
      this.hint = lo;
    }
    return { line: lo + 1, column: offset - s[lo]! + 1 };
  }
}

/**
 * Reads JSON text into a JsonNode with positions. Duplicate keys are kept, in order. Returns no
 * node when the text is not JSON; findings carry code 'Json syntax error' or 'Invalid character'.
 */
export function parseJson(text: string): JsonResult {
  const scan = scanCharacters(text);
  const lines = new Lines(scan.lineStarts);
  const findings: Finding[] = scan.bad.map((b) => ({
    code: 'Invalid character',
    severity: 'error',
    message: b.message,
    position: lines.at(b.offset),
    path: '',
  }));
  let node: JsonNode | undefined;
  try {
    node = new JsonReader(text, lines).document();
  } catch (e) {
    if (!(e instanceof SyntaxFailure)) throw e;
    // A disallowed character already has its own finding at the same place.
    if (!scan.badOffsets.has(e.offset)) {
      findings.push({ code: 'Json syntax error', severity: 'error', message: e.message, position: lines.at(e.offset), path: '' });
    }
  }
  findings.sort(byPosition);
  return node ? { node, findings } : { findings };
}

interface CharacterScan {
  lineStarts: number[];
  /** Offsets of disallowed characters (all of them: a syntax error there is not reported twice). */
  badOffsets: Set<number>;
  /** The first MAX_CHAR_FINDINGS of them with a message, then one "more follow". */
  bad: { offset: number; message: string }[];
}

/** One pass over the text for line starts and characters IAM does not accept. */
function scanCharacters(text: string): CharacterScan {
  const n = text.length;
  const lineStarts = [0];
  const badOffsets = new Set<number>();
  const bad: { offset: number; message: string }[] = [];
  for (let k = 0; k < n; k++) {
    const c = text.charCodeAt(k);
    if (c === 0x0a) lineStarts.push(k + 1);
    else if (c === 0x0d) {
      if (text.charCodeAt(k + 1) !== 0x0a) lineStarts.push(k + 1);
    } else if (!isAllowedPolicyChar(c)) {
      badOffsets.add(k);
      let cp = c;
      const at = k;
      if (c >= 0xd800 && c <= 0xdbff && k + 1 < n) {
        const d = text.charCodeAt(k + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          cp = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
          k++; // one finding per code point
        }
      }
      if (bad.length < MAX_CHAR_FINDINGS) bad.push({ offset: at, message: invalidCharMessage(cp) });
      else if (bad.length === MAX_CHAR_FINDINGS)
        bad.push({ offset: at, message: `more disallowed characters follow (only the first ${MAX_CHAR_FINDINGS} are listed)` });
    }
  }
  return { lineStarts, badOffsets, bad };
}

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/** Single-character escapes after a backslash, and what they stand for. */
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = Object.assign(Object.create(null), {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
});

/** The recursive-descent reader: one instance per document, `i` the read offset. */
class JsonReader {
  private i = 0;
  private readonly n: number;

  constructor(
    private readonly text: string,
    private readonly lines: Lines,
  ) {
    this.n = text.length;
    if (text.charCodeAt(0) === 0xfeff) this.i = 1; // BOM: already reported by the scan; read on past it
  }

  /** The whole text as one value; throws SyntaxFailure. */
  document(): JsonNode {
    this.skipWs();
    if (this.i >= this.n) this.fail('the document is empty: a policy is a JSON object', 0);
    const node = this.value(0);
    this.skipWs();
    if (this.i < this.n) this.fail('unexpected text after the end of the JSON document', this.i);
    return node;
  }

  private fail(message: string, offset: number): never {
    throw new SyntaxFailure(message, offset);
  }

  private skipWs(): void {
    const { text, n } = this;
    while (this.i < n) {
      const c = text.charCodeAt(this.i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.i++;
      else break;
    }
  }

  private span(from: number, to: number): Span {
    return { start: this.lines.at(from), end: this.lines.at(to) };
  }

  /** A short description of what stands at `at`, with a hint for common mistakes. */
  private unexpected(at: number, expected: string): never {
    const { text, n } = this;
    if (at >= n) this.fail(`unexpected end of input: expected ${expected}`, at);
    const c = text[at]!;
    if (c === "'") this.fail(`JSON strings and keys use double quotes ("), not single quotes`, at);
    if (c === '/' && (text[at + 1] === '/' || text[at + 1] === '*')) this.fail('comments are not allowed in JSON', at);
    let end = at;
    while (end < n && end - at < 32 && /[A-Za-z0-9_$.+-]/.test(text[end]!)) end++;
    const word = end > at ? text.slice(at, end) : c;
    const lower = word.toLowerCase();
    if (word !== lower && (lower === 'true' || lower === 'false' || lower === 'null'))
      this.fail(`JSON literals are lowercase: write ${lower}, not ${word}`, at);
    if (word === 'NaN' || word === 'Infinity' || word === 'undefined') this.fail(`${word} is not a JSON value`, at);
    return this.fail(`unexpected ${JSON.stringify(word)}: expected ${expected}`, at);
  }

  private value(depth: number): JsonNode {
    this.skipWs();
    const { text, i } = this;
    if (i >= this.n) this.unexpected(i, 'a value');
    const c = text.charCodeAt(i);
    if (c === 0x7b) return this.object(depth + 1);
    if (c === 0x5b) return this.array(depth + 1);
    if (c === 0x22) {
      const s = this.string();
      return { kind: 'string', value: s.value, span: this.span(s.start, s.end) };
    }
    if (c === 0x2d || isDigit(c)) return this.number();
    for (const [word, node] of LITERALS) {
      if (text.startsWith(word, i)) {
        this.i += word.length;
        return { ...node, span: this.span(i, this.i) } as JsonNode;
      }
    }
    return this.unexpected(i, 'a value');
  }

  private string(): { value: string; start: number; end: number } {
    const { text, n } = this;
    const start = this.i;
    this.i++; // opening quote
    let value = '';
    let chunk = this.i;
    for (;;) {
      const i = this.i;
      if (i >= n) this.fail('unterminated string: no closing " before the end of input', start);
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        this.i++;
        return { value: value + text.slice(chunk, i), start, end: this.i };
      }
      if (c === 0x5c) {
        value += text.slice(chunk, i) + this.escape(start);
        chunk = this.i;
        continue;
      }
      if (c === 0x0a || c === 0x0d) this.fail('unterminated string: no closing " before the end of the line', start);
      if (c < 0x20) {
        const hex = c.toString(16).toUpperCase().padStart(4, '0');
        this.fail(`control character U+${hex} in a string must be escaped${c === 9 ? ' (write \\t)' : ''}`, i);
      }
      this.i++;
    }
  }

  /** The escape at the backslash under `i` (inside the string opened at `start`); moves past it. */
  private escape(start: number): string {
    const { text, i } = this;
    const esc = text[i + 1];
    if (esc === undefined) this.fail('unterminated string: no closing " before the end of input', start);
    const simple = SIMPLE_ESCAPES[esc];
    if (simple !== undefined) {
      this.i += 2;
      return simple;
    }
    if (esc === 'u') {
      const hex = text.slice(i + 2, i + 6);
      if (!/^[0-9A-Fa-f]{4}$/.test(hex)) this.fail('bad escape: \\u must be followed by four hex digits', i);
      this.i += 6;
      return String.fromCharCode(parseInt(hex, 16));
    }
    return this.fail(`bad escape "\\${esc}": JSON allows only \\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX`, i);
  }

  private digits(): void {
    while (isDigit(this.text.charCodeAt(this.i))) this.i++;
  }

  private number(): JsonNode {
    const { text } = this;
    const start = this.i;
    if (text.charCodeAt(this.i) === 0x2d) this.i++;
    if (!isDigit(text.charCodeAt(this.i))) this.unexpected(this.i, 'a digit after "-"');
    if (text.charCodeAt(this.i) === 0x30) {
      this.i++;
      if (isDigit(text.charCodeAt(this.i)))
        this.fail('numbers must not have leading zeros (write it as a string if it is an id)', start);
    } else this.digits();
    if (text.charCodeAt(this.i) === 0x2e) {
      this.i++;
      if (!isDigit(text.charCodeAt(this.i))) this.unexpected(this.i, 'a digit after "."');
      this.digits();
    }
    const e = text.charCodeAt(this.i);
    if (e === 0x65 || e === 0x45) {
      this.i++;
      const s = text.charCodeAt(this.i);
      if (s === 0x2b || s === 0x2d) this.i++;
      if (!isDigit(text.charCodeAt(this.i))) this.unexpected(this.i, 'a digit in the exponent');
      this.digits();
    }
    const raw = text.slice(start, this.i);
    return { kind: 'number', value: Number(raw), raw, span: this.span(start, this.i) };
  }

  private tooDeep(at: number): never {
    return this.fail(`nesting deeper than ${MAX_JSON_DEPTH} levels: no IAM policy needs this`, at);
  }

  /**
   * After an item of the container opened at `start`: true when a "," leads to another item,
   * false when `close` ends the container (consumed either way).
   */
  private more(start: number, close: '}' | ']', what: string): boolean {
    this.skipWs();
    const c = this.text[this.i];
    if (c === ',') {
      const comma = this.i;
      this.i++;
      this.skipWs();
      if (this.text[this.i] === close) this.fail(`trailing comma: remove the "," before "${close}"`, comma);
      return true;
    }
    if (c === close) {
      this.i++;
      return false;
    }
    if (this.i >= this.n) {
      const p = this.lines.at(start);
      const kind = close === '}' ? 'object' : 'array';
      this.fail(`unexpected end of input: the ${kind} opened at ${p.line}:${p.column} is not closed with "${close}"`, this.i);
    }
    return this.unexpected(this.i, `"," or "${close}" after ${what}`);
  }

  /** Past the opening bracket and any space; true (and past `close`) for an empty container. */
  private open(depth: number, close: '}' | ']'): boolean {
    if (depth > MAX_JSON_DEPTH) this.tooDeep(this.i);
    this.i++;
    this.skipWs();
    if (this.text[this.i] !== close) return false;
    this.i++;
    return true;
  }

  private object(depth: number): JsonNode {
    const start = this.i;
    const entries: JsonEntry[] = [];
    if (!this.open(depth, '}')) {
      do {
        this.skipWs();
        if (this.text.charCodeAt(this.i) !== 0x22) this.unexpected(this.i, 'a double-quoted key');
        const key = this.string();
        this.skipWs();
        if (this.text.charCodeAt(this.i) !== 0x3a) this.unexpected(this.i, `":" after the key ${JSON.stringify(key.value)}`);
        this.i++;
        const value = this.value(depth);
        entries.push({ key: key.value, keySpan: this.span(key.start, key.end), value });
      } while (this.more(start, '}', 'an object member'));
    }
    return { kind: 'object', entries, span: this.span(start, this.i) };
  }

  private array(depth: number): JsonNode {
    const start = this.i;
    const items: JsonNode[] = [];
    if (!this.open(depth, ']')) {
      do items.push(this.value(depth));
      while (this.more(start, ']', 'an array item'));
    }
    return { kind: 'array', items, span: this.span(start, this.i) };
  }
}

const LITERALS: [string, { kind: 'boolean'; value: boolean } | { kind: 'null' }][] = [
  ['true', { kind: 'boolean', value: true }],
  ['false', { kind: 'boolean', value: false }],
  ['null', { kind: 'null' }],
];

/** Orders findings by position (stable for equal positions). */
export function byPosition(a: Finding, b: Finding): number {
  return a.position.line - b.position.line || a.position.column - b.position.column;
}

/**
 * For a JsonNode that did not come from parseJson (e.g. a YAML inline policy): reports strings
 * and keys holding characters IAM does not accept, at the start of the string (spec §8.1).
 */
export function checkNodeCharacters(root: JsonNode): Finding[] {
  const findings: Finding[] = [];
  const check = (s: string, at: Position, path: string): void => {
    for (let k = 0; k < s.length; k++) {
      const c = s.charCodeAt(k);
      if (!isAllowedPolicyChar(c)) {
        if (findings.length < MAX_CHAR_FINDINGS) {
          findings.push({
            code: 'Invalid character',
            severity: 'error',
            message: invalidCharMessage(s.codePointAt(k)!),
            position: at,
            path,
          });
        }
        return; // one finding per string is enough
      }
    }
  };
  // Iterative walk: the node may be arbitrarily deep.
  const stack: [JsonNode, string][] = [[root, '']];
  while (stack.length > 0) {
    const [node, path] = stack.pop()!;
    if (node.kind === 'string') check(node.value, node.span.start, path);
    else if (node.kind === 'array') node.items.forEach((item, k) => stack.push([item, `${path}/${k}`]));
    else if (node.kind === 'object') {
      for (const e of node.entries) {
        const p = `${path}/${escapePointer(e.key)}`;
        check(e.key, e.keySpan.start, p);
        stack.push([e.value, p]);
      }
    }
  }
  return findings.sort(byPosition);
}

/** RFC 6901 escaping of one JSON-pointer segment. */
export function escapePointer(key: string): string {
  return key.includes('~') || key.includes('/') ? key.replace(/~/g, '~0').replace(/\//g, '~1') : key;
}

/** A number as JSON writes it (RFC 8259 §6). */
export const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * A JsonNode as JSON text, numbers exactly as written (`raw`: 9007199254740993 and 1e3 stay so,
 * where JSON.stringify of the parsed value would print 9007199254740992 and 1000), keys in their
 * order. `indent` 2 gives JSON.stringify(…, null, 2)'s layout; none, compact text.
 */
export function jsonText(node: JsonNode, indent = 0): string {
  const write = (n: JsonNode, pad: string): string => {
    switch (n.kind) {
      case 'object': {
        if (n.entries.length === 0) return '{}';
        const inner = pad + ' '.repeat(indent);
        const sep = indent ? ': ' : ':';
        const items = n.entries.map((e) => `${indent ? '\n' + inner : ''}${JSON.stringify(e.key)}${sep}${write(e.value, inner)}`);
        return `{${items.join(',')}${indent ? '\n' + pad : ''}}`;
      }
      case 'array': {
        if (n.items.length === 0) return '[]';
        const inner = pad + ' '.repeat(indent);
        const items = n.items.map((item) => `${indent ? '\n' + inner : ''}${write(item, inner)}`);
        return `[${items.join(',')}${indent ? '\n' + pad : ''}]`;
      }
      case 'string':
        return JSON.stringify(n.value);
      case 'number':
        return n.raw;
      case 'boolean':
        return n.value ? 'true' : 'false';
      case 'null':
        return 'null';
    }
  };
  return write(node, '');
}

/** JSON text without insignificant whitespace, every token as written (what is deployed). */
export function compactJson(text: string): string {
  const { node } = parseJson(text);
  if (!node) throw new Error('compactJson: the text is not JSON');
  return jsonText(node);
}

/** JSON with object keys sorted and undefined members dropped: one text per value (for hashing and comparing documents). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}
