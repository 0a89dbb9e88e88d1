// What differs between policy types (spec §2.1–§2.2, §8.1): which elements a type requires or
// forbids and the codes it reports them under, Sid rules, Version, size quotas; and the shape of
// the one Allow an RCP may hold.

import type { JsonEntry, PolicyType, Severity } from '../model.ts';

export interface TypeRules {
  /** With its article, for messages: "an SCP". */
  label: string;
  /** Code reported for Principal / NotPrincipal when the type forbids them; undefined: required. */
  principalForbidden?: string;
  /** Code reported for NotPrincipal when the type forbids it (and requires Principal). */
  notPrincipalForbidden?: string;
  resource: 'required' | 'optional' | 'forbidden';
  /** Sids limited to [A-Za-z0-9] and required unique (error) vs. recommended unique (warning). */
  strictSid: boolean;
  idWarning: boolean;
  versionRequired: boolean;
  size: { limit: number; severity: Severity; code: string; what: string; withWhitespace?: boolean };
}

// Per-type rules, spec §2.1–§2.2 and §8.1.
export const RULES: Record<PolicyType, TypeRules> = {
  identity: {
    label: 'an identity-based policy',
    principalForbidden: 'Unsupported principal',
    resource: 'required',
    strictSid: true,
    idWarning: true,
    versionRequired: false,
    size: { limit: 6144, severity: 'warning', code: 'Policy size exceeds identity policy quota', what: 'managed policies' },
  },
  boundary: {
    label: 'a permissions boundary',
    principalForbidden: 'Unsupported principal',
    resource: 'required',
    strictSid: true,
    idWarning: true,
    versionRequired: false,
    size: { limit: 6144, severity: 'warning', code: 'Policy size exceeds identity policy quota', what: 'managed policies' },
  },
  session: {
    label: 'a session policy',
    principalForbidden: 'Unsupported principal',
    resource: 'required',
    strictSid: true,
    idWarning: true,
    versionRequired: false,
    size: { limit: 2048, severity: 'warning', code: 'Policy size exceeds session policy quota', what: 'session policies' },
  },
  scp: {
    label: 'an SCP',
    principalForbidden: 'SCP syntax error principal',
    resource: 'required',
    strictSid: true,
    idWarning: false,
    versionRequired: true,
    size: { limit: 5120, severity: 'error', code: 'Policy size exceeds SCP quota', what: 'SCPs' },
  },
  rcp: {
    label: 'an RCP',
    notPrincipalForbidden: 'RCP syntax error notprincipal',
    resource: 'required',
    strictSid: true,
    idWarning: false,
    versionRequired: true,
    size: { limit: 5120, severity: 'error', code: 'Policy size exceeds RCP quota', what: 'RCPs' },
  },
  trust: {
    label: 'a role trust policy',
    notPrincipalForbidden: 'Role trust policy syntax error notprincipal',
    resource: 'forbidden',
    strictSid: true,
    idWarning: false,
    versionRequired: false,
    size: { limit: 2048, severity: 'warning', code: 'Policy size exceeds role trust policy quota', what: 'role trust policies (the default quota)' },
  },
  endpoint: {
    label: 'a VPC endpoint policy',
    resource: 'optional',
    strictSid: false,
    idWarning: false,
    versionRequired: false,
    size: { limit: 20480, severity: 'error', code: 'Policy size exceeds VPC endpoint policy quota', what: 'VPC endpoint policies', withWhitespace: true },
  },
  resource: {
    label: 'a resource-based policy',
    resource: 'optional',
    strictSid: false,
    idWarning: false,
    versionRequired: false,
    size: { limit: 20480, severity: 'warning', code: 'Policy size exceeds resource policy quota', what: 'resource-based policies (the S3 bucket policy limit)' },
  },
};

export function isRcpFullAccess(els: Map<string, JsonEntry>): boolean {
  const star = (e: JsonEntry | undefined): boolean =>
    !!e &&
    ((e.value.kind === 'string' && e.value.value === '*') ||
      (e.value.kind === 'array' && e.value.items.length === 1 && e.value.items[0]!.kind === 'string' && e.value.items[0]!.value === '*'));
  return (
    star(els.get('Action')) &&
    star(els.get('Resource')) &&
    els.get('Principal')?.value.kind === 'string' &&
    star(els.get('Principal')) &&
    !els.has('Condition') &&
    !els.has('NotAction') &&
    !els.has('NotResource') &&
    !els.has('NotPrincipal')
  );
}
