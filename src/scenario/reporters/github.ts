// `--reporter github`: GitHub Actions workflow commands. Each failure becomes an annotation on
// the case's line of its YAML file (`::error file=…,line=…,col=…,title=…::message`), skipped
// results a `::warning`, then one plain summary line. Paths are relative to the working
// directory (the repository root in a workflow).

import { formatFailure } from '../format-explanation.ts';
import { displayPath } from '../../display-path.ts';
import type { RunReport } from '../runner.ts';
import { summaryLine, formatProblem } from './pretty.ts';
import type { Output, Problem, Reporter, ReporterContext } from './types.ts';

/** Escapes a workflow command's message. */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a workflow command's property value. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function command(kind: 'error' | 'warning' | 'notice', props: Record<string, string | number | undefined>, message: string): string {
  const p = Object.entries(props)
    .filter((e): e is [string, string | number] => e[1] !== undefined && e[1] !== '')
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
    .join(',');
  return `::${kind}${p ? ' ' + p : ''}::${escapeData(message)}`;
}

export function formatGithub(run: RunReport, ctx: ReporterContext): string {
  const out: string[] = [];
  for (const r of run.results) {
    if (r.pass) continue;
    const detail = run.details.get(r);
    const file = detail ? displayPath(detail.defined.file, ctx.cwd) : r.file;
    const props = {
      file,
      line: detail?.defined.line,
      col: detail?.defined.column,
      title: `iamspec: ${r.suite} › ${r.case}`,
    };
    if (r.skipped !== undefined) {
      out.push(command('warning', props, `skipped: ${r.skipped}`));
      continue;
    }
    const body = formatFailure(r, detail, { color: false, cwd: ctx.cwd });
    const head = r.reason ?? `expected ${r.expected}, got ${r.actual ?? 'no decision'}`;
    out.push(command('error', props, `${head}\n${body}`));
  }
  out.push(`iamspec: ${summaryLine(run, { ...ctx, color: false })}`);
  return out.join('\n') + '\n';
}

export function githubError(problem: Problem, ctx: ReporterContext): Output {
  const w = problem.where;
  const text = formatProblem(problem, { ...ctx, color: false }).trimEnd();
  const props = w
    ? { file: displayPath(w.file, ctx.cwd), line: w.line, col: w.column, title: 'iamspec: input error' }
    : { title: 'iamspec: input error' };
  return { stdout: command('error', props, text) + '\n', stderr: '' };
}

export const github: Reporter = { name: 'github', report: formatGithub, error: githubError };
