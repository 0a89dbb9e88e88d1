// `iamspec lint [paths]`: the policies under the paths, each linted once. Suites (.yaml/.yml with
// `suite:`) are loaded as `iamspec test` loads them, so their policies are linted as every type
// they are used as, with the suite's `lint.disable`; the policy files not used by a suite
// (.json with a "Statement") are linted as their guessed type (or --type), with the ignore files
// above them. Findings stay in the report when disabled, marked `suppressed`.

import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { displayPath } from '../display-path.ts';
import { FileReadError, readTextFile } from '../read-file.ts';
import { guessPolicyType, readPolicy, type Finding, type PolicyType } from '../policy/index.ts';
import { IgnoreFiles, lintCompiled } from '../scenario/lint.ts';
import { loadSuites } from '../scenario/loader.ts';
import { SuiteError } from '../scenario/model.ts';

export interface LintReport {
  /** Every finding, suppressed ones included, by file then position. */
  findings: Finding[];
  /** Policies linted (a policy used as two types counts once). */
  policies: number;
  suites: number;
}

export interface LintOptions {
  cwd: string;
  /** The type of policy files outside suites (default: guessed per file). */
  type?: PolicyType;
}

const SKIP_DIRS = new Set(['node_modules', 'cdktf.out', 'dist', 'coverage']);

/** Files under a directory (or the file itself), without dot-folders and build output. */
function files(abs: string): string[] {
  if (!statSync(abs).isDirectory()) return [abs];
  const out: string[] = [];
  for (const e of readdirSync(abs, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (e.name.startsWith('.') || SKIP_DIRS.has(e.name)) continue;
    const p = join(abs, e.name);
    if (e.isDirectory()) out.push(...files(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/** A JSON file is a policy when its top level is an object with "Statement" (recordings and schemas are not). */
function policyText(path: string, given: boolean, cwd: string): string | undefined {
  let text: string;
  try {
    text = readTextFile(path, { keepBom: true });
  } catch (e) {
    if (!(e instanceof FileReadError)) throw e;
    throw new SuiteError(`${displayPath(path, cwd)} ${e.message}`, { file: displayPath(path, cwd), ...(e.position ?? { line: 1, column: 1 }) });
  }
  if (given) return text;
  try {
    const doc = JSON.parse(text) as unknown;
    return doc !== null && typeof doc === 'object' && !Array.isArray(doc) && 'Statement' in doc ? text : undefined;
  } catch {
    return undefined; // a broken JSON file found in a folder is not known to be a policy
  }
}

export function lintPaths(paths: readonly string[], opts: LintOptions): LintReport {
  const { cwd } = opts;
  const suitePaths: string[] = [];
  const policyFiles: { abs: string; given: boolean }[] = [];
  for (const p of paths) {
    const abs = resolve(cwd, p);
    let all: string[];
    try {
      all = files(abs);
    } catch {
      throw new SuiteError(`${p}: no such file or directory (nothing to lint)`, { file: displayPath(abs, cwd), line: 1, column: 1 });
    }
    const given = all.length === 1 && all[0] === abs;
    if (all.some((f) => /\.ya?ml$/i.test(f))) suitePaths.push(given ? p : abs);
    for (const f of all) if (/\.json$/i.test(f)) policyFiles.push({ abs: f, given });
  }

  const findings: Finding[] = [];
  const linted = new Set<string>();
  let policies = 0;
  const suites = suitePaths.length ? loadSuites(suitePaths, { cwd, keepLintErrors: true }) : [];
  for (const suite of suites) {
    for (const p of suite.policies.values()) {
      const key = p.path ?? `${suite.file}#${p.name}`;
      if (p.compiled.size === 0 || linted.has(key)) continue; // unused, or linted through another suite
      linted.add(key);
      policies++;
      for (const compiled of p.compiled.values()) findings.push(...compiled.findings);
    }
  }

  const ignore = new IgnoreFiles(cwd);
  for (const { abs, given } of policyFiles) {
    if (linted.has(abs)) continue;
    const text = policyText(abs, given, cwd);
    if (text === undefined) continue;
    linted.add(abs);
    policies++;
    const name = abs.replace(/^.*[\\/]/, '').replace(/\.json$/i, '');
    const file = displayPath(abs, cwd);
    const r = readPolicy(text, { name, type: opts.type ?? guessPolicyType(text), file });
    findings.push(...(r.policy ? lintCompiled(r.policy, r.findings, ignore.entriesFor(abs)) : r.findings));
  }
  if (policies === 0) {
    throw new SuiteError(`no policies to lint under ${paths.join(', ')}: give policy files (.json with a "Statement"), folders or suites`, { file: paths[0] ?? '.', line: 1, column: 1 });
  }
  return { findings: dedupe(findings), policies, suites: suites.length };
}

/** One finding per file, place, code and message (a policy used as several types repeats them). */
function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const f of findings) {
    const k = `${f.file}\0${f.position.line}\0${f.position.column}\0${f.code}\0${f.message}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(f);
  }
  return out.sort((a, b) => ((a.file ?? '') < (b.file ?? '') ? -1 : (a.file ?? '') > (b.file ?? '') ? 1 : a.position.line - b.position.line || a.position.column - b.position.column));
}
