// The default reporter, for people: per suite a ✓/✗ line per case, then every failure in full
// (expected vs actual, the deciding statements with file:line, the gates, and why each other
// statement did not match), then one summary line. Colours only when the caller says so (a TTY
// without NO_COLOR).

import { formatFailure, palette } from '../format-explanation.ts';
import { displayPath } from '../../display-path.ts';
import { satisfies } from '../expectation.ts';
import type { RunReport } from '../runner.ts';
import type { Suite } from '../model.ts';
import type { CaseResult } from '../report.ts';
import type { Output, Problem, Reporter, ReporterContext } from './types.ts';

/** Above this many cases, passing cases are counted per suite rather than listed (unless verbose). */
export const LIST_LIMIT = 500;

export function formatPretty(run: RunReport, ctx: ReporterContext): string {
  const p = palette(ctx.color);
  const out: string[] = [];
  const listPasses = !ctx.quiet && (ctx.verbose === true || run.results.length <= LIST_LIMIT);
  const failures: CaseResult[] = [];
  let assumed = 0;

  // Results arrive grouped by suite (file + name), in run order.
  let i = 0;
  const rs = run.results;
  while (i < rs.length) {
    const first = rs[i]!;
    let j = i;
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const lines: string[] = [];
    while (j < rs.length && rs[j]!.file === first.file && rs[j]!.suite === first.suite) {
      const r = rs[j]!;
      const tag = r.property ? p.dim(' (property)') : '';
      if (r.skipped !== undefined) {
        skipped++;
        if (!ctx.quiet) lines.push(`  ${p.yellow('○')} ${r.case}${tag} ${p.dim(`— skipped: ${r.skipped}`)}`);
      } else if (r.pass) {
        passed++;
        if (r.assumptions?.length) assumed++;
        const note = r.assumptions?.length ? ` ${p.dim(`(assumes ${r.assumptions.join(', ')})`)}` : '';
        if (listPasses) lines.push(`  ${p.green('✓')} ${r.case}${tag}${note}`);
      } else {
        failed++;
        failures.push(r);
        // The right decision from the wrong statements (decidedBy), or resting on an assumption
        // under --strict, is not "expected X, got X".
        const why =
          r.actual === null || !satisfies(r.expected, r.actual)
            ? `expected ${r.expected}, got ${r.actual ?? 'no decision'}`
            : r.reason?.includes('only under the assumption')
              ? `decided ${r.actual}, but only under an assumption (--strict)`
              : `decided ${r.actual}, but not by the decidedBy statements`;
        lines.push(`  ${p.red('✗')} ${r.case}${tag} ${p.dim(`— ${why}`)}`);
      }
      j++;
    }
    if (!ctx.quiet || failed > 0) {
      const counts = [`${passed} passed`, failed ? p.red(`${failed} failed`) : '', skipped ? `${skipped} skipped` : '']
        .filter(Boolean)
        .join(', ');
      out.push(`${p.bold(first.suite)} ${p.dim(first.file)} ${p.dim(`(${counts})`)}`);
      if (!listPasses && passed > 0 && !ctx.quiet) out.push(`  ${p.green('✓')} ${passed} cases passed ${p.dim('(--verbose lists them)')}`);
      out.push(...lines);
      out.push('');
    }
    i = j;
  }

  if (failures.length) {
    out.push(p.bold(p.red(`Failures (${failures.length})`)));
    out.push('');
    for (const r of failures) {
      out.push(`${p.red('✗')} ${p.bold(`${r.suite} › ${r.case}`)}`);
      out.push(formatFailure(r, run.details.get(r), { color: ctx.color, cwd: ctx.cwd, indent: '    ' }));
      out.push('');
    }
  }
  if (assumed > 0) {
    out.push(
      p.yellow(`${assumed} passing ${assumed === 1 ? 'case rests' : 'cases rest'} on an assumption`) +
        p.dim(' (README "Known differences / assumptions"; iamspec explain shows which; --strict fails them)'),
    );
  }
  out.push(summaryLine(run, ctx));
  return out.join('\n') + '\n';
}

export function summaryLine(run: RunReport, ctx: ReporterContext): string {
  const p = palette(ctx.color);
  const s = run.summary;
  const parts = [
    s.failed ? p.red(`${s.failed} failed`) : '',
    p.green(`${s.passed} passed`),
    s.skipped ? p.yellow(`${s.skipped} skipped`) : '',
    s.errors ? p.red(`${s.errors} errors`) : '',
  ].filter(Boolean);
  const total = s.passed + s.failed + s.skipped + s.errors;
  const extra = [
    `${total} ${total === 1 ? 'case' : 'cases'}`,
    `${s.suites} ${s.suites === 1 ? 'suite' : 'suites'}`,
    ctx.note ?? '',
    ctx.durationMs !== undefined ? `${(ctx.durationMs / 1000).toFixed(2)} s` : '',
  ].filter(Boolean);
  const nothing = s.passed === 0 && s.failed === 0 && s.errors === 0 ? p.red(' — nothing was checked') : '';
  return `${parts.join(', ')}${nothing} ${p.dim(`(${extra.join(', ')})`)}`;
}

/**
 * Validation warnings of the policies the run used (they do not fail a case), once per place:
 * e.g. a missing Version, which makes ${…} literal text. `iamspec validate` lists suggestions too.
 */
export function formatPolicyWarnings(suites: Suite[], cwd: string): string {
  const lines = new Set<string>();
  for (const suite of suites) {
    for (const p of suite.policies.values()) {
      for (const compiled of p.compiled.values()) {
        for (const f of compiled.findings) {
          if (f.severity !== 'warning' || f.suppressed) continue;
          const file = f.file ? displayPath(f.file, cwd) : p.name;
          lines.add(`${file}:${f.position.line}:${f.position.column}: warning ${f.code}: ${f.message}`);
        }
      }
    }
  }
  if (lines.size === 0) return '';
  return `\n${lines.size} policy warning${lines.size === 1 ? '' : 's'} (not failures):\n${[...lines].map((l) => `  ${l}`).join('\n')}\n`;
}

/** The suites' own warnings (e.g. epoch milliseconds in a date key): they do not fail a case either. */
export function formatSuiteWarnings(suites: Suite[], cwd: string): string {
  const lines = suites.flatMap((s) => (s.warnings ?? []).map((w) => `${displayPath(w.where.file, cwd)}:${w.where.line}:${w.where.column}: warning: ${w.message}`));
  if (lines.length === 0) return '';
  return `\n${lines.length} suite warning${lines.length === 1 ? '' : 's'} (not failures):\n${lines.map((l) => `  ${l}`).join('\n')}\n`;
}

/** `file:line:column: message`, then each detail indented; no stack trace. */
export function formatProblem(problem: Problem, ctx: ReporterContext): string {
  const p = palette(ctx.color);
  const loc = (w: Problem['where']) => (w ? `${displayPath(w.file, ctx.cwd)}:${w.line}:${w.column}` : '');
  const out: string[] = [];
  const head = loc(problem.where);
  out.push(head ? `${p.bold(head)}: ${p.red(problem.message)}` : `iamspec: ${p.red(problem.message)}`);
  for (const d of problem.details) {
    const at = loc(d.where);
    if (at === head && problem.message.includes(d.message)) continue; // the headline already says it
    out.push(at && !d.message.startsWith(at) ? `  ${at}: ${d.message}` : `  ${d.message}`);
  }
  if (problem.usage) out.push('', problem.usage);
  return out.join('\n') + '\n';
}

export const pretty: Reporter = {
  name: 'pretty',
  report: formatPretty,
  error: (problem, ctx): Output => ({ stdout: '', stderr: formatProblem(problem, ctx) }),
};
