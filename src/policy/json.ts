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
  const findings: Finding[] = [];
  const n = text.length;

  // One pass for line starts and disallowed characters.
  const starts = [0];
  const badOffsets = new Set<number>();
  const bad: { offset: number; message: string }[] = [];
  for (let k = 0; k < n; k++) {
    const c = text.charCodeAt(k);
    if (c === 0x0a) starts.push(k + 1);
    else if (c === 0x0d) {
      if (text.charCodeAt(k + 1) !== 0x0a) starts.push(k + 1);
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
  const lines = new Lines(starts);
  for (const b of bad) {
    findings.push({ code: 'Invalid character', severity: 'error', message: b.message, position: lines.at(b.offset), path: '' });
  }

  let i = 0;
  if (text.charCodeAt(0) === 0xfeff) i = 1; // BOM: already reported above; read on past it

  const fail = (message: string, offset: number): never => {
    throw new SyntaxFailure(message, offset);
  };

  const skipWs = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
  };

  const span = (from: number, to: number): Span => ({ start: lines.at(from), end: lines.at(to) });

  /** A short description of what stands at `at`, with a hint for common mistakes. */
  const unexpected = (at: number, expected: string): never => {
    if (at >= n) fail(`unexpected end of input: expected ${expected}`, at);
    const c = text[at]!;
    if (c === "'") fail(`JSON strings and keys use double quotes ("), not single quotes`, at);
    if (c === '/' && (text[at + 1] === '/' || text[at + 1] === '*')) fail('comments are not allowed in JSON', at);
    let end = at;
    while (end < n && end - at < 32 && /[A-Za-z0-9_$.+-]/.test(text[end]!)) end++;
    const word = end > at ? text.slice(at, end) : c;
    const lower = word.toLowerCase();
    if (word !== lower && (lower === 'true' || lower === 'false' || lower === 'null'))
      fail(`JSON literals are lowercase: write ${lower}, not ${word}`, at);
    if (word === 'NaN' || word === 'Infinity' || word === 'undefined') fail(`${word} is not a JSON value`, at);
    return fail(`unexpected ${JSON.stringify(word)}: expected ${expected}`, at);
  };

  const parseString = (): { value: string; start: number; end: number } => {
    const start = i;
    i++; // opening quote
    let value = '';
    let chunk = i;
    for (;;) {
      if (i >= n) fail('unterminated string: no closing " before the end of input', start);
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        value += text.slice(chunk, i);
        i++;
        return { value, start, end: i };
      }
      if (c === 0x5c) {
        value += text.slice(chunk, i);
        const esc = text[i + 1];
        if (esc === undefined) fail('unterminated string: no closing " before the end of input', start);
        switch (esc) {
          case '"':
            value += '"';
            break;
          case '\\':
            value += '\\';
            break;
          case '/':
            value += '/';
            break;
          case 'b':
            value += '\b';
            break;
          case 'f':
            value += '\f';
            break;
          case 'n':
            value += '\n';
            break;
          case 'r':
            value += '\r';
            break;
          case 't':
            value += '\t';
            break;
          case 'u': {
            const hex = text.slice(i + 2, i + 6);
            if (!/^[0-9A-Fa-f]{4}$/.test(hex)) fail('bad escape: \\u must be followed by four hex digits', i);
            value += String.fromCharCode(parseInt(hex, 16));
            i += 4;
            break;
          }
          default:
            fail(
              `bad escape "\\${esc}": JSON allows only \\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX`,
              i,
            );
        }
        i += 2;
        chunk = i;
        continue;
      }
      if (c === 0x0a || c === 0x0d) fail('unterminated string: no closing " before the end of the line', start);
      if (c < 0x20) {
        fail(
          `control character U+${c.toString(16).toUpperCase().padStart(4, '0')} in a string must be escaped${c === 9 ? ' (write \\t)' : ''}`,
          i,
        );
      }
      i++;
    }
  };

  const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

  const parseNumber = (): JsonNode => {
    const start = i;
    if (text.charCodeAt(i) === 0x2d) i++;
    if (!isDigit(text.charCodeAt(i))) unexpected(i, 'a digit after "-"');
    if (text.charCodeAt(i) === 0x30) {
      i++;
      if (isDigit(text.charCodeAt(i))) fail('numbers must not have leading zeros (write it as a string if it is an id)', start);
    } else {
      while (isDigit(text.charCodeAt(i))) i++;
    }
    if (text.charCodeAt(i) === 0x2e) {
      i++;
      if (!isDigit(text.charCodeAt(i))) unexpected(i, 'a digit after "."');
      while (isDigit(text.charCodeAt(i))) i++;
    }
    const e = text.charCodeAt(i);
    if (e === 0x65 || e === 0x45) {
      i++;
      const s = text.charCodeAt(i);
      if (s === 0x2b || s === 0x2d) i++;
      if (!isDigit(text.charCodeAt(i))) unexpected(i, 'a digit in the exponent');
      while (isDigit(text.charCodeAt(i))) i++;
    }
    const raw = text.slice(start, i);
    return { kind: 'number', value: Number(raw), raw, span: span(start, i) };
  };

  const parseValue = (depth: number): JsonNode => {
    skipWs();
    if (i >= n) unexpected(i, 'a value');
    const c = text.charCodeAt(i);
    if (c === 0x7b) return parseObject(depth + 1);
    if (c === 0x5b) return parseArray(depth + 1);
    if (c === 0x22) {
      const s = parseString();
      return { kind: 'string', value: s.value, span: span(s.start, s.end) };
    }
    if (c === 0x2d || isDigit(c)) return parseNumber();
    for (const [word, node] of LITERALS) {
      if (text.startsWith(word, i)) {
        const start = i;
        i += word.length;
        return { ...node, span: span(start, i) } as JsonNode;
      }
    }
    return unexpected(i, 'a value');
  };

  const tooDeep = (at: number): never =>
    fail(`nesting deeper than ${MAX_JSON_DEPTH} levels: no IAM policy needs this`, at);

  const parseObject = (depth: number): JsonNode => {
    const start = i;
    if (depth > MAX_JSON_DEPTH) tooDeep(start);
    i++;
    const entries: JsonEntry[] = [];
    skipWs();
    if (text.charCodeAt(i) === 0x7d) {
      i++;
      return { kind: 'object', entries, span: span(start, i) };
    }
    for (;;) {
      skipWs();
      if (text.charCodeAt(i) !== 0x22) unexpected(i, 'a double-quoted key');
      const key = parseString();
      skipWs();
      if (text.charCodeAt(i) !== 0x3a) unexpected(i, `":" after the key ${JSON.stringify(key.value)}`);
      i++;
      const value = parseValue(depth);
      entries.push({ key: key.value, keySpan: span(key.start, key.end), value });
      skipWs();
      const c = text.charCodeAt(i);
      if (c === 0x2c) {
        const comma = i;
        i++;
        skipWs();
        if (text.charCodeAt(i) === 0x7d) fail('trailing comma: remove the "," before "}"', comma);
        continue;
      }
      if (c === 0x7d) {
        i++;
        return { kind: 'object', entries, span: span(start, i) };
      }
      if (i >= n) {
        const p = lines.at(start);
        fail(`unexpected end of input: the object opened at ${p.line}:${p.column} is not closed with "}"`, i);
      }
      unexpected(i, '"," or "}" after an object member');
    }
  };

  const parseArray = (depth: number): JsonNode => {
    const start = i;
    if (depth > MAX_JSON_DEPTH) tooDeep(start);
    i++;
    const items: JsonNode[] = [];
    skipWs();
    if (text.charCodeAt(i) === 0x5d) {
      i++;
      return { kind: 'array', items, span: span(start, i) };
    }
    for (;;) {
      items.push(parseValue(depth));
      skipWs();
      const c = text.charCodeAt(i);
      if (c === 0x2c) {
        const comma = i;
        i++;
        skipWs();
        if (text.charCodeAt(i) === 0x5d) fail('trailing comma: remove the "," before "]"', comma);
        continue;
      }
      if (c === 0x5d) {
        i++;
        return { kind: 'array', items, span: span(start, i) };
      }
      if (i >= n) {
        const p = lines.at(start);
        fail(`unexpected end of input: the array opened at ${p.line}:${p.column} is not closed with "]"`, i);
      }
      unexpected(i, '"," or "]" after an array item');
    }
  };

  let node: JsonNode | undefined;
  try {
    skipWs();
    if (i >= n) fail('the document is empty: a policy is a JSON object', 0);
    node = parseValue(0);
    skipWs();
    if (i < n) fail('unexpected text after the end of the JSON document', i);
  } catch (e) {
    if (!(e instanceof SyntaxFailure)) throw e;
    node = undefined;
    // A disallowed character already has its own finding at the same place.
    if (!badOffsets.has(e.offset)) {
      findings.push({
        code: 'Json syntax error',
        severity: 'error',
        message: e.message,
        position: lines.at(e.offset),
        path: '',
      });
    }
  }
  findings.sort(byPosition);
  return node ? { node, findings } : { findings };
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
