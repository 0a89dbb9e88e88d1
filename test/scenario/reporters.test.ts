import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PolicyError } from '../../src/policy/index.ts';
import { formatExplanation } from '../../src/scenario/format-explanation.ts';
import { SuiteError } from '../../src/scenario/model.ts';
import {
  errorJson,
  escapeData,
  formatGithub,
  formatJson,
  formatJunit,
  formatPretty,
  formatProblem,
  REPORTERS,
  toProblem,
  xmlEscape,
  type ReporterContext,
} from '../../src/scenario/reporters/index.ts';
import { runSuites, UsageError, type RunReport } from '../../src/scenario/runner.ts';
import { ACCOUNT, bool, buildSuite, mfaSuite } from './build-suite.ts';

const CWD = '/work/project';
const ctx: ReporterContext = { cwd: CWD, color: false };

// ---- the contract of scenario-format.md, as a strict schema ----

const decision = z.enum(['allowed', 'explicitDeny', 'implicitDeny']);
const resultSchema = z
  .object({
    file: z.string().min(1),
    suite: z.string().min(1),
    case: z.string().min(1),
    principal: z.string().min(1),
    action: z.string().min(1),
    resource: z.string().min(1),
    expected: z.enum(['allowed', 'explicitDeny', 'implicitDeny', 'denied']),
    actual: decision.nullable(),
    pass: z.boolean(),
    decidedBy: z.array(z.string().regex(/^[^#]+#.+$/)),
    missingContext: z.array(z.string()),
    assumptions: z.array(z.string()).optional(),
    property: z.literal(true).optional(),
    counterexample: z.record(z.string(), z.unknown()).optional(),
    skipped: z.string().optional(),
    reason: z.string().optional(),
  })
  .strict();
const count = z.number().int().nonnegative();
const reportSchema = z
  .object({
    summary: z.object({ suites: count, passed: count, failed: count, errors: count, skipped: count }).strict(),
    results: z.array(resultSchema),
  })
  .strict();
const errorSchema = z
  .object({ error: z.object({ file: z.string(), line: count, column: count, message: z.string().min(1) }).strict() })
  .strict();

/** A report with passes, failures (decision and decidedBy), a missing key, and a skipped property. */
function mixedReport(): RunReport {
  const suite = mfaSuite({
    name: 'Mixed <suite> & "quotes"',
    cases: [
      { name: 'passes', principal: 'john', action: 's3:GetObject', resource: 'arn:aws:s3:::your-bucket-name/k', expect: 'allowed' },
      {
        name: 'fails on the condition',
        principal: 'john',
        action: 's3:GetObject',
        resource: 'arn:aws:s3:::your-bucket-name/k',
        context: { 'aws:MultiFactorAuthPresent': bool(false) },
        expect: 'allowed',
      },
      { name: 'fails on decidedBy', principal: 'john', action: 'ec2:RunInstances', resource: '*', context: { 'aws:MultiFactorAuthPresent': bool(false) }, expect: 'explicitDeny', decidedBy: ['mfa-enforcement#0'] },
      { name: 'no MFA key', principal: 'john', action: 's3:GetObject', resource: 'arn:aws:s3:::your-bucket-name/k', context: { 'aws:MultiFactorAuthPresent': null }, expect: 'denied' },
      { name: 'bad\u0001char, comma: colon', principal: 'john', action: 's3:PutObject', resource: 'arn:aws:s3:::other/k', expect: 'allowed' },
    ],
    properties: [
      { name: 'a property', principal: 'john', context: {}, forAll: { action: { service: 's3', except: [] } }, expect: 'denied', runs: 5 },
    ],
  });
  return runSuites([suite, mfaSuite({ file: '/work/project/scenarios/second.yaml' })], { cwd: CWD });
}

describe('json reporter', () => {
  it('prints exactly the contract: one object, every field typed', () => {
    const run = mixedReport();
    const text = formatJson(run);
    expect(text.endsWith('\n')).toBe(true);
    const parsed = JSON.parse(text);
    const checked = reportSchema.safeParse(parsed);
    expect(checked.success, JSON.stringify(checked.error?.issues)).toBe(true);
    expect(parsed.summary).toEqual({ suites: 2, passed: 6, failed: 3, errors: 0, skipped: 1 });
    expect(parsed.results).toHaveLength(10);
    // Same content as the in-memory report (details are not part of the contract).
    expect(parsed.results).toEqual(JSON.parse(JSON.stringify(run.results)));
    const failed = parsed.results.filter((r: { pass: boolean; skipped?: string }) => !r.pass && !r.skipped);
    for (const r of failed) expect(typeof r.reason).toBe('string');
    expect(parsed.results[3].missingContext).toEqual(['aws:MultiFactorAuthPresent']);
    expect(Object.keys(parsed.results[0])).toEqual([
      'file', 'suite', 'case', 'principal', 'action', 'resource', 'expected', 'actual', 'pass', 'decidedBy', 'missingContext', 'assumptions',
    ]);
  });

  it('drops fields outside the contract and keeps counterexamples whole', () => {
    const base = mixedReport();
    const results = base.results.map((r, i) =>
      i === 1
        ? { ...r, counterexample: { name: 'shrunk', principal: 'john', context: { 'aws:MultiFactorAuthPresent': false } }, extra: 1 }
        : { ...r, details: 'not in the contract' },
    );
    const parsed = JSON.parse(formatJson({ summary: base.summary, results, details: new Map() } as RunReport));
    expect(reportSchema.safeParse(parsed).success).toBe(true);
    expect(parsed.results[1].counterexample).toEqual({ name: 'shrunk', principal: 'john', context: { 'aws:MultiFactorAuthPresent': false } });
    expect(parsed.results[0]).not.toHaveProperty('details');
    expect(parsed.results[1]).not.toHaveProperty('extra');
    // Without counterexamples (the fast path), extra fields are dropped too.
    const plain = JSON.parse(formatJson({ summary: base.summary, results: results.filter((_, i) => i !== 1), details: new Map() } as RunReport));
    expect(reportSchema.safeParse(plain).success).toBe(true);
  });

  it('an empty report is still one valid object', () => {
    const run: RunReport = { summary: { suites: 0, passed: 0, failed: 0, errors: 0, skipped: 0 }, results: [], details: new Map() };
    expect(reportSchema.safeParse(JSON.parse(formatJson(run))).success).toBe(true);
  });

  it('errors are {"error": {file, line, column, message}}', () => {
    const e = new SuiteError('unknown policy "x"', { file: `${CWD}/scenarios/a.yaml`, line: 4, column: 7 }, [
      { message: 'defined here', where: { file: `${CWD}/scenarios/b.yaml`, line: 1, column: 1 } },
    ]);
    const out = REPORTERS.json!.error(toProblem(e)!, ctx);
    const parsed = JSON.parse(out.stdout);
    expect(errorSchema.safeParse(parsed).success).toBe(true);
    expect(parsed.error).toEqual({
      file: 'scenarios/a.yaml',
      line: 4,
      column: 7,
      message: 'unknown policy "x"\nscenarios/b.yaml:1:1: defined here',
    });
    expect(out.stderr).toBe('');
    expect(errorSchema.safeParse(errorJson(toProblem(new UsageError('bad'))!, CWD)).success).toBe(true);
  });
});

// ---- a minimal XML well-formedness check (tags nest, attributes quoted, entities known) ----

function parseXml(xml: string): { name: string; attrs: Record<string, string>; text: string }[] {
  const elements: { name: string; attrs: Record<string, string>; text: string }[] = [];
  const stack: string[] = [];
  let i = 0;
  const body = xml.replace(/^<\?xml [^?]*\?>\s*/, '');
  if (body === xml) throw new Error('missing XML declaration');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(xml)) throw new Error('control character in XML');
  const entity = /&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);/gi;
  const checkText = (t: string) => {
    if (t.replace(entity, '').includes('&')) throw new Error(`bad entity in ${t}`);
    if (t.includes('<') || t.includes('>')) throw new Error(`unescaped markup in ${t}`);
  };
  while (i < body.length) {
    const lt = body.indexOf('<', i);
    if (lt < 0) {
      checkText(body.slice(i));
      break;
    }
    const text = body.slice(i, lt);
    checkText(text);
    if (elements.length && stack.length) elements[elements.length - 1]!.text += text;
    const gt = body.indexOf('>', lt);
    if (gt < 0) throw new Error('unterminated tag');
    const tag = body.slice(lt + 1, gt);
    i = gt + 1;
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim();
      if (stack.pop() !== name) throw new Error(`mismatched </${name}>`);
      continue;
    }
    const selfClosing = tag.endsWith('/');
    const m = /^([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"<]*")*)\s*\/?$/.exec(tag);
    if (!m) throw new Error(`malformed tag <${tag}>`);
    const attrs: Record<string, string> = {};
    for (const a of m[2]!.matchAll(/([A-Za-z_][\w.-]*)="([^"]*)"/g)) {
      checkText(a[2]!);
      if (a[1]! in attrs) throw new Error(`duplicate attribute ${a[1]}`);
      attrs[a[1]!] = a[2]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&#10;/g, '\n').replace(/&amp;/g, '&');
    }
    elements.push({ name: m[1]!, attrs, text: '' });
    if (!selfClosing) stack.push(m[1]!);
  }
  if (stack.length) throw new Error(`unclosed <${stack.join('>, <')}>`);
  return elements;
}

describe('junit reporter', () => {
  it('is well-formed XML with the right counts and escaped names', () => {
    const run = mixedReport();
    const xml = formatJunit(run, ctx);
    const els = parseXml(xml);
    const root = els[0]!;
    expect(root.name).toBe('testsuites');
    expect(root.attrs).toMatchObject({ tests: '10', failures: '3', errors: '0', skipped: '1' });
    const suites = els.filter((e) => e.name === 'testsuite');
    expect(suites.map((s) => [s.attrs.name, s.attrs.tests, s.attrs.failures, s.attrs.skipped])).toEqual([
      ['Mixed <suite> & "quotes"', '6', '3', '1'],
      ['All-Staff MFA enforcement', '4', '0', '0'],
    ]);
    const cases = els.filter((e) => e.name === 'testcase');
    expect(cases).toHaveLength(10);
    expect(cases[0]!.attrs.classname).toBe('Mixed <suite> & "quotes"');
    expect(cases[4]!.attrs.name).toBe('badchar, comma: colon');
    const failures = els.filter((e) => e.name === 'failure');
    expect(failures).toHaveLength(3);
    expect(failures[0]!.attrs.message).toBe('expected allowed, got explicitDeny: explicitly denied by a matching Deny statement');
    expect(xml).toContain('aws:MultiFactorAuthPresent');
    expect(els.filter((e) => e.name === 'skipped')).toHaveLength(1);
  });

  it('escapes everything XML cannot hold', () => {
    expect(xmlEscape(`a<b>&"c'\u0000\u001b[31md\n`)).toBe('a&lt;b&gt;&amp;&quot;c&apos;d&#10;');
    const err = REPORTERS.junit!.error(toProblem(new SuiteError('bad <yaml>', { file: `${CWD}/s.yaml`, line: 2, column: 3 }))!, ctx);
    const els = parseXml(err.stdout);
    expect(els.filter((e) => e.name === 'error')).toHaveLength(1);
    expect(err.stderr).toBe('s.yaml:2:3: bad <yaml>\n');
  });
});

describe('github reporter', () => {
  it('annotates each failure at its YAML line, then prints a summary', () => {
    const run = mixedReport();
    const lines = formatGithub(run, ctx).trimEnd().split('\n');
    const errors = lines.filter((l) => l.startsWith('::error '));
    expect(errors).toHaveLength(3);
    for (const l of errors) {
      expect(l).toMatch(/^::error file=scenarios\/test\.yaml,line=\d+,col=\d+,title=[^:]+::.+/);
    }
    // The case's own line (cases are defined after policies, groups, principals in build-suite).
    const failing = run.results.filter((r) => !r.pass && !r.skipped);
    const lineOf = (i: number) => run.details.get(failing[i]!)!.defined.line;
    expect(errors[0]).toContain(`line=${lineOf(0)},col=3,`);
    expect(errors[2]).toContain('title=iamspec%3A Mixed <suite> & "quotes" › bad\u0001char%2C comma%3A colon::');
    expect(lines.filter((l) => l.startsWith('::warning '))).toHaveLength(1);
    expect(lines.at(-1)).toBe('iamspec: 3 failed, 6 passed, 1 skipped (10 cases, 2 suites)');
    expect(errors[0]).toContain('%0A'); // multi-line message, escaped
  });

  it('escapes data and reports input errors as annotations', () => {
    expect(escapeData('50%\r\nx')).toBe('50%25%0D%0Ax');
    const out = REPORTERS.github!.error(toProblem(new SuiteError('unknown field "cases2"', { file: `${CWD}/scenarios/a.yaml`, line: 9, column: 1 }))!, ctx);
    expect(out.stdout).toBe('::error file=scenarios/a.yaml,line=9,col=1,title=iamspec%3A input error::scenarios/a.yaml:9:1: unknown field "cases2"\n');
  });
});

describe('pretty reporter', () => {
  it('shows ✓/✗ per case, expected vs actual, and the failed condition with its values', () => {
    const run = mixedReport();
    const text = formatPretty(run, ctx);
    expect(text).not.toMatch(/\u001b\[/);
    expect(text).toContain('✓ passes');
    expect(text).toContain('✗ fails on the condition — expected allowed, got explicitDeny');
    expect(text).toContain('✗ fails on decidedBy — decided explicitDeny, but not by the decidedBy statements');
    expect(text).toMatch(/expected\s+allowed/);
    expect(text).toMatch(/actual\s+explicitDeny/);
    // The deciding statement with file:line; the condition that failed with key, operator, values.
    expect(text).toMatch(/mfa-enforcement#BlockMostAccessUnlessSignedInWithMFA \(Deny, identity\)/);
    expect(text).toContain('Condition Bool aws:MultiFactorAuthPresent: request ["false"], policy ["true"]');
    expect(text).toContain('✗ explicit-deny');
    expect(text).toMatch(/○ a property \(property\) — skipped/);
    expect(text.trimEnd().split('\n').at(-1)).toBe('3 failed, 6 passed, 1 skipped (10 cases, 2 suites)');
  });

  it('colours only when asked; --quiet lists only failures', () => {
    const run = mixedReport();
    expect(formatPretty(run, { ...ctx, color: true })).toMatch(/\u001b\[31m/);
    const quiet = formatPretty(run, { ...ctx, quiet: true });
    expect(quiet).not.toContain('✓ passes');
    expect(quiet).not.toContain('All-Staff MFA enforcement');
    expect(quiet).toContain('✗ fails on decidedBy');
  });

  it('counts passes instead of listing them for large runs', () => {
    const suite = mfaSuite({
      cases: [{ name: 'many', principal: 'john', action: Array.from({ length: 30 }, (_, i) => `s3:Get${i}`), resource: Array.from({ length: 20 }, (_, i) => `arn:aws:s3:::b${i}/k`), expect: 'denied' }],
    });
    const run = runSuites([suite], { cwd: CWD });
    expect(run.results).toHaveLength(600);
    const text = formatPretty(run, ctx);
    expect(text).toContain('✓ 600 cases passed (--verbose lists them)');
    expect(text.split('\n').length).toBeLessThan(10);
    expect(formatPretty(run, { ...ctx, verbose: true }).split('\n').length).toBeGreaterThan(600);
  });

  it('errors are file:line:column: message, details indented, no stack', () => {
    const e = new SuiteError('policy "p" is not valid', { file: `${CWD}/scenarios/a.yaml`, line: 3, column: 5 }, [
      { message: 'error MissingResource: a statement needs Resource', where: { file: `${CWD}/policies/p.json`, line: 4, column: 9 } },
    ]);
    expect(formatProblem(toProblem(e)!, ctx)).toBe(
      'scenarios/a.yaml:3:5: policy "p" is not valid\n  policies/p.json:4:9: error MissingResource: a statement needs Resource\n',
    );
  });
});

describe('explanation text', () => {
  it('lists telling misses first and caps the statements that only miss on Action', () => {
    const statements = Array.from({ length: 20 }, (_, i) => ({ Sid: `S${i}`, Effect: 'Allow', Action: `ec2:Describe${i}`, Resource: '*' }));
    const suite = buildSuite({
      policies: { many: { Version: '2012-10-17', Statement: statements } },
      principals: { u: { arn: `arn:aws:iam::${ACCOUNT}:user/u`, policies: ['many'] } },
      cases: [{ name: 'x', principal: 'u', action: 's3:GetObject', resource: '*', expect: 'allowed' }],
    });
    const run = runSuites([suite], { cwd: CWD });
    const e = run.details.get(run.results[0]!)!.explanation!;
    const text = formatExplanation(e, { cwd: CWD });
    expect(text).toContain('… 12 more statements whose Action does not match');
    expect(text).toContain('Action: s3:GetObject is not matched by ["ec2:Describe0"]');
    expect(formatExplanation(e, { cwd: CWD, maxActionMisses: Infinity })).not.toContain('more statements');
  });
});

describe('toProblem', () => {
  it('knows user mistakes, and nothing else', () => {
    expect(toProblem(new UsageError('x'))).toEqual({ message: 'x', details: [] });
    expect(toProblem(new Error('boom'))).toBeNull();
    expect(toProblem('string')).toBeNull();
    const pe = new PolicyError([
      { code: 'MissingResource', severity: 'error', message: 'no Resource', position: { line: 3, column: 5 }, path: '/Statement/0', file: '/p/x.json' },
    ], 'x');
    expect(toProblem(pe)).toMatchObject({ message: 'policy "x" is not valid: MissingResource: no Resource', where: { file: '/p/x.json', line: 3, column: 5 } });
  });
});
