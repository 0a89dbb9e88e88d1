// The hand-written JSON reader (spec §2.3 "not JSON", §8.1 character set): positions, strictness,
// duplicate keys, and robustness on adversarial input.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatFinding, MAX_JSON_DEPTH, parseJson, type JsonNode, type Position } from '../../src/policy/index.ts';

/** Maps a 1-based position back to an offset, independently of the reader (LF, CRLF, lone CR). */
function offsets(text: string): (p: Position) => number {
  const starts = [0];
  for (let k = 0; k < text.length; k++) {
    if (text[k] === '\n' || (text[k] === '\r' && text[k + 1] !== '\n')) starts.push(k + 1);
  }
  return (p) => starts[p.line - 1]! + p.column - 1;
}

function toPlain(n: JsonNode): unknown {
  switch (n.kind) {
    case 'object':
      return Object.fromEntries(n.entries.map((e) => [e.key, toPlain(e.value)]));
    case 'array':
      return n.items.map(toPlain);
    case 'null':
      return null;
    default:
      return n.value;
  }
}

function* walk(n: JsonNode): Generator<JsonNode> {
  yield n;
  if (n.kind === 'object') for (const e of n.entries) yield* walk(e.value);
  if (n.kind === 'array') for (const i of n.items) yield* walk(i);
}

describe('parseJson positions', () => {
  it('records 1-based spans (end exclusive) for every key and value', () => {
    const text = '{\n  "a": [1, -2.5e3, true],\n  "b": {"c": null, "d": "x\\ny"}\n}';
    const { node, findings } = parseJson(text);
    expect(findings).toEqual([]);
    expect(node!.span).toEqual({ start: { line: 1, column: 1 }, end: { line: 4, column: 2 } });
    if (node!.kind !== 'object') throw new Error('object expected');
    const [a, b] = node!.entries;
    expect(a!.keySpan).toEqual({ start: { line: 2, column: 3 }, end: { line: 2, column: 6 } });
    expect(a!.value).toMatchObject({ kind: 'array', span: { start: { line: 2, column: 8 }, end: { line: 2, column: 25 } } });
    if (a!.value.kind !== 'array') throw new Error('array expected');
    expect(a!.value.items[1]).toEqual({ kind: 'number', value: -2500, raw: '-2.5e3', span: { start: { line: 2, column: 12 }, end: { line: 2, column: 18 } } });
    if (b!.value.kind !== 'object') throw new Error('object expected');
    expect(b!.value.entries[1]!.value).toEqual({ kind: 'string', value: 'x\ny', span: { start: { line: 3, column: 25 }, end: { line: 3, column: 31 } } });
  });

  it('keeps duplicate keys, in order (the validator reports them)', () => {
    const { node } = parseJson('{"Effect": "Allow", "Effect": "Deny"}');
    expect(node!.kind === 'object' && node!.entries.map((e) => [e.key, toPlain(e.value)])).toEqual([
      ['Effect', 'Allow'],
      ['Effect', 'Deny'],
    ]);
  });

  it('counts LF, CRLF and lone CR as line breaks', () => {
    const { findings } = parseJson('{\r\n"a": 1,\r"b": 2,\n"c": x}');
    expect(findings.map((f) => [f.position.line, f.position.column])).toEqual([[4, 6]]);
  });

  it('decodes escapes, including \\u escapes and surrogate pairs', () => {
    const { node, findings } = parseJson('["\\"\\\\\\/\\b\\f\\n\\r\\t", "\\u00e9\\ud83d\\ude00"]');
    expect(findings).toEqual([]);
    expect(toPlain(node!)).toEqual(['"\\/\b\f\n\r\t', '\u00e9\u{1F600}']);
  });
});

describe('parseJson errors', () => {
  const errors: [string, string, number, number, RegExp][] = [
    ['bare value after key', '{"a" 1}', 1, 6, /expected ":"/],
    ['comment', '{ // no\n}', 1, 3, /comments are not allowed/],
    ['bad \\u escape', '"\\u12G4"', 1, 2, /four hex digits/],
    ['escape at end of input', '"abc\\', 1, 1, /unterminated string/],
    ['string broken by a newline', '["ab\ncd"]', 1, 2, /end of the line/],
    ['minus without digits', '[-]', 1, 3, /expected a digit/],
    ['dot without digits', '[1.]', 1, 4, /digit after "\."/],
    ['exponent without digits', '[1e+]', 1, 5, /exponent/],
    ['NaN', '[NaN]', 1, 2, /NaN is not a JSON value/],
    ['unclosed array at end', '[1, 2', 1, 6, /array opened at 1:1/],
    ['value missing after colon', '{"a": }', 1, 7, /expected a value/],
    ['empty document', '', 1, 1, /empty/],
  ];
  it.each(errors)('%s', (_name, text, line, column, message) => {
    const { node, findings } = parseJson(text);
    expect(node).toBeUndefined();
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ code: 'Json syntax error', severity: 'error', position: { line, column }, path: '' });
    expect(findings[0]!.message).toMatch(message);
  });

  it(`accepts exactly ${MAX_JSON_DEPTH} levels of nesting`, () => {
    expect(parseJson('['.repeat(64) + ']'.repeat(64)).findings).toEqual([]);
    expect(parseJson('['.repeat(65) + ']'.repeat(65)).findings.map((f) => f.position)).toEqual([{ line: 1, column: 65 }]);
  });

  it('does not overflow the stack on a million open brackets or braces', () => {
    expect(parseJson('['.repeat(1_000_000)).findings).toHaveLength(1);
    expect(parseJson('{"a":'.repeat(200_000)).findings).toHaveLength(1);
    expect(parseJson('"' + 'a'.repeat(1_000_000)).findings[0]!.message).toMatch(/unterminated/);
  });
});

describe('§8.1 character set', () => {
  it('reports every disallowed character (up to 20, then one summary) and still reads the JSON', () => {
    const text = '["' + '\u0100'.repeat(30) + '"]';
    const { node, findings } = parseJson(text);
    expect(node).toBeDefined();
    expect(findings).toHaveLength(21);
    expect(findings.every((f) => f.code === 'Invalid character' && f.severity === 'error')).toBe(true);
    expect(findings[0]!.position).toEqual({ line: 1, column: 3 });
    expect(findings[19]!.position).toEqual({ line: 1, column: 22 });
    expect(findings[20]!.message).toMatch(/more disallowed characters/);
  });

  it('accepts TAB, LF, CR and U+0020–U+00FF', () => {
    const latin1 = Array.from({ length: 0xff - 0x20 + 1 }, (_, k) => String.fromCharCode(0x20 + k))
      .join('')
      .replace(/["\\]/g, '');
    expect(parseJson(`\t\r\n["${latin1}"]`).findings).toEqual([]);
  });

  it('reports a byte-order mark but reads past it', () => {
    const { node, findings } = parseJson('\uFEFF{}');
    expect(node).toBeDefined();
    expect(findings.map((f) => [f.code, f.position.column])).toEqual([['Invalid character', 1]]);
    expect(findings[0]!.message).toMatch(/byte-order mark/);
  });

  it('reports an astral character once, and an unpaired surrogate', () => {
    expect(parseJson('["\u{1F600}x"]').findings.map((f) => f.message)).toEqual([expect.stringMatching(/U\+1F600/)]);
    expect(parseJson('["\uD800"]').findings.map((f) => f.message)).toEqual([expect.stringMatching(/unpaired surrogate/)]);
  });

  it('does not flag \\u escapes: the rule is on the raw text, like the API pattern', () => {
    expect(parseJson('["\\u2019"]').findings).toEqual([]);
  });
});

describe('parseJson properties', () => {
  it('reads whatever JSON.stringify writes, with spans that slice back to each value', () => {
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 6, stringUnit: 'binary' }),
        fc.constantFrom(undefined, 2, '\t'),
        (value, indent) => {
          const text = JSON.stringify(value, null, indent);
          const { node, findings } = parseJson(text);
          expect(findings.every((f) => f.code === 'Invalid character')).toBe(true);
          expect(node).toBeDefined();
          expect(JSON.stringify(toPlain(node!))).toBe(JSON.stringify(JSON.parse(text)));
          const offsetOf = offsets(text);
          for (const n of walk(node!)) {
            const slice = text.slice(offsetOf(n.span.start), offsetOf(n.span.end));
            expect(JSON.stringify(JSON.parse(slice))).toBe(JSON.stringify(toPlain(n)));
            if (n.kind === 'object') {
              for (const e of n.entries) {
                expect(JSON.parse(text.slice(offsetOf(e.keySpan.start), offsetOf(e.keySpan.end)))).toBe(e.key);
              }
            }
          }
        },
      ),
      { numRuns: 120 },
    );
  });

  it('never throws, and accepts exactly what JSON.parse accepts', () => {
    const mutated = fc
      .tuple(fc.json({ maxDepth: 4 }), fc.nat(), fc.constantFrom('', ',', '"', '}', ']', '\\', ' ', '0', '-', 'e', 't', '\n', '\u0001'))
      .map(([json, at, insert]) => {
        const k = at % (json.length + 1);
        return json.slice(0, k) + insert + json.slice(k + (insert === '' ? 1 : 0));
      });
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.json({ maxDepth: 4 }), mutated), (text) => {
        fc.pre(!text.startsWith('\uFEFF'));
        const r = parseJson(text);
        let ok = true;
        try {
          JSON.parse(text);
        } catch {
          ok = false;
        }
        expect(r.node !== undefined).toBe(ok);
        for (const f of r.findings) expect(typeof formatFinding(f)).toBe('string');
      }),
      { numRuns: 1500 },
    );
  });
});
