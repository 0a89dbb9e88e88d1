// The request the engine decides: who calls, which action on which resource, with which context.
// `makeRequest` does all per-request normalisation once (lower-cased action and keys, the parsed
// resource ARN, the context keys the principal implies, spec §5–§6) so `evaluate` never repeats it.

import { parseArn, type ParsedArn } from './arn.ts';
import { awsRuling, type AwsRuling } from './aws-rules.ts';

/** The simulator's ContextKeyType without the `List` suffix; `list` says whether it had one. */
export type ContextType = 'string' | 'numeric' | 'boolean' | 'date' | 'ip' | 'binary';

export interface ContextValue {
  type: ContextType;
  list: boolean;
  values: string[];
}

/** Context keys, lower-cased (keys are case-insensitive, spec §4.1). */
export type ContextMap = ReadonlyMap<string, ContextValue>;

export type PrincipalKind =
  | 'user' // arn:aws:iam::A:user/[path/]name
  | 'role' // a session of arn:aws:iam::A:role/[path/]name
  | 'federated-user' // arn:aws:sts::A:federated-user/name (GetFederationToken)
  | 'root' // arn:aws:iam::A:root
  | 'anonymous'
  | 'service'; // an AWS service principal calling directly, e.g. cloudtrail.amazonaws.com

export interface Principal {
  kind: PrincipalKind;
  /** The principal the request is made by: the session ARN for role sessions. */
  arn: string;
  account?: string;
  /** Role sessions: the role ARN, with its path (what `aws:PrincipalArn` holds). */
  roleArn?: string;
  roleName?: string;
  sessionName?: string;
  userName?: string;
  /** Federated-user sessions: the IAM user that called GetFederationToken, if known. */
  parentUserArn?: string;
  /** AIDA…/AROA… unique id, matched by bare-id principals in resource policies (spec §2.2). */
  uniqueId?: string;
  serviceName?: string;
  /** Role created under /aws-service-role/: never restricted by SCPs or RCPs (spec §1.5). */
  serviceLinked: boolean;
  tags: Readonly<Record<string, string>>;
}

export interface PrincipalInput {
  /** A user, role, assumed-role, federated-user or root ARN, `anonymous`, or `service:<name>`. */
  arn: string;
  tags?: Record<string, string>;
  uniqueId?: string;
  parentUserArn?: string;
  sessionName?: string;
  /** For an assumed-role ARN, the role ARN with its path (the session ARN omits the path). */
  roleArn?: string;
}

export class RequestError extends Error {
  override readonly name = 'RequestError';
}

const DEFAULT_SESSION = 'iamspec';
const ACCOUNT_ID = /^\d{12}$/;

/** Reads a principal ARN the way the scenario format defines it (spec §1.3, §5). */
export function parsePrincipal(input: PrincipalInput): Principal {
  const tags = input.tags ?? {};
  const raw = input.arn.trim();
  if (raw === 'anonymous' || raw === '*') return { kind: 'anonymous', arn: 'anonymous', serviceLinked: false, tags };
  if (raw.startsWith('service:') || /^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/.test(raw)) {
    const serviceName = raw.replace(/^service:/, '');
    return { kind: 'service', arn: serviceName, serviceName, serviceLinked: false, tags };
  }
  const arn = parseArn(raw);
  if (!arn) throw new RequestError(`principal "${raw}" is not an ARN, "anonymous" or "service:<name>"`);
  const { partition, service, account } = arn;
  if (!/^\d{12}$/.test(account)) throw new RequestError(`principal "${raw}" has no 12-digit account id`);
  const problem = principalArnProblem(arn);
  if (problem) throw new RequestError(`principal "${raw}": ${problem}`);
  const common = { account, tags, ...(input.uniqueId ? { uniqueId: input.uniqueId } : {}) };
  if (service === 'iam' && arn.resource === 'root') {
    return { kind: 'root', arn: raw, serviceLinked: false, ...common };
  }
  if (service === 'iam' && arn.resource.startsWith('user/')) {
    const userName = arn.resource.slice(arn.resource.lastIndexOf('/') + 1);
    return { kind: 'user', arn: raw, userName, serviceLinked: false, ...common };
  }
  if (service === 'iam' && arn.resource.startsWith('role/')) {
    const roleName = arn.resource.slice(arn.resource.lastIndexOf('/') + 1);
    const sessionName = input.sessionName ?? DEFAULT_SESSION;
    return {
      kind: 'role',
      arn: `arn:${partition}:sts::${account}:assumed-role/${roleName}/${sessionName}`,
      roleArn: raw,
      roleName,
      sessionName,
      serviceLinked: arn.resource.startsWith('role/aws-service-role/'),
      ...common,
    };
  }
  if (service === 'sts' && arn.resource.startsWith('assumed-role/')) {
    const [, roleName, sessionName] = arn.resource.split('/');
    if (!roleName || !sessionName) throw new RequestError(`assumed-role ARN "${raw}" must be assumed-role/<role>/<session>`);
    const roleArn = input.roleArn ?? `arn:${partition}:iam::${account}:role/${roleName}`;
    return {
      kind: 'role',
      arn: raw,
      roleArn,
      roleName,
      sessionName,
      serviceLinked: roleArn.includes(':role/aws-service-role/'),
      ...common,
    };
  }
  if (service === 'sts' && arn.resource.startsWith('federated-user/')) {
    const name = arn.resource.slice('federated-user/'.length);
    return {
      kind: 'federated-user',
      arn: raw,
      sessionName: name,
      serviceLinked: false,
      ...(input.parentUserArn ? { parentUserArn: input.parentUserArn } : {}),
      ...common,
    };
  }
  throw new RequestError(
    `principal "${raw}" is not a user, role, assumed-role, federated-user or root ARN (spec §1.3)`,
  );
}

/** IAM's name rule for users, roles and sessions (spec §1.3); paths are printable ASCII between slashes. */
const NAME = /^[\w+=,.@-]+$/;
const PATH = /^(?:[\x21-\x7e]+\/)*$/;

/**
 * What IAM would refuse in a user, role, session or federated-user ARN: a region (IAM and STS
 * ARNs have none), a partition that is not aws…, an empty or malformed name, a space. A typo here
 * would otherwise be a principal no policy ever names, so its cases would pass or fail for nothing.
 */
function principalArnProblem(arn: ParsedArn): string | undefined {
  if (/\s/.test(arn.raw)) return 'an ARN has no spaces';
  if (!/^aws(?:-[a-z]+)*$/.test(arn.partition)) return `"${arn.partition}" is not a partition (aws, aws-cn, aws-us-gov …)`;
  if ((arn.service === 'iam' || arn.service === 'sts') && arn.region !== '') {
    return `${arn.service.toUpperCase()} ARNs have no region: write arn:${arn.partition}:${arn.service}::${arn.account}:${arn.resource}`;
  }
  const slash = arn.resource.indexOf('/');
  const kind = slash < 0 ? arn.resource : arn.resource.slice(0, slash);
  const rest = arn.resource.slice(slash + 1);
  if (arn.service === 'iam' && (kind === 'user' || kind === 'role')) {
    const name = rest.slice(rest.lastIndexOf('/') + 1);
    if (!NAME.test(name)) return `a ${kind} ARN ends with the ${kind} name (letters, digits and + = , . @ _ -): ${kind}/[path/]name`;
    if (!PATH.test(rest.slice(0, rest.length - name.length))) return `the ${kind}'s path is printable characters between slashes`;
  }
  if (arn.service === 'sts' && (kind === 'assumed-role' || kind === 'federated-user')) {
    const parts = rest.split('/');
    if (parts.length !== (kind === 'assumed-role' ? 2 : 1) || !parts.every((x) => NAME.test(x))) {
      return kind === 'assumed-role' ? 'write assumed-role/<role name>/<session name>' : 'write federated-user/<name>';
    }
  }
  return undefined;
}

export interface RequestInput {
  principal: Principal | PrincipalInput;
  action: string;
  /** A resource ARN, or `*` for actions without resource-level permissions. */
  resource: string;
  /** The account that owns the resource; defaults to the ARN's account, else the principal's. */
  resourceAccount?: string;
  resourceTags?: Record<string, string>;
  /** The organization of the principal's account → aws:PrincipalOrgID. */
  principalOrgId?: string;
  /** The organization of the resource's account → aws:ResourceOrgID. */
  resourceOrgId?: string;
  /** Caller-supplied context; keys any case. A key set here overrides a derived one. */
  context?: Record<string, ContextValue | null>;
}

export interface Request {
  principal: Principal;
  action: string;
  actionLower: string;
  /** Lower-cased service prefix of the action (`s3`). */
  service: string;
  resource: string;
  /** Parsed resource ARN; null for `*` or a string that is not an ARN. */
  arn: ParsedArn | null;
  resourceAccount: string | undefined;
  context: ContextMap;
  /** What AWS does with the request whatever the policies say (spec §1.9), looked up once here; null: policies decide. */
  ruling: AwsRuling | null;
}

function isPrincipal(p: Principal | PrincipalInput): p is Principal {
  return typeof (p as Principal).kind === 'string';
}

/** Builds the normalised request, filling the context keys the principal implies (spec §5, §6). */
export function makeRequest(input: RequestInput): Request {
  const principal = isPrincipal(input.principal) ? input.principal : parsePrincipal(input.principal);
  const action = input.action;
  const actionLower = action.toLowerCase();
  const colon = actionLower.indexOf(':');
  const service = colon < 0 ? actionLower : actionLower.slice(0, colon);
  const arn = input.resource === '*' ? null : parseArn(input.resource);
  // Only a 12-digit account component names an owner: `arn:aws:iam::aws:policy/…` (AWS managed
  // policies) belongs to no account, so reading one is not a cross-account request.
  const resourceAccount =
    input.resourceAccount ?? (arn && ACCOUNT_ID.test(arn.account) ? arn.account : undefined) ?? principal.account;

  const ctx = new Map<string, ContextValue>();
  switch (principal.kind) {
    case 'user':
      ctx.set('aws:username', str(principal.userName!));
      ctx.set('aws:userid', str(principal.uniqueId ?? syntheticId('AIDA', principal.arn)));
      ctx.set('aws:principalarn', str(principal.arn));
      ctx.set('aws:principaltype', str('User'));
      break;
    case 'role':
      ctx.set('aws:userid', str(`${principal.uniqueId ?? syntheticId('AROA', principal.roleArn!)}:${principal.sessionName}`));
      ctx.set('aws:principalarn', str(principal.roleArn!));
      ctx.set('aws:principaltype', str('AssumedRole'));
      break;
    case 'federated-user':
      ctx.set('aws:userid', str(`${principal.account}:${principal.sessionName}`));
      ctx.set('aws:principalarn', str(principal.arn));
      ctx.set('aws:principaltype', str('FederatedUser'));
      break;
    case 'root':
      ctx.set('aws:userid', str(principal.account!));
      ctx.set('aws:principalarn', str(principal.arn));
      ctx.set('aws:principaltype', str('Account'));
      break;
    case 'anonymous':
      ctx.set('aws:principalaccount', str('anonymous'));
      ctx.set('aws:userid', str('anonymous'));
      ctx.set('aws:principaltype', str('Anonymous'));
      break;
    case 'service':
      ctx.set('aws:principalservicename', str(principal.serviceName!));
      ctx.set('aws:principalisawsservice', bool(true));
      break;
  }
  if (principal.account) ctx.set('aws:principalaccount', str(principal.account));
  if (principal.kind !== 'anonymous' && principal.kind !== 'service') {
    ctx.set('aws:principalisawsservice', bool(false));
  }
  for (const [k, v] of Object.entries(principal.tags)) ctx.set(`aws:principaltag/${k.toLowerCase()}`, str(v));
  for (const [k, v] of Object.entries(input.resourceTags ?? {})) ctx.set(`aws:resourcetag/${k.toLowerCase()}`, str(v));
  if (resourceAccount && input.resource !== '*') ctx.set('aws:resourceaccount', str(resourceAccount));
  if (input.principalOrgId && principal.kind !== 'anonymous' && principal.kind !== 'service') ctx.set('aws:principalorgid', str(input.principalOrgId));
  if (input.resourceOrgId && input.resource !== '*') ctx.set('aws:resourceorgid', str(input.resourceOrgId));
  for (const [k, v] of Object.entries(input.context ?? {})) {
    if (v === null) ctx.delete(k.toLowerCase());
    else ctx.set(k.toLowerCase(), v);
  }
  const ruling = awsRuling(actionLower, arn, principal);
  return { principal, action, actionLower, service, resource: input.resource, arn, resourceAccount, context: ctx, ruling };
}

// Module-level builders: makeRequest runs once per case (100,000 times for a large suite), and
// tsx wraps every closure created inside a function in a naming helper.
function str(v: string): ContextValue {
  return { type: 'string', list: false, values: [v] };
}

function bool(v: boolean): ContextValue {
  return { type: 'boolean', list: false, values: [String(v)] };
}

const syntheticIds = new Map<string, string>();

/** A stable, obviously synthetic unique id (AIDA/AROA + 17 chars) for principals given without one. */
function syntheticId(prefix: string, seed: string): string {
  const key = prefix + seed;
  let id = syntheticIds.get(key);
  if (id === undefined) {
    if (syntheticIds.size > 10_000) syntheticIds.clear();
    id = hashId(prefix, seed);
    syntheticIds.set(key, id);
  }
  return id;
}

function hashId(prefix: string, seed: string): string {
  let h = 2166136261;
  let out = '';
  for (let round = 0; out.length < 17; round++) {
    for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619) >>> 0;
    h = Math.imul(h ^ round, 16777619) >>> 0;
    out += h.toString(36).toUpperCase();
  }
  return prefix + out.slice(0, 17);
}
