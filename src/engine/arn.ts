// ARN structure (spec §3.2): arn:partition:service:region:account-id:resource, where the resource
// component is everything after the fifth colon and may itself contain `:` and `/`.

export interface ParsedArn {
  raw: string;
  partition: string;
  service: string;
  region: string;
  account: string;
  /** Everything up to and including the fifth colon (`arn:aws:s3:::`). */
  head: string;
  /** Everything after the fifth colon. */
  resource: string;
}

/** Splits an ARN at its first five colons; null when it is not `arn:` with six components. */
export function parseArn(raw: string): ParsedArn | null {
  if (!raw.startsWith('arn:')) return null;
  const c1 = 3;
  const c2 = raw.indexOf(':', c1 + 1);
  if (c2 < 0) return null;
  const c3 = raw.indexOf(':', c2 + 1);
  if (c3 < 0) return null;
  const c4 = raw.indexOf(':', c3 + 1);
  if (c4 < 0) return null;
  const c5 = raw.indexOf(':', c4 + 1);
  if (c5 < 0) return null;
  return {
    raw,
    partition: raw.slice(c1 + 1, c2),
    service: raw.slice(c2 + 1, c3),
    region: raw.slice(c3 + 1, c4),
    account: raw.slice(c4 + 1, c5),
    head: raw.slice(0, c5 + 1),
    resource: raw.slice(c5 + 1),
  };
}
