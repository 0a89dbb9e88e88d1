// What a VPC endpoint policy may not say beyond the IAM grammar (spec §1.8; AWS PrivateLink Guide,
// "Control access to VPC endpoints using endpoint policies", Considerations):
//   - no wildcard (`*`, `?`) and no numeric operator with a global key whose values are
//     system-generated identifiers (aws:PrincipalAccount, aws:SourceVpc, …);
//   - with a string operator, at least six consecutive characters before or after each wildcard;
//   - an ARN's account component holds an account id or a wildcard, not both.
// The 20,480-character size limit (whitespace included) is the per-type size rule (per-type.ts, size.ts).

import type { Finding, JsonEntry, JsonNode } from '../model.ts';
import { parseOperator } from '../operators.ts';

/** Global keys whose values are identifiers AWS generates (accounts, organizations, VPCs, endpoints). */
const SYSTEM_ID_KEYS: ReadonlySet<string> = new Set([
  'aws:principalaccount',
  'aws:principalorgid',
  'aws:resourceaccount',
  'aws:resourceorgid',
  'aws:sourceaccount',
  'aws:sourcevpc',
  'aws:sourcevpce',
  'aws:vpceaccount',
  'aws:vpceorgid',
]);

const SOURCE = 'the AWS PrivateLink Guide, "Control access to VPC endpoints using endpoint policies"';

type StringNode = Extract<JsonNode, { kind: 'string' }>;

function strings(n: JsonNode): StringNode[] {
  if (n.kind === 'string') return [n];
  return n.kind === 'array' ? n.items.filter((i): i is StringNode => i.kind === 'string') : [];
}

function entries(n: JsonNode | undefined): JsonEntry[] {
  return n?.kind === 'object' ? n.entries : [];
}

/** A wildcard with fewer than six consecutive plain characters on both sides, or -1. */
function shortWildcard(written: string): number {
  // `${*}` and `${?}` are literal characters; a variable stands for some text, not a wildcard.
  const v = written.replace(/\$\{[^}]*\}/g, '_');
  for (let i = 0; i < v.length; i++) {
    if (v[i] !== '*' && v[i] !== '?') continue;
    const run = (from: number, step: number): number => {
      let n = 0;
      for (let k = from; k >= 0 && k < v.length && v[k] !== '*' && v[k] !== '?'; k += step) n++;
      return n;
    };
    if (run(i - 1, -1) < 6 && run(i + 1, 1) < 6) return i;
  }
  return -1;
}

/** An ARN whose account component mixes digits with a wildcard. */
function mixedAccount(v: string): string | undefined {
  if (!v.startsWith('arn:')) return undefined;
  const account = v.split(':')[4];
  return account !== undefined && /\d/.test(account) && /[*?]/.test(account) ? account : undefined;
}

/** The endpoint-specific findings of a policy document (the IAM grammar is checked elsewhere). */
export function endpointFindings(root: JsonNode): Finding[] {
  const out: Finding[] = [];
  const add = (code: string, message: string, n: StringNode, path: string): void => {
    out.push({ code, severity: 'error', message: `${message} (${SOURCE})`, position: n.span.start, path });
  };
  const statement = entries(root).find((e) => e.key === 'Statement')?.value;
  const list = statement === undefined ? [] : statement.kind === 'array' ? statement.items : [statement];
  list.forEach((st, i) => {
    const base = statement?.kind === 'array' ? `/Statement/${i}` : '/Statement';
    for (const el of entries(st)) {
      if (el.key === 'Resource' || el.key === 'NotResource') {
        for (const n of strings(el.value)) {
          const account = mixedAccount(n.value);
          if (account) add('Endpoint policy account wildcard', `account "${account}" in ${JSON.stringify(n.value)} mixes an account id with a wildcard: write the account id or "*"`, n, `${base}/${el.key}`);
        }
      }
      if (el.key !== 'Condition') continue;
      for (const block of entries(el.value)) {
        const op = parseOperator(block.key);
        for (const cond of entries(block.value)) {
          const path = `${base}/Condition/${block.key}/${cond.key}`;
          const system = SYSTEM_ID_KEYS.has(cond.key.toLowerCase());
          if (system && op?.base.family === 'Numeric') {
            out.push({
              code: 'Endpoint policy numeric operator on system identifier',
              severity: 'error',
              message: `${cond.key} holds identifiers AWS generates: a numeric operator (${block.key}) is not allowed with it in an endpoint policy; use StringEquals (${SOURCE})`,
              position: cond.keySpan.start,
              path,
            });
          }
          for (const n of strings(cond.value)) {
            const wild = /[*?]/.test(n.value);
            if (system && wild) {
              add('Endpoint policy wildcard on system identifier', `${cond.key} holds identifiers AWS generates: write ${JSON.stringify(n.value)} without wildcards`, n, path);
            } else if (op?.base.family === 'String' && op.base.wildcards && shortWildcard(n.value) >= 0) {
              add('Endpoint policy short wildcard', `${JSON.stringify(n.value)}: a wildcard needs at least six consecutive characters before or after it`, n, path);
            }
            const account = mixedAccount(n.value);
            if (account) add('Endpoint policy account wildcard', `account "${account}" in ${JSON.stringify(n.value)} mixes an account id with a wildcard: write the account id or "*"`, n, path);
          }
        }
      }
    }
  });
  return out;
}
