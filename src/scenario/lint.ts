// Lint findings for the policies a suite uses (iamspec test reports them: errors stop the run with
// exit 2, warnings are printed), and the ignore files that turn rules off for policy files without
// a suite: `.iamspec-lint.yaml` in the policy's folder or any folder above it, up to the current
// directory. An ignore file holds `disable:` entries like a suite's `lint: {disable: [...]}`, with
// `file:` (a file or folder relative to the ignore file) in place of `policy:`.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { displayPath } from '../display-path.ts';
import { applyDisables, RULE_IDS, type DisableEntry } from '../policy/lint/disable.ts';
import { lintPolicy, ruleId } from '../policy/lint/index.ts';
import type { CompiledPolicy } from '../engine/compile.ts';
import { PolicyError } from '../policy/index.ts';
import type { Finding, JsonNode, Policy } from '../policy/model.ts';
import { didYouMean } from '../policy/names.ts';
import { SuiteError } from './model.ts';
import { parseYaml } from './yaml.ts';

const IGNORE_FILE = '.iamspec-lint.yaml';

/**
 * The grammar findings a policy compiled with plus its lint findings, with `entries` applied;
 * AWS managed policies get no lint findings (they are AWS's to fix).
 */
export function lintCompiled(policy: Policy, grammar: Finding[], entries: readonly DisableEntry[], awsManaged = false): Finding[] {
  const all = awsManaged ? [...grammar] : [...grammar, ...lintPolicy(policy)];
  return applyDisables(all, entries, policy);
}

/**
 * A policy file given on the command line (`iamspec explain --policy …`): the lint a suite's policy
 * gets, with the ignore files above it. Throws PolicyError on an error; returns the warnings.
 */
export function lintPolicyFile(compiled: CompiledPolicy, file: string, cwd: string): Finding[] {
  compiled.findings = lintCompiled(compiled.policy, compiled.findings, new IgnoreFiles(cwd).entriesFor(file));
  const errors = blocking(compiled.findings);
  if (errors.length > 0) throw new PolicyError(errors, compiled.name);
  return compiled.findings.filter((f) => f.severity === 'warning' && !f.suppressed);
}

/** The findings that stop a run: unsuppressed errors. */
export function blocking(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.severity === 'error' && !f.suppressed);
}

interface IgnoreEntry extends DisableEntry {
  /** Absolute file or folder the entry covers (the ignore file's folder when it names none). */
  scope: string;
}

/** Reads ignore files once per folder. */
export class IgnoreFiles {
  private readonly byDir = new Map<string, IgnoreEntry[]>();

  constructor(private readonly cwd: string) {}

  /** The entries that apply to a policy file: those of every ignore file from its folder up to cwd. */
  entriesFor(file: string): DisableEntry[] {
    const abs = resolve(this.cwd, file);
    const out: DisableEntry[] = [];
    let dir = dirname(abs);
    const underCwd = !relative(this.cwd, abs).startsWith('..');
    for (;;) {
      for (const e of this.read(dir)) if (abs === e.scope || abs.startsWith(e.scope + sep)) out.push(e);
      if (!underCwd || dir === this.cwd) break;
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
    return out;
  }

  private read(dir: string): IgnoreEntry[] {
    let entries = this.byDir.get(dir);
    if (entries) return entries;
    const file = join(dir, IGNORE_FILE);
    entries = existsSync(file) ? parseIgnoreFile(file, readFileSync(file, 'utf8'), displayPath(file, this.cwd)) : [];
    this.byDir.set(dir, entries);
    return entries;
  }
}

function parseIgnoreFile(abs: string, text: string, shown: string): IgnoreEntry[] {
  const fail = (n: { span: { start: { line: number; column: number } } } | undefined, message: string): never => {
    throw new SuiteError(`${IGNORE_FILE}: ${message}`, { file: shown, line: n?.span.start.line ?? 1, column: n?.span.start.column ?? 1 });
  };
  const { doc, errors } = parseYaml(text);
  if (!doc) {
    const e = errors[0];
    throw new SuiteError(`${IGNORE_FILE}: ${e?.message ?? 'not valid YAML'}`, { file: shown, line: e?.line ?? 1, column: e?.column ?? 1 });
  }
  const root = doc.node([]);
  if (root.kind === 'null') return [];
  if (root.kind !== 'object') return fail(root, 'write "disable:" followed by a list of rule ids or {rule, file, statement, reason} entries');
  const out: IgnoreEntry[] = [];
  for (const top of root.entries) {
    if (top.key !== 'disable') fail({ span: top.keySpan }, `unknown field ${JSON.stringify(top.key)}: the only field is "disable"`);
    if (top.value.kind !== 'array') fail(top.value, '"disable" is a list of rule ids or {rule, file, statement, reason} entries');
    for (const item of (top.value as Extract<JsonNode, { kind: 'array' }>).items) out.push(ignoreEntry(item, dirname(abs), shown, fail));
  }
  return out;
}

function ignoreEntry(item: JsonNode, dir: string, shown: string, fail: (n: JsonNode | undefined, m: string) => never): IgnoreEntry {
  const by = `${shown}:${item.span.start.line}:${item.span.start.column}`;
  const rule = (n: JsonNode): string => {
    if (n.kind !== 'string' || n.value === '') return fail(n, 'a rule id is text, e.g. placeholder-account');
    if (!RULE_IDS.has(ruleId(n.value))) fail(n, `unknown rule ${JSON.stringify(n.value)};${didYouMean(ruleId(n.value), RULE_IDS) || ''} rules are listed in README "Linting"`);
    return n.value;
  };
  if (item.kind === 'string') return { rule: rule(item), scope: dir, by };
  if (item.kind !== 'object') return fail(item, 'an entry is a rule id or {rule, file, statement, reason}');
  const entry: IgnoreEntry = { rule: '', scope: dir, by };
  for (const e of item.entries) {
    const v = e.value;
    if (e.key === 'rule') entry.rule = rule(v);
    else if (e.key === 'file' && v.kind === 'string' && v.value !== '') entry.scope = resolve(dir, v.value).replace(/[\\/]+$/, '');
    else if (e.key === 'statement' && (v.kind === 'string' || (v.kind === 'number' && Number.isInteger(v.value) && v.value >= 0))) entry.statement = v.value;
    else if (e.key === 'reason' && v.kind === 'string') entry.reason = v.value;
    else if (['file', 'statement', 'reason'].includes(e.key)) fail(v, `"${e.key}" takes ${e.key === 'statement' ? 'a Sid or an index from 0' : 'text'}`);
    else fail({ kind: 'null', span: e.keySpan }, `unknown field ${JSON.stringify(e.key)}: an entry has rule, file, statement and reason`);
  }
  if (entry.rule === '') fail(item, 'an entry needs "rule"');
  return entry;
}
