// Coverage (src/analysis/coverage.ts) as text: for people (pretty), and for CI coverage tools
// (lcov tracefile, Cobertura XML). The JSON form is the Coverage object itself.
//
// In both tool formats a policy statement is a line (hit count: the cases it decided, so a
// statement that only matched shows as uncovered, as in the percentage) and each condition entry
// contributes three branches: key present and entry true, present and false, absent.

import { dirname } from 'node:path';
import { palette } from '../scenario/format-explanation.ts';
import { xmlEscape } from '../scenario/reporters/junit.ts';
import type { ConditionCoverage, Coverage, PolicyCoverage, StatementCoverage } from './coverage.ts';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The one-line summary, e.g. `coverage: 41/58 statements decided a case (70.6%) …`. */
export function coverageSummaryLine(c: Coverage): string {
  const s = c.summary;
  return `coverage: ${s.decided}/${s.statements} statements decided a case (${s.percent}%); ${s.matched} matched but never decided; ${s.unmatched} never matched (${s.policies} ${s.policies === 1 ? 'policy' : 'policies'}, ${plural(s.cases, 'case')})`;
}

function statementName(s: StatementCoverage): string {
  return `#${s.index}${s.sid ? ` ${s.sid}` : ''} (${s.effect})`;
}

/** Which of the three outcomes a condition entry was never seen with. */
export function missingOutcomes(e: ConditionCoverage): string[] {
  const out: string[] = [];
  if (e.presentTrue === 0) out.push('present-true');
  if (e.presentFalse === 0) out.push('present-false');
  if (e.absent === 0) out.push('absent');
  return out;
}

export function formatCoveragePretty(c: Coverage, opts: { color?: boolean } = {}): string {
  const p = palette(opts.color === true);
  const lines: string[] = ['', p.bold('Coverage (statements that decided a case; condition keys seen present-true / present-false / absent)')];
  for (const pol of c.policies) {
    const decided = pol.statements.filter((s) => s.status === 'decided').length;
    const full = decided === pol.statements.length && pol.statements.every((s) => s.conditions.every((e) => missingOutcomes(e).length === 0));
    const name = pol.file.endsWith(`/${pol.policy}.json`) || pol.file === pol.policy ? '' : ` (${pol.policy})`;
    const conditional = pol.statements.some((s) => s.conditions.length > 0);
    lines.push(`  ${full ? p.green('✓') : ' '} ${pol.file}${name}  ${decided}/${pol.statements.length} decided${full && conditional ? p.dim(', every condition key seen present-true, present-false and absent') : ''}`);
    // A fully covered policy is one line; the others list every statement, so the gaps stand out.
    if (full) continue;
    for (const s of pol.statements) {
      const mark = s.status === 'decided' ? p.green('✓') : s.status === 'matched' ? p.yellow('~') : p.red('✗');
      const what =
        s.status === 'decided'
          ? `decided ${plural(s.decided, 'case')}`
          : s.status === 'matched'
            ? `matched ${plural(s.matched, 'case')}, never decided one`
            : 'never matched';
      lines.push(`      ${mark} ${statementName(s)} line ${s.line}  ${p.dim(what)}`);
      for (const e of s.conditions) {
        const gaps = missingOutcomes(e);
        const seen =
          gaps.length === 3
            ? p.yellow('never reached (no case matched the rest of the statement)')
            : `present-true ${e.presentTrue} · present-false ${e.presentFalse} · absent ${e.absent}${gaps.length ? p.yellow(`  never ${gaps.join(', ')}`) : ''}`;
        lines.push(`          ${e.operator} ${e.key} (line ${e.line}): ${seen}`);
      }
    }
  }
  for (const u of c.unused) lines.push(`  ${u.file} (${u.policy}): used by nothing in suite "${u.suite}" — not counted`);
  lines.push(coverageSummaryLine(c));
  return lines.join('\n') + '\n';
}

/** Policies whose lines refer to project files, grouped by file (several inline policies share a YAML file). */
function byFile(c: Coverage): Map<string, PolicyCoverage[]> {
  const files = new Map<string, PolicyCoverage[]>();
  for (const pol of c.policies) {
    if (!pol.onDisk) continue;
    const list = files.get(pol.file);
    if (list) list.push(pol);
    else files.set(pol.file, [pol]);
  }
  return files;
}

/** Hits per line (statements sharing a line add up). */
function lineHits(pols: PolicyCoverage[]): Map<number, number> {
  const hits = new Map<number, number>();
  for (const pol of pols) for (const s of pol.statements) hits.set(s.line, (hits.get(s.line) ?? 0) + s.decided);
  return hits;
}

function branches(e: ConditionCoverage): number[] {
  return [e.presentTrue, e.presentFalse, e.absent];
}

/** An lcov tracefile (genhtml, Codecov, Coveralls …): DA per statement, BRDA per condition outcome. */
export function formatLcov(c: Coverage): string {
  const out: string[] = [];
  for (const [file, pols] of byFile(c)) {
    out.push('TN:', `SF:${file}`);
    let brf = 0;
    let brh = 0;
    let block = 0;
    for (const pol of pols) {
      for (const s of pol.statements) {
        const reached = s.conditions.some((e) => e.presentTrue + e.presentFalse + e.absent > 0);
        s.conditions.forEach((e, k) =>
          branches(e).forEach((taken, b) => {
            brf++;
            if (taken > 0) brh++;
            out.push(`BRDA:${e.line},${block},${k * 3 + b},${reached ? taken : '-'}`);
          }),
        );
        block++;
      }
    }
    const hits = lineHits(pols);
    for (const [line, n] of [...hits].sort((a, b) => a[0] - b[0])) out.push(`DA:${line},${n}`);
    out.push(`BRF:${brf}`, `BRH:${brh}`, `LF:${hits.size}`, `LH:${[...hits.values()].filter((n) => n > 0).length}`, 'end_of_record');
  }
  return out.join('\n') + (out.length ? '\n' : '');
}

const rate = (hit: number, all: number) => (all === 0 ? '1' : String(Math.round((hit / all) * 10000) / 10000));

/** Lines and branches, valid and covered: what Cobertura totals per class, package and report. */
interface Tally {
  lines: number;
  linesHit: number;
  branches: number;
  branchesHit: number;
}

const newTally = (): Tally => ({ lines: 0, linesHit: 0, branches: 0, branchesHit: 0 });

function addTally(into: Tally, t: Tally): void {
  into.lines += t.lines;
  into.linesHit += t.linesHit;
  into.branches += t.branches;
  into.branchesHit += t.branchesHit;
}

const rates = (t: Tally) => `line-rate="${rate(t.linesHit, t.lines)}" branch-rate="${rate(t.branchesHit, t.branches)}"`;

/** Cobertura XML (GitLab, Azure DevOps, Jenkins): a class per policy file, a line per statement with its condition outcomes as branches. */
export function formatCobertura(c: Coverage, opts: { timestamp?: number } = {}): string {
  const packages = new Map<string, { file: string; pols: PolicyCoverage[] }[]>();
  for (const [file, pols] of byFile(c)) {
    const dir = dirname(file);
    const list = packages.get(dir);
    if (list) list.push({ file, pols });
    else packages.set(dir, [{ file, pols }]);
  }
  const total = newTally();
  const body: string[] = [];
  for (const [dir, classes] of [...packages].sort((a, b) => a[0].localeCompare(b[0]))) {
    const pkg: string[] = [];
    const pt = newTally();
    for (const { file, pols } of classes) {
      // Per line: hits, and the condition outcomes of the statements written there.
      const lines = new Map<number, { hits: number; all: number; hit: number }>();
      for (const pol of pols) {
        for (const s of pol.statements) {
          const l = lines.get(s.line) ?? { hits: 0, all: 0, hit: 0 };
          l.hits += s.decided;
          for (const e of s.conditions) {
            for (const taken of branches(e)) {
              l.all++;
              if (taken > 0) l.hit++;
            }
          }
          lines.set(s.line, l);
        }
      }
      const ct = newTally();
      const xmlLines: string[] = [];
      for (const [n, l] of [...lines].sort((a, b) => a[0] - b[0])) {
        addTally(ct, { lines: 1, linesHit: l.hits > 0 ? 1 : 0, branches: l.all, branchesHit: l.hit });
        xmlLines.push(
          l.all > 0
            ? `            <line number="${n}" hits="${l.hits}" branch="true" condition-coverage="${Math.floor((l.hit / l.all) * 100)}% (${l.hit}/${l.all})"/>`
            : `            <line number="${n}" hits="${l.hits}" branch="false"/>`,
        );
      }
      const name = pols.map((p) => p.policy).join(',');
      pkg.push(
        `        <class name="${xmlEscape(name)}" filename="${xmlEscape(file)}" ${rates(ct)} complexity="0">`,
        '          <methods/>',
        '          <lines>',
        ...xmlLines,
        '          </lines>',
        '        </class>',
      );
      addTally(pt, ct);
    }
    body.push(`    <package name="${xmlEscape(dir)}" ${rates(pt)} complexity="0">`, '      <classes>', ...pkg, '      </classes>', '    </package>');
    addTally(total, pt);
  }
  const ts = Math.floor((opts.timestamp ?? Date.now()) / 1000);
  return [
    '<?xml version="1.0" ?>',
    '<!DOCTYPE coverage SYSTEM "http://cobertura.sourceforge.net/xml/coverage-04.dtd">',
    `<coverage ${rates(total)} lines-covered="${total.linesHit}" lines-valid="${total.lines}" branches-covered="${total.branchesHit}" branches-valid="${total.branches}" complexity="0" version="iamspec" timestamp="${ts}">`,
    '  <sources>',
    '    <source>.</source>',
    '  </sources>',
    '  <packages>',
    ...body,
    '  </packages>',
    '</coverage>',
    '',
  ].join('\n');
}
