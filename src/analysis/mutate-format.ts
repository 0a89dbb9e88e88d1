// `iamspec mutate` output: pretty (the score, then every surviving mutant as a line diff of its
// policy with the case that would kill it) and JSON (docs/scenario-format.md "Mutation testing").

import { stringify } from 'yaml';
import { palette } from '../scenario/format-explanation.ts';
import type { MutantResult, MutationReport } from './mutate.ts';

/** Lines kept around a change in a diff. */
const CONTEXT = 2;

/**
 * A unified-style diff of two texts that differ in one region (a mutant is one edit): the lines
 * before and after it that both share are kept as context, `-` the original's, `+` the mutant's.
 */
export function lineDiff(before: string, after: string): string {
  const a = before.split(/\r\n|\n|\r/);
  const b = after.split(/\r\n|\n|\r/);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const from = Math.max(0, head - CONTEXT);
  const out = [`@@ line ${from + 1} @@`];
  for (let i = from; i < head; i++) out.push(`  ${a[i]}`);
  for (let i = head; i < a.length - tail; i++) out.push(`- ${a[i]}`);
  for (let i = head; i < b.length - tail; i++) out.push(`+ ${b[i]}`);
  for (let i = a.length - tail; i < Math.min(a.length, a.length - tail + CONTEXT); i++) out.push(`  ${a[i]}`);
  return out.join('\n');
}

export interface MutateJson {
  summary: MutationReport['summary'];
  mutants: {
    id: number;
    file: string;
    statement: string;
    operator: string;
    description: string;
    line: number;
    status: string;
    killedBy?: string;
    invalid?: string;
    diff?: string;
    killingCase?: { suite: string; case: unknown };
  }[];
}

export function formatMutateJson(r: MutationReport): string {
  const json: MutateJson = {
    summary: r.summary,
    mutants: r.results.map(({ mutant: m, status, killedBy, invalid, killingCase }) => ({
      id: m.id,
      file: m.target.file,
      statement: m.statement,
      operator: m.operator,
      description: m.description,
      line: m.line,
      status,
      ...(killedBy ? { killedBy } : {}),
      ...(invalid ? { invalid } : {}),
      ...(status === 'survived' ? { diff: lineDiff(m.target.text, m.text) } : {}),
      ...(killingCase ? { killingCase } : {}),
    })),
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}

export function formatMutatePretty(r: MutationReport, opts: { color: boolean }): string {
  const p = palette(opts.color);
  const s = r.summary;
  const out: string[] = [];
  const survivors = r.results.filter((x) => x.status === 'survived');
  if (survivors.length) {
    out.push(p.bold(`Surviving mutants (${survivors.length}): the suites pass with these mistakes in the policies`), '');
    for (const x of survivors) out.push(survivor(x, p), '');
  }
  const counted = s.killed + s.survived;
  const score = counted ? `mutation score ${s.score}% (${s.killed} killed, ${s.survived} survived of ${counted})` : 'no mutation score (no mutant counted)';
  out.push(
    `${s.survived || !counted ? p.yellow(score) : p.green(score)}; ${s.mutants} mutants of ${s.targets} ${s.targets === 1 ? 'policy' : 'policies'}` +
      (s.invalid ? `, ${s.invalid} invalid (the policy no longer validates: not counted)` : ''),
  );
  return `${out.join('\n')}\n`;
}

function survivor(x: MutantResult, p: ReturnType<typeof palette>): string {
  const m = x.mutant;
  const lines = [`${p.bold(`#${m.id}`)} ${m.target.file}:${m.line}  ${m.operator}  ${m.statement}: ${m.description}${m.target.onDisk ? '' : ' (inline policy, shown as JSON)'}`];
  for (const l of lineDiff(m.target.text, m.text).split('\n')) {
    lines.push(`    ${l.startsWith('- ') ? p.red(l) : l.startsWith('+ ') ? p.green(l) : p.dim(l)}`);
  }
  if (x.killingCase) {
    lines.push(`  a case that kills it (paste under cases: of ${x.killingCase.suite}):`);
    for (const l of stringify([x.killingCase.case], { lineWidth: 0 }).trimEnd().split('\n')) lines.push(`    ${l}`);
  } else {
    lines.push(p.dim('  no enumerated request tells it apart from the original: likely equivalent (README "Mutation testing")'));
  }
  return lines.join('\n');
}
