// Mutation testing of the policies (`iamspec mutate`): would the suites notice if a policy were
// wrong? Each mutant is a policy with one small, plausible mistake — an edit of the policy's own
// text, so it reads as a line diff of the file:
//
//   flip-effect           Effect Allow ↔ Deny
//   drop-statement        a whole statement
//   drop-condition        a statement's Condition block
//   drop-condition-key    one key of an operator block (the block when it is the only key)
//   drop-condition-value  one of several values of a key
//   drop-if-exists        …IfExists → the plain operator (BoolIfExists → Bool)
//   widen-action          an Action entry → "*"
//   widen-resource        a Resource entry → "*"
//   drop-not-action       one of several NotAction entries
//   swap-string-operator  StringEquals ↔ StringLike (and the Not forms, any qualifier)
//   change-number         a Numeric operator's value + 1
//   change-date           a Date operator's value + 1 day
//
// A mutant is compiled once (for every type its suites use the policy as; one that no longer
// validates is `invalid` and not counted) and the suites that use the policy run their cases
// against it in-process, then their properties: the first failure kills it. Every other policy,
// suite and case is reused as loaded. For each surviving mutant, the access-diff enumeration
// (src/analysis/diff.ts) looks for a request the original and the mutant decide differently and
// writes it as the case that would kill it.

import { compilePolicy, type CompiledPolicy } from '../engine/compile.ts';
import { refName } from '../engine/types.ts';
import { displayPath } from '../display-path.ts';
import type { JsonEntry, JsonNode, PolicyType, Position } from '../policy/model.ts';
import { parseJson } from '../policy/json.ts';
import { parseOperator } from '../policy/operators.ts';
import { PolicyError } from '../policy/index.ts';
import { awsManagedCopy } from '../policy/aws-managed.ts';
import { parseInstant } from '../policy/values.ts';
import type { Case, Suite, SuitePolicy } from '../scenario/model.ts';
import type { CheckProperty } from '../scenario/runner.ts';
import { checkCase, UsageError } from '../scenario/runner.ts';
import { differences, exampleCase, type ExampleCase } from './diff.ts';

export const OPERATORS = [
  'flip-effect',
  'drop-statement',
  'drop-condition',
  'drop-condition-key',
  'drop-condition-value',
  'drop-if-exists',
  'widen-action',
  'widen-resource',
  'drop-not-action',
  'swap-string-operator',
  'change-number',
  'change-date',
] as const;

export type MutationOperator = (typeof OPERATORS)[number];

/** A policy document the suites use, and where: one entry per file (or inline definition). */
export interface MutationTarget {
  /** The policy file (display path), or the suite holding an inline policy. */
  file: string;
  /** False for an inline policy: its text is the document as JSON, not a file's. */
  onDisk: boolean;
  text: string;
  /** The suites that use it and the names they give it. */
  uses: { suite: Suite; names: string[] }[];
}

export interface Mutant {
  id: number;
  operator: MutationOperator;
  target: MutationTarget;
  /** The statement the edit is in: `#9 BlockMostAccessUnlessSignedInWithMFA`. */
  statement: string;
  /** The edit in words: `Effect Deny → Allow`. */
  description: string;
  /** Line of the policy text where the edit starts. */
  line: number;
  text: string;
}

export type MutantStatus = 'killed' | 'survived' | 'invalid';

export interface KillingCase {
  /** The suite file to paste it into (display path). */
  suite: string;
  case: ExampleCase;
}

export interface MutantResult {
  mutant: Mutant;
  status: MutantStatus;
  /** killed: `suite › case` (or property) that failed. */
  killedBy?: string;
  /** invalid: the first validation error. */
  invalid?: string;
  /** survived: a request the original and the mutant decide differently, as a case; absent when none was found. */
  killingCase?: KillingCase;
}

export interface MutationReport {
  results: MutantResult[];
  summary: { targets: number; mutants: number; killed: number; survived: number; invalid: number; score: number };
}

// ---------------------------------------------------------------------------------------------
// targets

/** The policies the suites use, AWS managed policies (by ARN, or copies under aws-managed/) excepted: they are not the project's to fix. */
export function mutationTargets(suites: readonly Suite[], cwd: string): MutationTarget[] {
  const byKey = new Map<string, MutationTarget>();
  for (const suite of suites) {
    for (const sp of suite.policies.values()) {
      if (sp.awsManaged || (sp.path !== undefined && awsManagedCopy(sp.path) !== undefined) || sp.compiled.size === 0) continue;
      const key = sp.path !== undefined ? `file:${sp.path}` : `inline:${sp.defined.file}:${sp.defined.line}:${sp.defined.column}`;
      let t = byKey.get(key);
      if (!t) {
        t = { file: displayPath(sp.path ?? sp.defined.file, cwd), onDisk: sp.path !== undefined, text: sp.text, uses: [] };
        byKey.set(key, t);
      }
      let use = t.uses.find((u) => u.suite === suite);
      if (!use) t.uses.push((use = { suite, names: [] }));
      use.names.push(sp.name);
    }
  }
  return [...byKey.values()].sort((a, b) => a.file.localeCompare(b.file));
}

// ---------------------------------------------------------------------------------------------
// mutants: edits of the policy text at the spans its JSON reader recorded

interface Edit {
  start: number;
  end: number;
  insert: string;
}

type Located = { span: { start: Position; end: Position } };

class Text {
  private readonly lineStarts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) this.lineStarts.push(i + 1);
    }
  }

  offset(p: Position): number {
    return this.lineStarts[p.line - 1]! + p.column - 1;
  }

  replace(node: Located, insert: string): Edit {
    return { start: this.offset(node.span.start), end: this.offset(node.span.end), insert };
  }

  /** Removes item i of a list (array items or object entries) with the separator beside it. */
  remove(items: { start: Position; end: Position }[], i: number): Edit {
    const at = items[i]!;
    if (i + 1 < items.length) return { start: this.offset(at.start), end: this.offset(items[i + 1]!.start), insert: '' };
    if (i > 0) return { start: this.offset(items[i - 1]!.end), end: this.offset(at.end), insert: '' };
    return { start: this.offset(at.start), end: this.offset(at.end), insert: '' };
  }

  apply(e: Edit): string {
    return this.text.slice(0, e.start) + e.insert + this.text.slice(e.end);
  }
}

const entrySpan = (e: JsonEntry) => ({ start: e.keySpan.start, end: e.value.span.end });
const entriesOf = (n: JsonNode | undefined): JsonEntry[] => (n?.kind === 'object' ? n.entries : []);
const entry = (n: JsonNode | undefined, key: string) => entriesOf(n).find((e) => e.key === key);
/** A string or number value, or each of an array of them. */
const scalars = (n: JsonNode): JsonNode[] => (n.kind === 'array' ? n.items : [n]).filter((x) => x.kind === 'string' || x.kind === 'number');
const scalarText = (n: JsonNode): string => (n.kind === 'string' ? n.value : n.kind === 'number' ? n.raw : '');

const STRING_SWAP: Record<string, string> = {
  StringEquals: 'StringLike',
  StringLike: 'StringEquals',
  StringNotEquals: 'StringNotLike',
  StringNotLike: 'StringNotEquals',
};

/** Every mutant of one policy, in document order, without repeats (nor the original text). */
export function mutantsOf(target: MutationTarget, firstId = 1): Mutant[] {
  const text = new Text(target.text);
  const root = parseJson(target.text).node;
  const out: Mutant[] = [];
  const seen = new Set<string>([target.text]);
  let statement = '';
  /** `at`: the element the edit changes or removes (its line is the mutant's). */
  const add = (operator: MutationOperator, edit: Edit, description: string, at: Position): void => {
    const mutated = text.apply(edit);
    if (seen.has(mutated)) return;
    seen.add(mutated);
    out.push({ id: firstId + out.length, operator, target, statement, description, line: at.line, text: mutated });
  };
  const statements = entry(root, 'Statement')?.value;
  const list = statements?.kind === 'array' ? statements.items : statements ? [statements] : [];
  list.forEach((st, i) => {
    const sid = entry(st, 'Sid')?.value;
    statement = `#${i}${sid?.kind === 'string' ? ` ${sid.value}` : ''}`;
    const effect = entry(st, 'Effect')?.value;
    if (effect?.kind === 'string' && (effect.value === 'Allow' || effect.value === 'Deny')) {
      const other = effect.value === 'Allow' ? 'Deny' : 'Allow';
      add('flip-effect', text.replace(effect, JSON.stringify(other)), `Effect ${effect.value} → ${other}`, effect.span.start);
    }
    if (statements?.kind === 'array') add('drop-statement', text.remove(statements.items.map((x) => x.span), i), 'statement removed', st.span.start);
    for (const [element, operator] of [['Action', 'widen-action'], ['Resource', 'widen-resource']] as const) {
      const v = entry(st, element)?.value;
      for (const item of v ? scalars(v) : []) {
        if (scalarText(item) !== '*') add(operator, text.replace(item, '"*"'), `${element} ${scalarText(item)} → *`, item.span.start);
      }
    }
    const notAction = entry(st, 'NotAction')?.value;
    if (notAction?.kind === 'array' && notAction.items.length > 1) {
      notAction.items.forEach((item, k) =>
        add('drop-not-action', text.remove(notAction.items.map((x) => x.span), k), `NotAction ${scalarText(item)} removed`, item.span.start),
      );
    }
    const entries = entriesOf(st);
    const cond = entries.find((e) => e.key === 'Condition');
    if (!cond) return;
    add('drop-condition', text.remove(entries.map(entrySpan), entries.indexOf(cond)), 'Condition removed', cond.keySpan.start);
    const operators = entriesOf(cond.value);
    operators.forEach((opEntry, o) => {
      const op = parseOperator(opEntry.key);
      if (!op) return;
      const written = opEntry.key;
      const keySpan = { span: opEntry.keySpan };
      if (op.ifExists) {
        add('drop-if-exists', text.replace(keySpan, JSON.stringify(written.replace(/IfExists$/, ''))), `${written} → ${written.replace(/IfExists$/, '')}`, opEntry.keySpan.start);
      }
      const swap = STRING_SWAP[op.base.name];
      if (swap) {
        const renamed = written.replace(op.base.name, swap);
        add('swap-string-operator', text.replace(keySpan, JSON.stringify(renamed)), `${written} → ${renamed}`, opEntry.keySpan.start);
      }
      const keys = entriesOf(opEntry.value);
      keys.forEach((k, j) => {
        const dropKey = keys.length > 1 ? text.remove(keys.map(entrySpan), j) : text.remove(operators.map(entrySpan), o);
        if (keys.length > 1 || operators.length > 1) add('drop-condition-key', dropKey, `${written} ${k.key} removed`, k.keySpan.start);
        const values = k.value.kind === 'array' ? k.value.items : [k.value];
        if (k.value.kind === 'array' && values.length > 1) {
          values.forEach((v, m) =>
            add('drop-condition-value', text.remove(values.map((x) => x.span), m), `${written} ${k.key} value ${scalarText(v)} removed`, v.span.start),
          );
        }
        for (const v of values) {
          const was = scalarText(v);
          const changed = op.base.family === 'Numeric' ? nextNumber(was) : op.base.family === 'Date' ? nextDay(was) : null;
          if (changed === null) continue;
          const insert = v.kind === 'number' ? changed : JSON.stringify(changed);
          add(op.base.family === 'Numeric' ? 'change-number' : 'change-date', text.replace(v, insert), `${written} ${k.key} ${was} → ${changed}`, v.span.start);
        }
      });
    });
  });
  return out;
}

/** A decimal number + 1, written without exponent; null when the value is not a plain number. */
function nextNumber(v: string): string | null {
  const m = /^(-?)(\d+)(\.\d+)?$/.exec(v.trim());
  if (!m) return null;
  const whole = BigInt(`${m[1]}${m[2]}`) + 1n;
  return `${whole}${m[3] ?? ''}`;
}

/** A date one day later, in the form it was written (epoch seconds, or ISO 8601 in UTC). */
function nextDay(v: string): string | null {
  const t = parseInstant(v);
  if (Number.isNaN(t)) return null;
  if (/^-?\d+(\.\d+)?$/.test(v) && v.length !== 4) return String(Number(v) + 86_400);
  return new Date(t + 86_400_000).toISOString().replace('.000Z', 'Z');
}

// ---------------------------------------------------------------------------------------------
// running the suites against mutants

export interface MutateOptions {
  /** Property checks (src/scenario/properties.ts) run after the cases; null: cases only. */
  checkProperty: CheckProperty | null;
  cwd: string;
  /** Called after each mutant. */
  onProgress?: (done: number, total: number) => void;
  /** Only these operators (default: all). */
  operators?: readonly MutationOperator[];
}

/** The suite with one policy document replaced by the mutant's text (compiled for each type the suite uses it as); throws PolicyError when invalid. */
function mutantSuite(suite: Suite, names: string[], text: string): Suite {
  const policies = new Map(suite.policies);
  for (const name of names) {
    const sp = suite.policies.get(name)!;
    const compiled = new Map<PolicyType, CompiledPolicy>();
    for (const type of sp.compiled.keys()) compiled.set(type, compilePolicy(text, { name, type, file: sp.path ?? suite.file }));
    const mutated: SuitePolicy = { ...sp, text, document: JSON.parse(text) as unknown, compiled };
    policies.set(name, mutated);
  }
  return { ...suite, policies };
}

/** The first of the suite's cases (then properties) that fails: `suite › name`, or null. */
function firstFailure(suite: Suite, opts: MutateOptions): string | null {
  for (const c of suite.cases) if (fails(suite, c)) return `${suite.name} › ${c.name}`;
  if (opts.checkProperty) {
    for (const p of suite.properties) {
      const r = opts.checkProperty(suite, p, { cwd: opts.cwd });
      if (!r.pass && r.skipped === undefined) return `${suite.name} › ${p.name}`;
    }
  }
  return null;
}

function fails(suite: Suite, c: Case): boolean {
  const { okDecision, missingRefs } = checkCase(suite, c);
  return !okDecision || missingRefs.length > 0;
}

/** Runs every mutant of every target; the suites must pass unmutated. */
export function runMutants(suites: readonly Suite[], opts: MutateOptions): MutationReport {
  for (const suite of suites) {
    const failed = firstFailure(suite, opts);
    if (failed) throw new UsageError(`mutation testing needs passing suites, and ${failed} fails on the policies as they are: run iamspec test and fix it first`);
  }
  const targets = mutationTargets(suites, opts.cwd);
  const only = opts.operators ? new Set(opts.operators) : null;
  const mutants: Mutant[] = [];
  for (const t of targets) mutants.push(...mutantsOf(t, mutants.length + 1).filter((m) => !only || only.has(m.operator)));
  const results: MutantResult[] = [];
  for (const mutant of mutants) {
    results.push(runMutant(mutant, opts));
    opts.onProgress?.(results.length, mutants.length);
  }
  const count = (s: MutantStatus) => results.filter((r) => r.status === s).length;
  const killed = count('killed');
  const survived = count('survived');
  const counted = killed + survived;
  return {
    results,
    summary: {
      targets: targets.length,
      mutants: mutants.length,
      killed,
      survived,
      invalid: count('invalid'),
      score: counted === 0 ? 100 : Math.floor((killed / counted) * 1000) / 10,
    },
  };
}

function runMutant(mutant: Mutant, opts: MutateOptions): MutantResult {
  const pairs: { original: Suite; mutated: Suite }[] = [];
  try {
    for (const use of mutant.target.uses) pairs.push({ original: use.suite, mutated: mutantSuite(use.suite, use.names, mutant.text) });
  } catch (e) {
    if (!(e instanceof PolicyError)) throw e;
    const first = e.findings.find((f) => f.severity === 'error');
    return { mutant, status: 'invalid', invalid: first ? `${first.code}: ${first.message}` : e.message };
  }
  for (const { mutated } of pairs) {
    const killedBy = firstFailure(mutated, opts);
    if (killedBy) return { mutant, status: 'killed', killedBy };
  }
  const killingCase = findKillingCase(pairs, mutant, opts.cwd);
  return killingCase ? { mutant, status: 'survived', killingCase } : { mutant, status: 'survived' };
}

/**
 * A request the original and the mutant decide differently, as a case expecting the original's
 * decision; failing that, one where they decide alike by different statements, as a case with
 * the original's `decidedBy`. Null when the enumeration finds neither (a likely equivalent mutant).
 */
function findKillingCase(pairs: { original: Suite; mutated: Suite }[], mutant: Mutant, cwd: string): KillingCase | undefined {
  let byStatements: KillingCase | undefined;
  const what = `kills mutant ${mutant.id}`;
  for (const { original, mutated } of pairs) {
    const suite = displayPath(original.file, cwd);
    for (const d of differences(original, mutated)) {
      if (d.base.decision !== d.head.decision) return { suite, case: exampleCase(d.probe, d.base.decision, what) };
      if (byStatements) continue;
      const now = new Set(d.head.decidedBy.map(refName));
      const lost = d.base.decidedBy.map(refName).filter((r) => !now.has(r));
      if (lost.length) byStatements = { suite, case: { ...exampleCase(d.probe, d.base.decision, what), decidedBy: lost } };
    }
  }
  return byStatements;
}
