// YAML text → plain JSON values, with the position of every value and key kept on the side, so
// inline policies become positioned JsonNodes (src/policy/model.ts) and every loader error can
// point at file:line:column.
//
// Two readers fill the same YamlDoc:
// - `parseYamlFast`: a hand-written reader for the plain subset suites are written in (block
//   mappings and sequences, single-line plain and quoted scalars, single-line flow collections,
//   comments, anchors and aliases of values, tabs in comments, quoted text and before the end of
//   a line). It is ~20× faster than the `yaml` package and returns undefined the moment it sees
//   anything outside that subset or anything doubtful: tags, block scalars, multi-line scalars,
//   document markers, directives, other tabs, merge keys, duplicate keys, syntax errors.
// - `parseYamlFull`: the `yaml` package (YAML 1.2, core schema), used whenever the fast reader
//   declines. It reports syntax errors, duplicate keys and multi-document streams with positions.
// `parseYaml` tries the first and falls back to the second. Both resolve plain scalars with the
// YAML 1.2 core schema as the `yaml` package does (the tests compare the two readers).
//
// Why not one JsonNode tree: a 100,000-case suite (~20 MB) has millions of values, and a node
// object plus span objects per value costs seconds of garbage collection. Here the values are the
// plain JSON the schema checks anyway, and positions are five integers per value in one typed
// array; JsonNodes are built only for the subtrees that need them (inline policies), and spans
// only for the places an error points at.
//
// Conventions (those of src/policy/json.ts): lines and columns are 1-based, columns count UTF-16
// code units, `span.end` is exclusive. Mapping keys are strings: a plain key keeps its source text
// (`123: x` has key "123", `1.0: x` key "1.0"), a quoted key its value.

import { parseAllDocuments, isAlias, isMap, isScalar, isSeq, type Alias, type Document, type Scalar, type YAMLMap } from 'yaml';
import type { JsonEntry, JsonNode, Position, Span } from '../policy/model.ts';

export interface YamlProblem {
  message: string;
  line: number;
  column: number;
}

export interface YamlResult {
  /** The document; absent when there are errors. An empty document is `null` (at 1:1). */
  doc?: YamlDoc;
  errors: YamlProblem[];
}

/** A step into a YAML value: an object key or an array index. */
export type PathSegment = string | number;

/** Nesting deeper than this is rejected (suites are shallow; this bounds recursion). */
export const MAX_YAML_DEPTH = 100;

/** Reads one YAML document; never throws. */
export function parseYaml(text: string): YamlResult {
  const doc = parseYamlFast(text);
  if (doc) return { doc, errors: [] };
  return parseYamlFull(text);
}

// ---------------------------------------------------------------------------------------------
// The document: plain values plus a position index.

/** Fields of one record (one per value, in document order). */
const START = 0; // offset of the value's first character
const END = 1; // offset just after the value
const KEY_START = 2; // offset of the key (object entries), else -1
const KEY_END = 3;
const SIZE = 4; // records in the subtree, this one included
const STRIDE = 5;

/** Records written in document order (pre-order), five int32 each. */
class Records {
  rec: Int32Array;
  count = 0;
  /** Objects (by record) whose key order differs from Object.keys order (integer-like keys). */
  readonly keyOrder = new Map<number, string[]>();

  /** Line start offsets, when the reader recorded them (else computed from the text on demand). */
  lines: Int32Array | undefined;
  lineCount = 0;

  constructor(capacity: number) {
    this.rec = new Int32Array(Math.max(64, capacity) * STRIDE);
  }

  addLine(start: number): void {
    let lines = this.lines!;
    if (this.lineCount === lines.length) {
      const bigger = new Int32Array(lines.length * 2);
      bigger.set(lines);
      this.lines = lines = bigger;
    }
    lines[this.lineCount++] = start;
  }

  open(start: number): number {
    if ((this.count + 1) * STRIDE > this.rec.length) {
      const bigger = new Int32Array(this.rec.length * 2);
      bigger.set(this.rec);
      this.rec = bigger;
    }
    const r = this.count++;
    const b = r * STRIDE;
    this.rec[b + START] = start;
    this.rec[b + END] = start;
    this.rec[b + KEY_START] = -1;
    this.rec[b + KEY_END] = -1;
    this.rec[b + SIZE] = 1;
    return r;
  }

  /** END of the record closed last. */
  lastEnd = 0;

  close(r: number, end: number): void {
    this.lastEnd = end;
    this.rec[r * STRIDE + END] = end;
    this.rec[r * STRIDE + SIZE] = this.count - r;
  }

  setKey(r: number, start: number, end: number): void {
    this.rec[r * STRIDE + KEY_START] = start;
    this.rec[r * STRIDE + KEY_END] = end;
  }

  /** Values written by aliases so far (MAX_ALIAS_VALUES bounds it). */
  private aliased = 0;

  /**
   * An alias: copies the records of the anchored value at record `target` (positions stay those of
   * the anchored text, where an error in the value is) under the alias's key, if any. Returns
   * false, copying nothing, when the document's aliases would then stand for more than
   * MAX_ALIAS_VALUES values: the bound on what a small file can expand to (an "alias bomb").
   */
  alias(target: number, keyStart: number, keyEnd: number): boolean {
    const size = this.rec[target * STRIDE + SIZE]!;
    if (this.aliased + size > MAX_ALIAS_VALUES) return false;
    this.aliased += size;
    const at = this.count;
    while ((this.count + size) * STRIDE > this.rec.length) {
      const bigger = new Int32Array(this.rec.length * 2);
      bigger.set(this.rec);
      this.rec = bigger;
    }
    this.rec.copyWithin(at * STRIDE, target * STRIDE, (target + size) * STRIDE);
    this.count += size;
    this.rec[at * STRIDE + KEY_START] = keyStart;
    this.rec[at * STRIDE + KEY_END] = keyEnd;
    this.lastEnd = this.rec[at * STRIDE + END]!;
    if (this.keyOrder.size > 0) {
      for (let k = 0; k < size; k++) {
        const order = this.keyOrder.get(target + k);
        if (order) this.keyOrder.set(at + k, order);
      }
    }
    return true;
  }
}

/**
 * At most this many values may come from aliases in one document: a 100,000-case suite whose cases
 * all name a shared context by alias needs a few hundred thousand; a few kilobytes of nested
 * aliases could otherwise stand for billions.
 */
export const MAX_ALIAS_VALUES = 1_000_000;

/** The message when a document's aliases expand past MAX_ALIAS_VALUES. */
const ALIAS_BOUND = `YAML aliases here expand to more than ${MAX_ALIAS_VALUES.toLocaleString('en-US')} values: write the values out, or alias smaller ones`;

const INDEX_KEY = /^(?:0|[1-9][0-9]{0,9})$/;

/** True for keys JavaScript orders before the others in Object.keys (array-index-like). */
function isIndexKey(key: string): boolean {
  return INDEX_KEY.test(key) && Number(key) < 4294967295;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Sets `obj[key]` as an own data property (also for `__proto__`). */
function put(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

/** A parsed YAML document: its plain JSON value and where each part of it is. */
export class YamlDoc {
  private lines: ArrayLike<number> | undefined;
  private lineCount = 0;
  /** Line of the last position asked for: positions are mostly asked for in increasing order. */
  private hint = 0;
  private readonly childTables = new Map<number, Int32Array>();

  constructor(
    /** The document as plain JSON values (objects, arrays, strings, numbers, booleans, null). */
    readonly value: unknown,
    private readonly text: string,
    private readonly records: Records,
  ) {}

  private get rec(): Int32Array {
    return this.records.rec;
  }

  /** The 1-based position of a text offset. */
  position(offset: number): Position {
    if (!this.lines) {
      if (this.records.lines) {
        this.lines = this.records.lines;
        this.lineCount = this.records.lineCount;
      } else {
        const starts = lineStarts(this.text);
        this.lines = starts;
        this.lineCount = starts.length;
      }
    }
    const lines = this.lines;
    const h = this.hint;
    if (lines[h]! <= offset && (h + 1 >= this.lineCount || lines[h + 1]! > offset)) {
      return { line: h + 1, column: offset - lines[h]! + 1 };
    }
    if (h + 2 < this.lineCount && lines[h + 1]! <= offset && lines[h + 2]! > offset) {
      this.hint = h + 1;
      return { line: h + 2, column: offset - lines[h + 1]! + 1 };
    }
    let lo = 0;
    let hi = this.lineCount - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lines[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    this.hint = lo;
    return { line: lo + 1, column: offset - lines[lo]! + 1 };
  }

  private spanOf(r: number): Span {
    const b = r * STRIDE;
    return { start: this.position(this.rec[b + START]!), end: this.position(this.rec[b + END]!) };
  }

  private keySpanOf(r: number): Span | undefined {
    const b = r * STRIDE;
    if (this.rec[b + KEY_START]! < 0) return undefined;
    return { start: this.position(this.rec[b + KEY_START]!), end: this.position(this.rec[b + KEY_END]!) };
  }

  private keysOf(r: number, obj: Record<string, unknown>): string[] {
    return this.records.keyOrder.get(r) ?? Object.keys(obj);
  }

  /** Record of the k-th child of container record r (which has `n` children). */
  private child(r: number, k: number, n: number): number {
    if (k < 16) {
      let c = r + 1;
      for (let i = 0; i < k; i++) c += this.rec[c * STRIDE + SIZE]!;
      return c;
    }
    let table = this.childTables.get(r);
    if (!table) {
      table = new Int32Array(n);
      let c = r + 1;
      for (let i = 0; i < n; i++) {
        table[i] = c;
        c += this.rec[c * STRIDE + SIZE]!;
      }
      this.childTables.set(r, table);
    }
    return table[k]!;
  }

  /** Follows `path` as far as it exists: the record reached, its value, and how many segments matched. */
  private find(path: readonly PathSegment[]): { r: number; value: unknown; matched: number } {
    let r = 0;
    let v = this.value;
    let matched = 0;
    for (const seg of path) {
      if (Array.isArray(v) && typeof seg === 'number' && seg >= 0 && seg < v.length) {
        r = this.child(r, seg, v.length);
        v = v[seg];
      } else if (isObject(v) && typeof seg === 'string' && Object.hasOwn(v, seg)) {
        const keys = this.keysOf(r, v);
        r = this.child(r, keys.indexOf(seg), keys.length);
        v = v[seg];
      } else break;
      matched++;
    }
    return { r, value: v, matched };
  }

  /** Where item `k` of the array at `path` starts (fast for consecutive k). */
  itemStart(path: readonly PathSegment[], k: number): Position {
    return this.position(this.itemOffset(path, k));
  }

  /** `{file, line, column}` of item `k` of the array at `path`, without an intermediate object. */
  itemRef(path: readonly PathSegment[], k: number, file: string): { file: string; line: number; column: number } {
    const offset = this.itemOffset(path, k);
    const p = this.position(offset);
    return { file, line: p.line, column: p.column };
  }

  private itemOffset(path: readonly PathSegment[], k: number): number {
    let c = this.itemCache;
    if (!c || c.path !== path) {
      const { r, value } = this.find(path);
      c = this.itemCache = { path, r, n: Array.isArray(value) ? value.length : 0 };
    }
    return this.rec[this.child(c.r, k, c.n) * STRIDE + START]!;
  }
  private itemCache: { path: readonly PathSegment[]; r: number; n: number } | undefined;

  /** The source text of the value at `path` (a scalar as written, quotes included), or undefined. */
  sourceText(path: readonly PathSegment[]): string | undefined {
    const { r, matched } = this.find(path);
    if (matched !== path.length) return undefined;
    const b = r * STRIDE;
    return this.text.slice(this.rec[b + START]!, this.rec[b + END]!);
  }

  /** Where the value at `path` is; for a path that does not exist, the deepest value that does. */
  span(path: readonly PathSegment[]): Span {
    return this.spanOf(this.find(path).r);
  }

  /** Where the key of the entry at `path` is (the value's span for array items and the root). */
  keySpan(path: readonly PathSegment[]): Span {
    const { r } = this.find(path);
    return this.keySpanOf(r) ?? this.spanOf(r);
  }

  /** The value at `path` (which must exist) as a positioned JsonNode. */
  node(path: readonly PathSegment[]): JsonNode {
    const { r, value, matched } = this.find(path);
    if (matched !== path.length) throw new Error(`no value at ${path.join('.')}`);
    return this.build(r, value);
  }

  private build(r: number, v: unknown): JsonNode {
    const span = this.spanOf(r);
    if (Array.isArray(v)) {
      const items: JsonNode[] = [];
      let c = r + 1;
      for (const item of v) {
        items.push(this.build(c, item));
        c += this.rec[c * STRIDE + SIZE]!;
      }
      return { kind: 'array', items, span };
    }
    if (isObject(v)) {
      const entries: JsonEntry[] = [];
      let c = r + 1;
      for (const key of this.keysOf(r, v)) {
        entries.push({ key, keySpan: this.keySpanOf(c) ?? this.spanOf(c), value: this.build(c, v[key]) });
        c += this.rec[c * STRIDE + SIZE]!;
      }
      return { kind: 'object', entries, span };
    }
    if (v === null) return { kind: 'null', span };
    if (typeof v === 'boolean') return { kind: 'boolean', value: v, span };
    if (typeof v === 'number') {
      const b = r * STRIDE;
      const src = this.text.slice(this.rec[b + START]!, this.rec[b + END]!);
      return { kind: 'number', value: v, raw: /^[-+.0-9]/.test(src) ? src : String(v), span };
    }
    return { kind: 'string', value: String(v), span };
  }
}

function lineStarts(text: string): number[] {
  const starts = [0];
  let i = text.indexOf('\n');
  while (i >= 0) {
    starts.push(i + 1);
    i = text.indexOf('\n', i + 1);
  }
  return starts;
}

// ---------------------------------------------------------------------------------------------
// The full reader: the `yaml` package.

/** Reads with the `yaml` package (YAML 1.2 core schema); never throws. */
export function parseYamlFull(text: string): YamlResult {
  let docs: Document.Parsed[];
  try {
    // Keys are compared as the text they become (see keyName), as the fast reader compares them.
    const uniqueKeys = (a: unknown, b: unknown) => isScalar(a) && isScalar(b) && keyName(a) === keyName(b);
    const r = parseAllDocuments(text, { prettyErrors: false, uniqueKeys, strict: true });
    docs = Array.isArray(r) ? r : [];
  } catch (e) {
    return { errors: [{ message: `cannot read the YAML: ${e instanceof Error ? e.message : String(e)}`, line: 1, column: 1 }] };
  }
  const records = new Records(64);
  const empty = new YamlDoc(null, text, records);
  const at = (offset: number): Position => empty.position(offset);
  const errors = syntaxErrors(text, docs, at);
  if (errors.length > 0) return { errors };
  const problem = streamProblem(text, docs, at);
  if (problem) return { errors: [problem] };
  const doc = docs[0];
  if (!doc || doc.contents === null) {
    records.open(0);
    records.close(0, 0);
    return { doc: empty, errors: [] };
  }
  try {
    const value = new FullConverter(records, at).convert(doc.contents, 0);
    return { doc: new YamlDoc(value, text, records), errors: [] };
  } catch (e) {
    if (e instanceof Problem) return { errors: [{ message: e.message, line: e.at.line, column: e.at.column }] };
    throw e;
  }
}

/** The `yaml` package's errors, with positions and hints for the common ones. */
function syntaxErrors(text: string, docs: Document.Parsed[], at: (offset: number) => Position): YamlProblem[] {
  const errors: YamlProblem[] = [];
  for (const d of docs) {
    for (const e of d.errors) {
      let p = at(e.pos[0]);
      let message = yamlMessage(e.code, e.message);
      // The yaml package reports an unclosed flow collection where it gave up (often the next
      // line); point at the bracket that is never closed instead.
      const open = /^Flow (sequence|map)/.exec(e.message);
      if (open) {
        const b = unclosedBracket(text, e.pos[0], open[1] === 'sequence' ? '[' : '{');
        if (b >= 0) {
          p = at(b);
          message = `YAML syntax error: this ${open[1] === 'sequence' ? '[' : '{'} is never closed (add the ${open[1] === 'sequence' ? ']' : '}'} on the same line, or indent the lines that continue it)`;
        }
      }
      const quote = /^Missing closing (["'])quote/.exec(e.message);
      if (quote) {
        const q = openingQuote(text, e.pos[0], quote[1] as '"' | "'");
        if (q >= 0) {
          p = at(q);
          message = `YAML syntax error: this ${quote[1]} is never closed (close the quoted text on the same line)`;
        }
      }
      if (e.code === 'BAD_ALIAS' || /^Alias cannot be an empty string/.test(e.message)) {
        message += ': a * at the start of a value begins a YAML alias; write "*" (quoted) for the wildcard';
      }
      errors.push({ message, line: p.line, column: p.column });
    }
  }
  return errors;
}

/**
 * What the stream holds besides one YAML 1.2 document: a second document, a `%YAML` directive for
 * another version (under YAML 1.1 the same text has other values: yes/no are booleans, 010 is
 * octal), an unknown directive, or a directive with no document after it.
 */
function streamProblem(text: string, docs: Document.Parsed[], at: (offset: number) => Position): YamlProblem | undefined {
  const problem = (offset: number, message: string): YamlProblem => ({ message, ...at(offset) });
  if (docs.length > 1) {
    return problem(docs[1]!.range[0], 'a suite file holds one YAML document, but a second one starts here (after `---`): split it into two files');
  }
  const d = docs[0];
  if (!d) {
    const directive = /^%\S*/m.exec(text);
    if (!directive) return undefined;
    return problem(directive.index, `the directive ${directive[0]} is not followed by a document: add a line --- and the suite after it, or remove the directive`);
  }
  const version = d.directives.yaml;
  if (version.explicit && version.version !== '1.2') {
    const line = /^%YAML.*$/m.exec(text);
    return problem(
      line?.index ?? 0,
      `${line?.[0].trim() ?? '%YAML'}: suites are YAML 1.2; under YAML 1.1 the same text has other values (yes/no are booleans, 010 is octal): remove the directive`,
    );
  }
  const unknown = d.warnings.find((w) => w.code === 'BAD_DIRECTIVE');
  if (unknown) return problem(unknown.pos[0], `${unknown.message}: remove it (suites are plain YAML 1.2)`);
  return undefined;
}

/** The text a scalar mapping key stands for: a plain key keeps its source text, a quoted one its value. */
function keyName(k: Scalar): string | undefined {
  if (k.value === null || k.value === undefined) return typeof k.source === 'string' && k.source !== '' ? k.source : undefined;
  if (typeof k.value === 'string') return k.value;
  return typeof k.source === 'string' ? k.source : String(k.value);
}

/** Tags of the YAML 1.2 core schema: they only say which of its types a value has. */
const CORE_TAGS = new Set(['str', 'int', 'float', 'bool', 'null', 'seq', 'map'].map((t) => `tag:yaml.org,2002:${t}`));

const TAG_HINTS: Record<string, string> = {
  binary: 'write the base64 text as a plain string',
  timestamp: 'write the date as text, e.g. 2024-06-01T12:00:00Z',
  set: 'write a list',
  omap: 'write a mapping',
  pairs: 'write a mapping',
  merge: 'write the keys out',
};

/** The `yaml` package's nodes → plain values and records (the fast reader's output, for anything). */
class FullConverter {
  /** Anchor → its value and record; null while the anchored value is being read. */
  private readonly anchors = new Map<string, { r: number; value: unknown } | null>();

  constructor(
    private readonly records: Records,
    private readonly at: (offset: number) => Position,
  ) {}

  convert(n: unknown, depth: number, key?: [number, number]): unknown {
    const [start, end] = range(n);
    if (depth > MAX_YAML_DEPTH) throw new Problem(`the YAML is nested more than ${MAX_YAML_DEPTH} levels deep`, this.at(start));
    if (isAlias(n)) return this.alias(n, start, key);
    this.checkTag(n, start);
    const anchor = (n as { anchor?: string }).anchor;
    if (anchor) this.anchors.set(anchor, null);
    const records = this.records;
    const r = records.open(start);
    if (key) records.setKey(r, key[0], key[1]);
    let value: unknown;
    if (isScalar(n)) value = scalarValue(n);
    else if (isMap(n)) value = this.mapping(n, r, depth);
    else if (isSeq(n)) value = n.items.map((i) => this.convert(i, depth + 1));
    else throw new Problem('unsupported YAML node', this.at(start));
    // A block collection ends where its last value does (the yaml package counts trailing
    // comments and line breaks in); a flow collection after its closing bracket.
    const block = (isMap(n) || isSeq(n)) && !n.flow && n.items.length > 0;
    records.close(r, block ? records.lastEnd : end);
    if (anchor) this.anchors.set(anchor, { r, value });
    return value;
  }

  private alias(n: Alias, start: number, key: [number, number] | undefined): unknown {
    const target = this.anchors.get(n.source);
    if (target === undefined) {
      throw new Problem(
        `unknown YAML alias *${n.source} (a * at the start of a value begins an alias; quote text that starts with *, e.g. "*${n.source}")`,
        this.at(start),
      );
    }
    if (target === null) throw new Problem(`the alias *${n.source} is inside the value &${n.source} names: a value cannot contain itself`, this.at(start));
    if (!this.records.alias(target.r, key?.[0] ?? -1, key?.[1] ?? -1)) throw new Problem(ALIAS_BOUND, this.at(start));
    return target.value;
  }

  /** Only core-schema tags: others (!!binary, !!timestamp, !!set, custom !tags) would change or hide the value. */
  private checkTag(n: unknown, start: number): void {
    const tag = (n as { tag?: string }).tag;
    if (tag === undefined || CORE_TAGS.has(tag)) return;
    const short = tag.startsWith('tag:yaml.org,2002:') ? `!!${tag.slice(18)}` : tag;
    const hint = TAG_HINTS[tag.slice(18)] ?? 'remove the tag';
    throw new Problem(`the YAML tag ${short} is not supported: suites hold plain YAML 1.2 values (text, numbers, true/false, null, lists, mappings); ${hint}`, this.at(start));
  }

  private mapping(n: YAMLMap, r: number, depth: number): Record<string, unknown> {
    const obj: Record<string, unknown> = {};
    let order: string[] | undefined;
    const keys: string[] = [];
    for (const pair of n.items) {
      const k = pair.key;
      if (!isScalar(k)) {
        throw new Problem('a mapping key must be plain text, not a list or a mapping', this.at(range(k ?? n)[0]));
      }
      const [ks, ke] = range(k);
      this.checkTag(k, ks);
      const name = keyName(k);
      if (name === undefined) throw new Problem('a mapping key is empty: write a name before the colon', this.at(ks));
      if (name === '<<' && k.type === 'PLAIN') {
        throw new Problem('<< merge keys are YAML 1.1, not YAML 1.2: write the keys out (an alias such as *defaults can stand for a whole value)', this.at(ks));
      }
      if (Object.hasOwn(obj, name)) throw new Problem(`duplicate key "${name}" in the same mapping: remove one`, this.at(ks));
      if (isIndexKey(name)) order = keys;
      keys.push(name);
      let v: unknown;
      if (pair.value === null || pair.value === undefined) {
        const c = this.records.open(ke);
        this.records.setKey(c, ks, ke);
        this.records.close(c, ke);
        v = null;
      } else v = this.convert(pair.value, depth + 1, [ks, ke]);
      put(obj, name, v);
    }
    if (order) this.records.keyOrder.set(r, order);
    return obj;
  }
}

function range(n: unknown): [number, number] {
  const r = (n as { range?: number[] } | null)?.range;
  return r ? [r[0]!, r[1] ?? r[0]!] : [0, 0];
}

function scalarValue(n: Scalar): unknown {
  const v = n.value;
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string') return v;
  if (typeof v === 'bigint') return Number(v);
  return typeof n.source === 'string' ? n.source : String(v);
}

/** Offset of the nearest unmatched `open` bracket before `from` (within 10,000 characters), or -1. */
function unclosedBracket(text: string, from: number, open: '[' | '{'): number {
  const close = open === '[' ? ']' : '}';
  let depth = 0;
  for (let i = Math.min(from, text.length) - 1; i >= 0 && i >= from - 10_000; i--) {
    const c = text[i];
    if (c === close) depth++;
    else if (c === open) {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

/** Offset of the quote that opens the unterminated quoted scalar ending at `from`, or -1. */
function openingQuote(text: string, from: number, quote: '"' | "'"): number {
  for (let i = Math.min(from, text.length) - 1; i >= 0 && i >= from - 10_000; i--) {
    if (text[i] !== quote) continue;
    if (quote === '"') {
      let slashes = 0;
      for (let j = i - 1; j >= 0 && text[j] === '\\'; j--) slashes++;
      if (slashes % 2 === 0) return i;
    } else {
      if (text[i - 1] === "'") {
        i--; // an escaped '' inside the text
        continue;
      }
      return i;
    }
  }
  return -1;
}

class Problem {
  constructor(
    readonly message: string,
    readonly at: Position,
  ) {}
}

/** The `yaml` package's message, with a hint for the common ones. */
function yamlMessage(code: string, message: string): string {
  const base = `YAML syntax error: ${message.replace(/\s+/g, ' ').trim()}`;
  switch (code) {
    case 'DUPLICATE_KEY':
      return `${base}: this key appears twice in the same mapping; remove one`;
    case 'TAB_AS_INDENT':
      return `${base}: indent with spaces, not tabs`;
    case 'BAD_INDENT':
    case 'MISSING_CHAR':
    case 'UNEXPECTED_TOKEN':
      return `${base} (check the indentation, and that quotes and brackets are closed)`;
    default:
      return base;
  }
}

// ---------------------------------------------------------------------------------------------
// The fast reader.

/** Thrown inside the fast reader when the input is outside its subset; never escapes. */
const BAIL: { readonly bail: true } = { bail: true };

const LF = 0x0a;
const SP = 0x20;
const HASH = 0x23;
const COLON = 0x3a;
const DASH = 0x2d;
const QMARK = 0x3f;
const DQ = 0x22;
const SQ = 0x27;
const COMMA = 0x2c;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const TAB = 0x09;
const AMP = 0x26;
const STAR = 0x2a;

/** Characters the fast reader leaves to the full one: controls, BOM, lone CR, NEL, LS/PS. */
const UNSUPPORTED = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x85\ufeff\u2028\u2029]|\r(?!\n)/;

/** Anchor and alias names the fast reader takes (YAML allows more; the full reader reads those). */
const ANCHOR_NAME = /[A-Za-z0-9_-]/;

/**
 * Reads the plain subset of YAML; undefined when the text uses anything else (the caller then
 * uses `parseYamlFull`, which also reports errors).
 */
export function parseYamlFast(text: string): YamlDoc | undefined {
  if (UNSUPPORTED.test(text)) return undefined;
  // CRLF → LF keeps every line and column (the CR only ever ends a line).
  const src = text.includes('\r') ? text.replace(/\r\n/g, '\n') : text;
  try {
    const reader = new FastReader(src);
    const value = reader.document();
    return new YamlDoc(value, src, reader.records);
  } catch (e) {
    if (e === BAIL) return undefined;
    throw e;
  }
}

/** First characters a plain scalar cannot start with (c-indicator), besides `- ? :`. */
function isIndicator(c: number): boolean {
  switch (c) {
    case COMMA:
    case LBRACKET:
    case RBRACKET:
    case LBRACE:
    case RBRACE:
    case HASH:
    case 0x26: // &
    case 0x2a: // *
    case 0x21: // !
    case 0x7c: // |
    case 0x3e: // >
    case SQ:
    case DQ:
    case 0x25: // %
    case 0x40: // @
    case 0x60: // `
      return true;
    default:
      return false;
  }
}

function isFlowIndicator(c: number): boolean {
  return c === COMMA || c === LBRACKET || c === RBRACKET || c === LBRACE || c === RBRACE;
}

const ESCAPES: ReadonlyMap<number, string> = new Map([
  [0x30, '\0'],
  [0x61, '\x07'],
  [0x62, '\b'],
  [0x74, '\t'],
  [0x6e, '\n'],
  [0x76, '\v'],
  [0x66, '\f'],
  [0x72, '\r'],
  [0x65, '\x1b'],
  [SP, ' '],
  [DQ, '"'],
  [0x2f, '/'],
  [0x5c, '\\'],
  [0x4e, '\x85'],
  [0x5f, '\xa0'],
  [0x4c, '\u2028'],
  [0x50, '\u2029'],
]);

class FastReader {
  private readonly s: string;
  private readonly n: number;
  readonly records: Records;
  /** Current offset. */
  private i = 0;
  /** Offset where the current line starts. */
  private ls = 0;
  /** Indent of the content line `i` is on after skipToContent; -1 at the end of the text. */
  private indent = -1;
  private depth = 0;
  /** End offset of the last value read (for closing records). */
  private end = 0;
  /** Anchor → the record and value it names; null while that value is being read. */
  private readonly anchors = new Map<string, { r: number; value: unknown } | null>();

  constructor(s: string) {
    this.s = s;
    this.n = s.length;
    this.records = new Records(Math.min(1 << 20, (s.length >> 4) + 64));
    this.records.lines = new Int32Array(Math.min(1 << 20, (s.length >> 5) + 64));
    this.records.addLine(0);
  }

  document(): unknown {
    const ind = this.skipToContent();
    if (ind < 0) throw BAIL; // empty document: the full reader handles it
    const value = this.blockNode(ind, -1);
    if (this.indent !== -1) throw BAIL;
    return value;
  }

  /** From a line start: skips blank and comment lines; leaves `i` at the first content character. */
  private skipToContent(): number {
    const s = this.s;
    const n = this.n;
    for (;;) {
      let j = this.i;
      while (j < n && s.charCodeAt(j) === SP) j++;
      if (j >= n) {
        this.i = n;
        return (this.indent = -1);
      }
      let c = s.charCodeAt(j);
      if (c === TAB) {
        // Tabs may separate, never indent: only a blank or comment line may start with one.
        const k = this.skipBlanks(j);
        c = s.charCodeAt(k);
        if (k < n && c !== LF && c !== HASH) throw BAIL;
        if (k >= n) {
          this.i = n;
          return (this.indent = -1);
        }
        j = k;
      }
      if (c === LF || c === HASH) {
        const e = c === LF ? j : s.indexOf('\n', j);
        if (e < 0) {
          this.i = n;
          return (this.indent = -1);
        }
        this.i = this.ls = e + 1;
        this.records.addLine(this.ls);
        continue;
      }
      const ind = j - this.i;
      if (ind === 0) {
        // Document markers and directives.
        if (c === 0x25) throw BAIL;
        if ((c === DASH && s.startsWith('---', j)) || (c === 0x2e && s.startsWith('...', j))) {
          if (this.isSeparatorAt(j + 3)) throw BAIL;
        }
      }
      this.i = j;
      return (this.indent = ind);
    }
  }

  /** After a value: spaces, an optional comment, then the end of the line (or text). */
  private endOfLine(): void {
    const s = this.s;
    const from = this.i;
    let j = this.skipBlanks(from);
    if (j >= this.n) {
      this.i = j;
      return;
    }
    let c = s.charCodeAt(j);
    if (c === HASH && j > from) {
      const e = s.indexOf('\n', j);
      if (e < 0) {
        this.i = this.n;
        return;
      }
      j = e;
      c = LF;
    }
    if (c !== LF) throw BAIL;
    this.i = this.ls = j + 1;
    this.records.addLine(this.ls);
  }

  /** The offset of the first character at or after `j` that is neither a space nor a tab. */
  private skipBlanks(j: number): number {
    const s = this.s;
    for (let c = s.charCodeAt(j); c === SP || c === TAB; c = s.charCodeAt(++j));
    return j;
  }

  /**
   * A tab at `j` inside a plain scalar or key: fine when only blanks and maybe a comment follow
   * (true: the text ends before it); anything else after a tab is left to the full reader.
   */
  private tabEnds(j: number): boolean {
    const k = this.skipBlanks(j);
    const c = this.s.charCodeAt(k);
    if (k >= this.n || c === LF || c === HASH) return true;
    throw BAIL;
  }

  /** `&name` or `*name` at `i`: the name; `i` moves past it. Bails on names outside ANCHOR_NAME. */
  private anchorName(): string {
    const s = this.s;
    const from = ++this.i;
    while (this.i < this.n && ANCHOR_NAME.test(s[this.i]!)) this.i++;
    if (this.i === from) throw BAIL;
    return s.slice(from, this.i);
  }

  /** An alias `*name` at `i`: the anchored value, its records copied (the shared bound applies). */
  private alias(): unknown {
    const name = this.anchorName();
    const target = this.anchors.get(name);
    if (!target) throw BAIL; // unknown, or inside the value it names: the full reader says which
    const copy = this.records.count;
    if (!this.records.alias(target.r, -1, -1)) throw BAIL;
    this.end = this.records.rec[copy * STRIDE + END]!;
    return target.value;
  }

  /** After `&name` (at `i`, in block context): the name, with `i` at what follows the spaces. */
  private anchor(): string {
    const name = this.anchorName();
    if (!this.isSeparatorAt(this.i)) throw BAIL;
    this.anchors.set(name, null); // an alias inside the value it names is an error
    while (this.s.charCodeAt(this.i) === SP) this.i++;
    return name;
  }

  private isSeparatorAt(j: number): boolean {
    const d = this.s.charCodeAt(j);
    return j >= this.n || d === SP || d === LF;
  }

  private isSeqIndicator(j: number): boolean {
    return this.s.charCodeAt(j) === DASH && this.isSeparatorAt(j + 1);
  }

  /** A value whose first character is at `i`, on a line of the given indent (or column, in a sequence item). */
  private blockNode(indent: number, parentIndent: number): unknown {
    if (++this.depth > MAX_YAML_DEPTH) throw BAIL;
    let value: unknown;
    if (this.isSeqIndicator(this.i)) value = this.blockSeq(indent);
    else if (this.isKeyLine()) value = this.blockMap(indent);
    else {
      value = this.inlineValue();
      this.endOfLine();
      if (this.skipToContent() > parentIndent) throw BAIL; // multi-line scalar, or an error
    }
    this.depth--;
    return value;
  }

  /** Does the text at `i` start an implicit key (`key:` followed by space or end of line)? */
  private isKeyLine(): boolean {
    const s = this.s;
    const c = s.charCodeAt(this.i);
    if (c === DQ || c === SQ) {
      const save = this.i;
      this.quoted();
      let j = this.i;
      this.i = save;
      while (s.charCodeAt(j) === SP) j++;
      return s.charCodeAt(j) === COLON && this.isSeparatorAt(j + 1);
    }
    if (isIndicator(c)) return false;
    return this.plainKeyEnd(this.i) >= 0;
  }

  /** Offset of the `:` ending a plain implicit key that starts at `from`; -1 if the line has none. */
  private plainKeyEnd(from: number): number {
    const s = this.s;
    const n = this.n;
    for (let j = from; j < n; j++) {
      const ch = s.charCodeAt(j);
      if (ch === LF) return -1;
      if (ch === COLON) {
        if (this.isSeparatorAt(j + 1)) {
          if (j - from > 1024) throw BAIL;
          return j;
        }
      } else if (ch === HASH && j > from && s.charCodeAt(j - 1) === SP) return -1;
      else if (ch === TAB && this.tabEnds(j)) return -1;
    }
    return -1;
  }

  private blockMap(indent: number): Record<string, unknown> {
    const s = this.s;
    const recs = this.records;
    const r = recs.open(this.i);
    const obj: Record<string, unknown> = {};
    let order: string[] | undefined;
    for (;;) {
      // `i` is at a key, at column `indent`.
      const c = s.charCodeAt(this.i);
      let key: string;
      const ks = this.i;
      let ke: number;
      if (c === DQ || c === SQ) {
        key = this.quoted();
        ke = this.i;
        while (s.charCodeAt(this.i) === SP) this.i++;
        if (s.charCodeAt(this.i) !== COLON) throw BAIL;
      } else {
        if (isIndicator(c) || c === QMARK || c === COLON || (c === DASH && this.isSeparatorAt(this.i + 1))) throw BAIL;
        const k = this.plainKeyEnd(this.i);
        if (k < 0) throw BAIL;
        let e = k;
        while (s.charCodeAt(e - 1) === SP) e--;
        key = s.slice(this.i, e);
        if (key === '<<') throw BAIL; // a YAML 1.1 merge key: the full reader explains
        ke = e;
        this.i = k;
      }
      // `i` is at the colon.
      this.i++;
      if (!this.isSeparatorAt(this.i)) throw BAIL;
      if (Object.hasOwn(obj, key)) throw BAIL; // duplicate key: the full reader reports it
      if (order) order.push(key);
      else if (isIndexKey(key)) order = [...Object.keys(obj), key];
      let j = this.i;
      while (s.charCodeAt(j) === SP) j++;
      let v = s.charCodeAt(j);
      let anchor: string | undefined;
      if (v === AMP) {
        this.i = j;
        anchor = this.anchor();
        j = this.i;
        v = s.charCodeAt(j);
      }
      let value: unknown;
      const next = recs.count;
      if (j >= this.n || v === LF || (v === HASH && s.charCodeAt(j - 1) === SP)) {
        this.endOfLine();
        const ni = this.skipToContent();
        if (ni > indent) value = this.blockNode(ni, indent);
        else if (ni === indent && this.isSeqIndicator(this.i)) value = this.blockSeq(indent);
        else {
          if (anchor !== undefined) throw BAIL; // an anchored empty value
          // An empty value: null, placed where the yaml package places it.
          const e = recs.open(j);
          recs.close(e, j);
          value = null;
          this.end = j;
        }
      } else {
        this.i = j;
        value = v === STAR && anchor === undefined ? this.alias() : this.inlineValue();
        this.endOfLine();
        this.skipToContent();
      }
      recs.setKey(next, ks, ke);
      if (anchor !== undefined) this.anchors.set(anchor, { r: next, value });
      put(obj, key, value);
      const ni = this.indent;
      if (ni === indent) {
        if (this.isSeqIndicator(this.i)) throw BAIL;
        continue;
      }
      if (ni > indent) throw BAIL;
      if (order) recs.keyOrder.set(r, order);
      recs.close(r, this.end);
      return obj;
    }
  }

  private blockSeq(indent: number): unknown[] {
    const s = this.s;
    const recs = this.records;
    const r = recs.open(this.i);
    const items: unknown[] = [];
    for (;;) {
      // `i` is at the dash, at column `indent`.
      this.i++;
      let j = this.i;
      while (s.charCodeAt(j) === SP) j++;
      let c = s.charCodeAt(j);
      let anchor: string | undefined;
      if (c === AMP) {
        this.i = j;
        anchor = this.anchor();
        j = this.i;
        c = s.charCodeAt(j);
      }
      let item: unknown;
      const next = recs.count;
      if (j >= this.n || c === LF || (c === HASH && s.charCodeAt(j - 1) === SP)) {
        this.endOfLine();
        const ni = this.skipToContent();
        if (ni > indent) item = this.blockNode(ni, indent);
        else {
          if (anchor !== undefined) throw BAIL; // an anchored empty item
          const e = recs.open(j);
          recs.close(e, j);
          item = null;
          this.end = j;
        }
      } else if (c === STAR && anchor === undefined) {
        this.i = j;
        item = this.alias();
        this.endOfLine();
        if (this.skipToContent() > indent) throw BAIL;
      } else {
        this.i = j;
        if (this.isSeqIndicator(j)) throw BAIL; // `- - a`: nested compact sequence
        if (this.isKeyLine()) {
          if (anchor !== undefined) throw BAIL; // `- &a key: v` anchors the key
          if (++this.depth > MAX_YAML_DEPTH) throw BAIL;
          item = this.blockMap(j - this.ls);
          this.depth--;
        } else {
          item = this.inlineValue();
          this.endOfLine();
          if (this.skipToContent() > indent) throw BAIL;
        }
      }
      if (anchor !== undefined) this.anchors.set(anchor, { r: next, value: item });
      items.push(item);
      if (this.indent === indent && this.isSeqIndicator(this.i)) continue;
      if (this.indent > indent) throw BAIL;
      recs.close(r, this.end);
      return items;
    }
  }

  /** A value that starts and ends on this line: a scalar or a flow collection. */
  private inlineValue(): unknown {
    const s = this.s;
    const c = s.charCodeAt(this.i);
    if (c === DQ || c === SQ) return this.quotedValue();
    if (c === LBRACKET) return this.flowSeq();
    if (c === LBRACE) return this.flowMap();
    if (isIndicator(c) || c === QMARK || c === COLON || (c === DASH && this.isSeparatorAt(this.i + 1))) throw BAIL;
    // Plain scalar: to the end of the line or a comment; `: ` inside is an error (bail).
    const from = this.i;
    let j = from;
    const n = this.n;
    for (; j < n; j++) {
      const ch = s.charCodeAt(j);
      if (ch === LF) break;
      if (ch === COLON) {
        if (this.isSeparatorAt(j + 1)) throw BAIL;
      } else if (ch === HASH && s.charCodeAt(j - 1) === SP) break;
      else if (ch === TAB && this.tabEnds(j)) break;
    }
    let e = j;
    while (s.charCodeAt(e - 1) === SP) e--;
    this.i = e;
    return this.plain(from, e);
  }

  /** A plain scalar s[from, to) resolved with the core schema, with its record. */
  private plain(from: number, to: number): unknown {
    const r = this.records.open(from);
    this.records.close(r, to);
    this.end = to;
    const v = resolvePlain(this.s.slice(from, to));
    return typeof v === 'string' ? this.intern(v) : v;
  }

  /**
   * Short strings repeat (principal names, actions, decision words): keep one copy, so a large
   * suite holds far fewer live strings (fewer objects for the garbage collector to move).
   */
  private readonly interned = new Map<string, string>();
  private intern(v: string): string {
    if (v.length > 32) return v;
    const known = this.interned.get(v);
    if (known !== undefined) return known;
    if (this.interned.size < 50_000) this.interned.set(v, v);
    return v;
  }

  private quotedValue(): string {
    const r = this.records.open(this.i);
    const value = this.quoted();
    this.records.close(r, this.i);
    this.end = this.i;
    return value;
  }

  /** A quoted scalar that ends on this line; `i` moves past the closing quote. */
  private quoted(): string {
    const s = this.s;
    const q = s.charCodeAt(this.i);
    let j = this.i + 1;
    let out = '';
    let chunk = j;
    const n = this.n;
    if (q === SQ) {
      for (;;) {
        if (j >= n) throw BAIL;
        const c = s.charCodeAt(j);
        if (c === LF) throw BAIL;
        if (c === SQ) {
          if (s.charCodeAt(j + 1) === SQ) {
            out += s.slice(chunk, j + 1);
            j += 2;
            chunk = j;
            continue;
          }
          this.i = j + 1;
          return out + s.slice(chunk, j);
        }
        j++;
      }
    }
    for (;;) {
      if (j >= n) throw BAIL;
      const c = s.charCodeAt(j);
      if (c === LF) throw BAIL;
      if (c === DQ) {
        this.i = j + 1;
        return out + s.slice(chunk, j);
      }
      if (c === 0x5c) {
        out += s.slice(chunk, j);
        const e = s.charCodeAt(j + 1);
        let len = 2;
        const simple = ESCAPES.get(e);
        if (simple !== undefined) out += simple;
        else if (e === 0x78 || e === 0x75 || e === 0x55) {
          // \xXX, \uXXXX, \UXXXXXXXX
          const digits = e === 0x78 ? 2 : e === 0x75 ? 4 : 8;
          const hex = s.slice(j + 2, j + 2 + digits);
          if (hex.length !== digits || !/^[0-9a-fA-F]+$/.test(hex)) throw BAIL;
          const cp = parseInt(hex, 16);
          if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) throw BAIL;
          out += String.fromCodePoint(cp);
          len = 2 + digits;
        } else throw BAIL;
        j += len;
        chunk = j;
        continue;
      }
      j++;
    }
  }

  private skipFlowSpaces(): void {
    const s = this.s;
    while (s.charCodeAt(this.i) === SP) this.i++;
    const c = s.charCodeAt(this.i);
    if (this.i >= this.n || c === LF || c === HASH) throw BAIL; // multi-line flow collection
  }

  private flowSeq(): unknown[] {
    if (++this.depth > MAX_YAML_DEPTH) throw BAIL;
    const s = this.s;
    const r = this.records.open(this.i);
    this.i++;
    const items: unknown[] = [];
    this.skipFlowSpaces();
    if (s.charCodeAt(this.i) !== RBRACKET) {
      for (;;) {
        items.push(this.flowValue());
        this.skipFlowSpaces();
        const c = s.charCodeAt(this.i);
        if (c === COMMA) {
          this.i++;
          this.skipFlowSpaces();
          if (s.charCodeAt(this.i) === RBRACKET) break;
          continue;
        }
        if (c === RBRACKET) break;
        throw BAIL;
      }
    }
    this.i++;
    this.depth--;
    this.records.close(r, this.i);
    this.end = this.i;
    return items;
  }

  private flowMap(): Record<string, unknown> {
    if (++this.depth > MAX_YAML_DEPTH) throw BAIL;
    const s = this.s;
    const recs = this.records;
    const r = recs.open(this.i);
    this.i++;
    const obj: Record<string, unknown> = {};
    let order: string[] | undefined;
    this.skipFlowSpaces();
    if (s.charCodeAt(this.i) !== RBRACE) {
      for (;;) {
        const ks = this.i;
        const c = s.charCodeAt(this.i);
        const key = c === DQ || c === SQ ? this.quoted() : this.plainFlow(true);
        if (key === '<<' && c !== DQ && c !== SQ) throw BAIL; // a YAML 1.1 merge key
        const ke = this.i;
        this.skipFlowSpaces();
        if (s.charCodeAt(this.i) !== COLON) throw BAIL;
        this.i++;
        this.skipFlowSpaces();
        const v = s.charCodeAt(this.i);
        if (v === COMMA || v === RBRACE) throw BAIL; // empty value
        if (Object.hasOwn(obj, key)) throw BAIL;
        if (order) order.push(key);
        else if (isIndexKey(key)) order = [...Object.keys(obj), key];
        const next = recs.count;
        const value = this.flowValue();
        recs.setKey(next, ks, ke);
        put(obj, key, value);
        this.skipFlowSpaces();
        const d = s.charCodeAt(this.i);
        if (d === COMMA) {
          this.i++;
          this.skipFlowSpaces();
          if (s.charCodeAt(this.i) === RBRACE) break;
          continue;
        }
        if (d === RBRACE) break;
        throw BAIL;
      }
    }
    this.i++;
    this.depth--;
    if (order) recs.keyOrder.set(r, order);
    recs.close(r, this.i);
    this.end = this.i;
    return obj;
  }

  private flowValue(): unknown {
    const c = this.s.charCodeAt(this.i);
    if (c === STAR) {
      const value = this.alias();
      const d = this.s.charCodeAt(this.i);
      if (d !== SP && d !== COMMA && d !== RBRACKET && d !== RBRACE) throw BAIL;
      return value;
    }
    if (c === DQ || c === SQ) return this.quotedValue();
    if (c === LBRACKET) return this.flowSeq();
    if (c === LBRACE) return this.flowMap();
    const from = this.i;
    this.plainFlow(false);
    return this.plain(from, this.i);
  }

  /**
   * A plain scalar in a flow collection: ends before `,` `[` `]` `{` `}`, or before `: ` (a
   * key's separator, only when `key`). Bails on anything ambiguous, and on comments.
   */
  private plainFlow(key: boolean): string {
    const s = this.s;
    const n = this.n;
    const from = this.i;
    const c = s.charCodeAt(from);
    if (isIndicator(c)) throw BAIL;
    if (c === DASH || c === QMARK || c === COLON) {
      const d = s.charCodeAt(from + 1);
      if (c !== DASH || this.isSeparatorAt(from + 1) || isFlowIndicator(d)) throw BAIL;
    }
    let j = from;
    for (; j < n; j++) {
      const ch = s.charCodeAt(j);
      if (ch === LF || ch === TAB) throw BAIL;
      if (isFlowIndicator(ch)) break;
      if (ch === COLON) {
        const d = s.charCodeAt(j + 1);
        if (this.isSeparatorAt(j + 1) || isFlowIndicator(d)) {
          if (key && this.isSeparatorAt(j + 1)) break;
          throw BAIL;
        }
      } else if (ch === HASH && s.charCodeAt(j - 1) === SP) throw BAIL;
    }
    let e = j;
    while (s.charCodeAt(e - 1) === SP) e--;
    if (e <= from) throw BAIL;
    this.i = e;
    return s.slice(from, e);
  }
}

// ---- YAML 1.2 core schema, as the `yaml` package resolves plain scalars ----

const NULL_RE = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL_RE = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT = /^0o[0-7]+$/;
const INT_DEC = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

/** A plain scalar's value under the YAML 1.2 core schema. */
export function resolvePlain(text: string): string | number | boolean | null {
  const c = text.charCodeAt(0);
  // Most scalars are names, ARNs and actions: rule them out of the core-schema tags cheaply.
  const maybeTagged =
    (c >= 0x30 && c <= 0x39) || c === 0x2b || c === DASH || c === 0x2e || c === 0x7e || c === 0x6e || c === 0x4e || c === 0x74 || c === 0x54 || c === 0x66 || c === 0x46;
  if (!maybeTagged) return text;
  if (NULL_RE.test(text)) return null;
  if (BOOL_RE.test(text)) return c === 0x74 || c === 0x54;
  if (INT_OCT.test(text)) return parseInt(text.slice(2), 8);
  if (INT_DEC.test(text)) return parseInt(text, 10);
  if (INT_HEX.test(text)) return parseInt(text.slice(2), 16);
  if (FLOAT_NAN.test(text)) return text.slice(-3).toLowerCase() === 'nan' ? NaN : c === DASH ? -Infinity : Infinity;
  if (FLOAT_EXP.test(text) || FLOAT.test(text)) return parseFloat(text);
  return text;
}
