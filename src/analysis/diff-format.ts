// `iamspec diff` output: Markdown (a pull-request comment; readable in a terminal too) and JSON
// (the DiffReport of src/analysis/diff.ts, documented in docs/scenario-format.md).

import { stringify } from 'yaml';
import type { AccessChange, DiffReport, SuiteDiff } from './diff.ts';

/** The first line of the Markdown: the policy-pr workflow finds its own comment by it. */
export const DIFF_MARKER = '<!-- iamspec-diff -->';

/** GitHub refuses comments over 65,536 characters: stop listing changes well before. */
const MARKDOWN_BUDGET = 60_000;

const fmt = (n: number) => n.toLocaleString('en-US');

export function formatDiffJson(r: DiffReport): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}

export function formatDiffMarkdown(r: DiffReport): string {
  const s = r.summary;
  const out: string[] = [DIFF_MARKER, `### iamspec diff: \`${r.base}\` → \`${r.head}\``, ''];
  const compared = `${fmt(s.requests)} requests compared in ${s.suites} suite${s.suites === 1 ? '' : 's'}`;
  if (s.added === 0 && s.removed === 0) {
    out.push(`No access added or removed (${compared}).`, '');
    return out.join('\n');
  }
  out.push(`**${fmt(s.added)} requests gain access, ${fmt(s.removed)} lose it** in ${s.changed} suite${s.changed === 1 ? '' : 's'} (${compared}).`, '');
  let used = out.join('\n').length;
  let left = 0;
  for (const suite of r.suites) {
    if (suite.changes.length === 0) continue;
    const head = suiteHeading(suite);
    if (used + head.length > MARKDOWN_BUDGET) {
      left += suite.changes.length;
      continue;
    }
    out.push(head);
    used += head.length;
    for (const c of suite.changes) {
      const block = changeBlock(c);
      if (used + block.length > MARKDOWN_BUDGET) {
        left++;
        continue;
      }
      out.push(block);
      used += block.length;
    }
  }
  if (left > 0) out.push(`… and ${left} more change${left === 1 ? '' : 's'}: run \`iamspec diff --format json\` for all of them.`, '');
  return out.join('\n');
}

function suiteHeading(s: SuiteDiff): string {
  const unchanged = s.stats.unchanged.length ? `; unchanged: ${s.stats.unchanged.join(', ')}` : '';
  return `#### ${s.suite} — \`${s.file}\`\n\n${fmt(s.stats.requests)} requests compared${unchanged}.\n`;
}

const CAUSE: Record<AccessChange['cause'], string> = {
  granted: 'granted by',
  denied: 'denied by',
  ungranted: 'no longer granted by',
};

function list(items: string[], max: number): string {
  const shown = items.slice(0, max).map((x) => `\`${x}\``);
  return items.length > max ? `${shown.join(', ')} … (${items.length})` : shown.join(', ');
}

function changeBlock(c: AccessChange): string {
  const sign = c.change === 'added' ? '➕ added' : '➖ removed';
  const by = c.statements.length
    ? `${CAUSE[c.cause]} ${c.statements.map((st) => `\`${st.ref}\`${st.file ? ` (${st.file}:${st.line})` : ''}`).join(', ')}`
    : c.cause === 'ungranted'
      ? 'no longer allowed'
      : c.change === 'added'
        ? 'now allowed'
        : 'now denied';
  const yaml = stringify([c.example], { lineWidth: 0 }).trimEnd();
  return [
    `- **${sign}** for **${c.principal}** — ${by}: ${fmt(c.requests)} request${c.requests === 1 ? '' : 's'}, ${c.actions.length} action${c.actions.length === 1 ? '' : 's'} (${list(c.actions, 8)}) on ${list(c.resources, 4)}`,
    '',
    `  <details><summary>example case (${c.base} before, ${c.head} now)</summary>`,
    '',
    '  ```yaml',
    ...yaml.split('\n').map((l) => `  ${l}`),
    '  ```',
    '',
    '  </details>',
    '',
  ].join('\n');
}
