// Principal matching for resource-based policies (spec §2.2, §3.3) and the strength with which a
// Principal element names the caller, which decides which ceilings a same-account grant pierces
// (spec §1.3 table).

import type { PrincipalElement } from '../policy/model.ts';
import type { Principal } from './request.ts';

/**
 * How an Allow statement's Principal names the caller, weakest to strongest:
 * - `account`: the caller's account (delegation: the identity side must allow too);
 * - `roleArn` / `viaFedUserParent`: the role of a session, or the IAM user behind a federated
 *   session (pierces the identity requirement, but boundary and session policy still cap it);
 * - `direct`: the user, the session, the federated user, a service principal, or `*`
 *   (pierces identity, boundary and session implicit denies in the same account).
 */
export type PrincipalMatch = 'none' | 'account' | 'roleArn' | 'viaFedUserParent' | 'direct';

const STRENGTH: Record<PrincipalMatch, number> = {
  none: 0,
  account: 1,
  roleArn: 2,
  viaFedUserParent: 2,
  direct: 3,
};

export function stronger(a: PrincipalMatch, b: PrincipalMatch): PrincipalMatch {
  return STRENGTH[b] > STRENGTH[a] ? b : a;
}

export interface PrincipalMatcher {
  match(p: Principal): PrincipalMatch;
  /**
   * For NotPrincipal: whether the element excludes the caller. AWS may check the caller's
   * account, then its role, then the principal in turn (spec §2.2), so the caller is excluded
   * only when every link is listed: the account and the user (or federated user); the account
   * and the role for role sessions; the account for the root user.
   */
  excludes(p: Principal): boolean;
  /** Whether a value names the caller itself: its user, role, session or federated-user ARN, or unique id (assumptions only). */
  namesCaller(p: Principal): boolean;
  /** Whether a value names the caller's role-session or federated-user ARN (assumptions only). */
  namesSession(p: Principal): boolean;
  /** The values as written, `Key:value`, for explanations. */
  values: string[];
}

type ValueMatcher = (p: Principal) => PrincipalMatch;

const ACCOUNT_ID = /^\d{12}$/;
const UNIQUE_ID = /^A[A-Z0-9]{15,}$/;

function awsValue(v: string): ValueMatcher {
  if (v === '*') return () => 'direct';
  if (ACCOUNT_ID.test(v)) return (p) => (p.account === v ? 'account' : 'none');
  if (UNIQUE_ID.test(v)) {
    // IAM stores unique ids for users and roles named in policies (spec §2.2).
    return (p) => {
      if (!p.uniqueId || p.uniqueId !== v) return 'none';
      return p.kind === 'role' ? 'roleArn' : 'direct';
    };
  }
  const m = /^arn:([^:]+):(iam|sts)::(\d{12}):(.+)$/.exec(v);
  if (!m) return () => 'none';
  const [, , service, account, rest] = m as unknown as [string, string, string, string, string];
  if (service === 'iam' && rest === 'root') return (p) => (p.account === account ? 'account' : 'none');
  if (service === 'iam' && rest.startsWith('user/')) {
    return (p) => {
      if (p.kind === 'user' && p.arn === v) return 'direct';
      if (p.kind === 'federated-user' && p.parentUserArn === v) return 'viaFedUserParent';
      return 'none';
    };
  }
  if (service === 'iam' && rest.startsWith('role/')) {
    return (p) => (p.kind === 'role' && p.roleArn === v ? 'roleArn' : 'none');
  }
  if (service === 'sts' && (rest.startsWith('assumed-role/') || rest.startsWith('federated-user/'))) {
    return (p) => ((p.kind === 'role' || p.kind === 'federated-user') && p.arn === v ? 'direct' : 'none');
  }
  return () => 'none';
}

/** Compiles a Principal / NotPrincipal element. Values are OR'ed; the strongest match wins. */
export function compilePrincipal(el: PrincipalElement): PrincipalMatcher {
  if (el.kind === 'wildcard') return { match: () => 'direct', excludes: () => true, namesCaller: () => false, namesSession: () => false, values: ['*'] };
  const matchers: ValueMatcher[] = [];
  const values: string[] = [];
  // What NotPrincipal needs: the listed accounts, ARNs, unique ids and services.
  let anyone = false;
  const accounts = new Set<string>();
  const names = new Set<string>();
  const services = new Set<string>();
  for (const { key, value } of el.values) {
    const v = value.value;
    values.push(`${key}:${v}`);
    switch (key) {
      case 'AWS': {
        matchers.push(awsValue(v));
        const root = /^arn:[^:]+:iam::(\d{12}):root$/.exec(v);
        if (v === '*') anyone = true;
        else if (ACCOUNT_ID.test(v)) accounts.add(v);
        else if (root) accounts.add(root[1]!);
        else names.add(v);
        break;
      }
      case 'Service':
        matchers.push((p) => (p.kind === 'service' && p.serviceName === v ? 'direct' : 'none'));
        services.add(v);
        break;
      // Federated (web identity / SAML) and CanonicalUser callers are not modelled as request
      // principals; such values never match (listed in the README's known differences).
      default:
        matchers.push(() => 'none');
    }
  }
  const named = (...ids: (string | undefined)[]) => ids.some((id) => id !== undefined && names.has(id));
  return {
    values,
    match(p) {
      let best: PrincipalMatch = 'none';
      for (const m of matchers) {
        best = stronger(best, m(p));
        if (best === 'direct') break;
      }
      return best;
    },
    namesCaller: (p) => named(p.arn, p.roleArn, p.uniqueId),
    namesSession: (p) => (p.kind === 'role' || p.kind === 'federated-user') && named(p.arn),
    excludes(p) {
      if (anyone) return true;
      const account = p.account !== undefined && accounts.has(p.account);
      switch (p.kind) {
        case 'root':
          return account;
        case 'user':
        case 'federated-user':
          return account && named(p.arn, p.uniqueId);
        case 'role':
          return account && named(p.roleArn, p.uniqueId);
        case 'service':
          return services.has(p.serviceName!);
        case 'anonymous':
          return false;
      }
    },
  };
}
