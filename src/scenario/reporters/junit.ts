// `--reporter junit` (or `--junit-file path` beside another reporter): JUnit XML for CI test
// views. One <testsuite> per suite, one <testcase> per case with classname = the suite's name;
// a failure carries the plain-text explanation; skipped results carry <skipped message=…/>.

import { formatFailure } from '../format-explanation.ts';
import type { RunReport } from '../runner.ts';
import type { CaseResult } from '../report.ts';
import { formatProblem } from './pretty.ts';
import type { Output, Problem, Reporter, ReporterContext } from './types.ts';

// Characters XML 1.0 cannot carry at all (C0 controls but tab, newline, carriage return; lone
// surrogates; U+FFFE/U+FFFF); ANSI escape sequences.
// eslint-disable-next-line no-control-regex
const INVALID = /\u001b\[[0-9;]*m|[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Escapes text for an XML attribute or element. */
export function xmlEscape(s: string): string {
  return s
    .replace(INVALID, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\r/g, '&#13;')
    .replace(/\n/g, '&#10;');
}

/** Element text: newlines stay newlines (readable in CI views). */
function textEscape(s: string): string {
  return s.replace(INVALID, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function formatJunit(run: RunReport, ctx: ReporterContext): string {
  const s = run.summary;
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const time = ctx.durationMs !== undefined ? ` time="${(ctx.durationMs / 1000).toFixed(3)}"` : '';
  out.push(
    `<testsuites name="iamspec" tests="${run.results.length}" failures="${s.failed}" errors="${s.errors}" skipped="${s.skipped}"${time}>`,
  );
  const rs = run.results;
  let i = 0;
  while (i < rs.length) {
    const first = rs[i]!;
    let j = i;
    let failures = 0;
    let skipped = 0;
    while (j < rs.length && rs[j]!.file === first.file && rs[j]!.suite === first.suite) {
      const r = rs[j]!;
      if (r.skipped !== undefined) skipped++;
      else if (!r.pass) failures++;
      j++;
    }
    out.push(
      `  <testsuite name="${xmlEscape(first.suite)}" tests="${j - i}" failures="${failures}" errors="0" skipped="${skipped}" file="${xmlEscape(first.file)}">`,
    );
    const cls = xmlEscape(first.suite);
    for (let k = i; k < j; k++) out.push(testcase(rs[k]!, cls, run, ctx));
    out.push('  </testsuite>');
    i = j;
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}

function testcase(r: CaseResult, cls: string, run: RunReport, ctx: ReporterContext): string {
  const detail = run.details.get(r);
  const line = detail ? ` line="${detail.defined.line}"` : '';
  const open = `    <testcase name="${xmlEscape(r.case)}" classname="${cls}" file="${xmlEscape(r.file)}"${line}`;
  if (r.skipped !== undefined) return `${open}>\n      <skipped message="${xmlEscape(r.skipped)}"/>\n    </testcase>`;
  if (r.pass) return `${open}/>`;
  const message = r.reason ?? `expected ${r.expected}, got ${r.actual ?? 'no decision'}`;
  const body = formatFailure(r, detail, { color: false, cwd: ctx.cwd });
  return `${open}>\n      <failure message="${xmlEscape(message)}" type="${r.property ? 'PropertyFailure' : 'DecisionMismatch'}">${textEscape(body)}</failure>\n    </testcase>`;
}

/** An input error as a one-test XML report (so CI shows it), plus the message on stderr. */
export function junitError(problem: Problem, ctx: ReporterContext): Output {
  const text = formatProblem(problem, { ...ctx, color: false });
  const file = problem.where ? ` file="${xmlEscape(problem.where.file)}"` : '';
  const xml = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<testsuites name="iamspec" tests="1" failures="0" errors="1" skipped="0">',
    `  <testsuite name="iamspec" tests="1" failures="0" errors="1" skipped="0">`,
    `    <testcase name="load suites" classname="iamspec"${file}>`,
    `      <error message="${xmlEscape(problem.message)}" type="InputError">${textEscape(text)}</error>`,
    '    </testcase>',
    '  </testsuite>',
    '</testsuites>',
  ].join('\n');
  return { stdout: xml + '\n', stderr: formatProblem(problem, ctx) };
}

export const junit: Reporter = { name: 'junit', report: formatJunit, error: junitError };
