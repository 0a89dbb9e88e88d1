// Public surface of src/policy: read IAM policy JSON into the typed model, validate it, and format
// findings as `file:line:column: severity Code: message`.

import type { Finding } from './model.ts';
import { readPolicy, type ReadOptions } from './parse.ts';
import type { JsonNode, Policy } from './model.ts';

export * from './model.ts';
export { parseJson, checkNodeCharacters, escapePointer, isAllowedPolicyChar, MAX_JSON_DEPTH, type JsonResult } from './json.ts';
export { readPolicy, isJsonNode, guessPolicyType, type ReadOptions, type ReadResult } from './parse.ts';
export { validatePolicy, OUR_CODES, type ValidateOptions } from './validate/index.ts';
export { scalarText } from './validate/nodes.ts';
export { PARTITIONS } from './validate/arns.ts';
export { MAX_POLICY_TEXT } from './validate/size.ts';
export { parseOperator, BASE_OPERATORS, type BaseOperator, type OperatorFamily, type ParsedOperator, type SetQualifier } from './operators.ts';
export { parseTemplate, type Template, type TemplateError, type TemplatePart } from './variables.ts';

/** `file:line:column: severity Code: message`; the policy name stands in for a missing file. */
export function formatFinding(f: Finding): string {
  const where = f.file ?? f.policy ?? '<policy>';
  return `${where}:${f.position.line}:${f.position.column}: ${f.severity} ${f.code}: ${f.message}`;
}

/** A policy that could not be used; `findings` lists why (usually the error findings). */
export class PolicyError extends Error {
  override readonly name = 'PolicyError';
  readonly findings: Finding[];
  readonly policyName: string | undefined;

  constructor(findings: Finding[], policyName?: string) {
    const errors = findings.filter((f) => f.severity === 'error');
    const shown = errors.length > 0 ? errors : findings;
    const head = policyName ? `policy ${JSON.stringify(policyName)} is not valid` : 'the policy is not valid';
    const lines = shown.slice(0, 10).map((f) => '  ' + formatFinding(f));
    if (shown.length > 10) lines.push(`  … and ${shown.length - 10} more`);
    super(`${head} (${errors.length} error${errors.length === 1 ? '' : 's'}):\n${lines.join('\n')}`);
    this.findings = findings;
    this.policyName = policyName;
  }
}

/** readPolicy that returns the Policy or throws PolicyError with every finding. */
export function readPolicyOrThrow(input: string | JsonNode | object, opts: ReadOptions): { policy: Policy; findings: Finding[] } {
  const r = readPolicy(input, opts);
  if (!r.policy) throw new PolicyError(r.findings, opts.name);
  return { policy: r.policy, findings: r.findings };
}
