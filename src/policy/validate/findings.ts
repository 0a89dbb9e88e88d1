// Findings of the checks that run on the typed policy (catalog checks and lint rules): the one
// Finding type of ../model.ts, placed at an element's position with a JSON pointer to it.

import type { Finding, Located, Position, Severity, Statement } from '../model.ts';

/** Collects findings of one policy; `path` is a JSON pointer into the document. */
export class FindingList {
  readonly findings: Finding[] = [];
  add(code: string, severity: Severity, message: string, at: Position | Located<unknown>, path: string): void {
    const position = 'span' in at ? at.span.start : at;
    this.findings.push({ code, severity, message, position, path });
  }
}

/** `/Statement/2/Action/0`: where an element's k-th entry sits (arrays assumed; a lone string has no index). */
export function pointer(st: Statement, element: string, k?: number): string {
  return `/Statement/${st.index}/${element}${k === undefined ? '' : `/${k}`}`;
}
