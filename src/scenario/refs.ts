// `decidedBy` references (scenario-format.md): `policy#Sid` or `policy#N`, N the statement index
// from 0. One reading for the loader (which checks them), the runner and the differential report
// (which match them against deciding statements).

export interface StatementReference {
  text: string;
  policy: string;
  /** What follows `#`: a Sid, or an index. */
  statement: string;
  /** The statement part as an index (`0` or digits without a leading zero), else -1. */
  index: number;
}

/** Null when the text is not `policy#statement` (no `#`, an empty side, or a second `#`). */
export function parseReference(text: string): StatementReference | null {
  const hash = text.indexOf('#');
  if (hash <= 0 || hash === text.length - 1 || text.indexOf('#', hash + 1) >= 0) return null;
  const statement = text.slice(hash + 1);
  return { text, policy: text.slice(0, hash), statement, index: /^(0|[1-9]\d*)$/.test(statement) ? Number(statement) : -1 };
}

/** Whether the reference names this statement: by its Sid, or by its index. */
export function referenceMatches(ref: StatementReference, stmt: { policy: string; sid?: string | undefined; index?: number | undefined }): boolean {
  return stmt.policy === ref.policy && (stmt.sid === ref.statement || (ref.index >= 0 && stmt.index === ref.index));
}
