// A CloudTrail event → a ready-to-paste case (`iamspec from-cloudtrail`): who (userIdentity),
// which action (the access-denied message, else eventSource + eventName, checked against the IAM
// catalog), on what (the message's resource, else the event's resources / requestParameters
// shaped by the catalog's ARN format), in which context (MFA, source IP, region, time …), and
// what IAM decided (errorCode and the message's "with an explicit deny" / "because no … policy
// allows"). What the event does not carry is said in a comment next to the field, never guessed.
//
// Field meanings: CloudTrail User Guide, "CloudTrail record contents" and "CloudTrail userIdentity
// element"; access-denied messages: IAM User Guide, "Troubleshoot access denied error messages".

import { Document, isMap, isPair, isScalar, type Pair, type Scalar, type YAMLMap } from 'yaml';
import { catalog, type ActionInfo } from '../catalog/index.ts';
import { compileTemplate, globMatches } from '../catalog/glob.ts';
import { closest } from '../policy/names.ts';
import type { Suite } from './model.ts';

/** An event that cannot become a case (exit 2): the message says what is missing and what to do. */
export class CloudTrailError extends Error {
  override readonly name = 'CloudTrailError';
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * The events of a parsed file: one event, a log file `{"Records": [...]}`, a list of events,
 * `aws cloudtrail lookup-events` output (`{"Events": [{"CloudTrailEvent": "<json>"}]}`), or an
 * EventBridge "AWS API Call via CloudTrail" event (`{"detail": {...}}`).
 */
export function eventsOf(doc: unknown): Json[] {
  const list = Array.isArray(doc)
    ? doc
    : isObject(doc) && Array.isArray(doc.Records)
      ? doc.Records
      : isObject(doc) && Array.isArray(doc.Events)
        ? doc.Events.map((e) => (isObject(e) && typeof e.CloudTrailEvent === 'string' ? parseEmbedded(e.CloudTrailEvent) : e))
        : [doc];
  return list.map((e, i) => {
    const event = isObject(e) && isObject(e.detail) && e['detail-type'] !== undefined ? e.detail : e;
    if (!isObject(event) || (event.eventName === undefined && event.eventSource === undefined && event.userIdentity === undefined)) {
      throw new CloudTrailError(`${list.length > 1 ? `record ${i + 1}: ` : ''}not a CloudTrail event (no eventName, eventSource or userIdentity)`);
    }
    return event;
  });
}

function parseEmbedded(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new CloudTrailError('an Events[].CloudTrailEvent string is not JSON');
  }
}

/** A suite principal for the event's caller. */
export interface PrincipalSpec {
  name: string;
  arn: string;
  uniqueId?: string;
  sessionName?: string;
  parentUser?: string;
}

export interface ConvertedEvent {
  principal: PrincipalSpec;
  /** True when an existing suite principal was found (then `principal.name` is its name). */
  fromSuite: boolean;
  case: {
    name: string;
    principal: string;
    action: string;
    resource: string;
    context: Record<string, string | number | boolean | null>;
    expect: 'allowed' | 'explicitDeny' | 'implicitDeny' | 'denied';
  };
  /** Comments per field (`action`, `resource`, `expect`, `context.<key>`, `case`). */
  notes: Record<string, string>;
}

export interface ConvertOptions {
  /** Overrides the action read from the event (an event the catalog cannot map). */
  action?: string;
  /** Existing suites: a principal with the caller's ARN is used by name. */
  suites?: readonly Suite[];
}

/** Events that are neither access denials nor successes (a validation error, throttling …) tell nothing about IAM. */
export function isDecision(event: Json): boolean {
  const code = str(event.errorCode);
  return code === undefined || DENIED.test(code);
}

const DENIED = /AccessDenied|UnauthorizedOperation|UnauthorizedAccess|AuthorizationError|NotAuthorized/i;

export function convertEvent(event: Json, opts: ConvertOptions = {}): ConvertedEvent {
  const notes: Record<string, string> = {};
  const identity = isObject(event.userIdentity) ? event.userIdentity : {};
  const message = str(event.errorMessage) ?? '';
  const principal = principalOf(event, identity, message);
  const known = findPrincipals(opts.suites ?? [], principal);
  if (known.length) principal.name = known[0]!;
  if (known.length > 1) notes.principal = `the suite has ${known.length} principals with this ARN (${known.join(', ')}): pick the one whose policies the caller has`;

  const actionInfo = actionOf(event, message, opts.action, notes);
  const resource = resourceOf(event, identity, actionInfo, message, notes);
  const context = contextOf(event, identity, notes);
  const expect = expectationOf(event, message, notes);
  const time = str(event.eventTime);
  return {
    principal,
    fromSuite: known.length > 0,
    case: {
      name: `CloudTrail${time ? ` ${time}` : ''}: ${actionInfo.action} by ${principal.name}${str(event.errorCode) ? ` (${event.errorCode})` : ''}`,
      principal: principal.name,
      action: actionInfo.action,
      resource,
      context,
      expect,
    },
    notes,
  };
}

// ---- who ------------------------------------------------------------------------------------

const ARN_IN_MESSAGE = /^User: (arn:\S+) is not authorized/;

function principalOf(event: Json, id: Json, message: string): PrincipalSpec {
  const type = str(id.type);
  const arn = str(id.arn);
  const issuer = isObject(id.sessionContext) && isObject(id.sessionContext.sessionIssuer) ? id.sessionContext.sessionIssuer : {};
  const uniqueId = str(id.principalId);
  switch (type) {
    case 'AssumedRole': {
      const roleArn = str(issuer.arn);
      const session = arn?.split('/').pop();
      if (!roleArn || !session) throw new CloudTrailError('userIdentity of type AssumedRole without sessionContext.sessionIssuer.arn or a session ARN');
      return { name: safeName(`${str(issuer.userName) ?? roleArn.split('/').pop()}-${session}`), arn: roleArn, sessionName: session, ...(uniqueId ? { uniqueId: uniqueId.split(':')[0]! } : {}) };
    }
    case 'FederatedUser': {
      if (!arn) throw new CloudTrailError('userIdentity of type FederatedUser without arn');
      const parent = str(issuer.arn);
      return { name: safeName(arn.split('/').pop()!), arn, ...(parent ? { parentUser: parent } : {}) };
    }
    case 'Root':
      if (!arn) throw new CloudTrailError('userIdentity of type Root without arn');
      return { name: 'root', arn };
    case 'AWSService': {
      const service = str(id.invokedBy);
      if (!service) throw new CloudTrailError('userIdentity of type AWSService without invokedBy');
      return { name: safeName(service.split('.')[0]!), arn: `service:${service}` };
    }
    case undefined:
    case 'IAMUser':
      break;
    default:
      throw new CloudTrailError(`userIdentity type ${type} (${arn ?? 'no ARN'}) has no principal form in a suite: write the principal by hand (README "Format reference")`);
  }
  // IAMUser, or the runbook's partial shape (userName and sessionContext only): the ARN, else the
  // one the access-denied message names, else account + user name.
  const account = str(id.accountId) ?? str(event.recipientAccountId);
  const userArn =
    arn ??
    ARN_IN_MESSAGE.exec(message)?.[1] ??
    (str(id.userName) && account ? `arn:${partitionOf(str(event.awsRegion))}:iam::${account}:user/${id.userName}` : undefined);
  if (!userArn) {
    throw new CloudTrailError('the event names no caller: userIdentity has no arn, the errorMessage names no "User: arn:…", and userName or accountId is missing');
  }
  return { name: safeName(str(id.userName) ?? userArn.split('/').pop()!), arn: userArn, ...(uniqueId ? { uniqueId } : {}) };
}

/** A suite principal name (IAM's name characters) from a user, role or session name. */
function safeName(s: string): string {
  return s.replace(/[^\w+=,.@-]/g, '-').slice(0, 128) || 'caller';
}

/** The names of the suite principals with the caller's ARN (and session name, for roles). */
function findPrincipals(suites: readonly Suite[], p: PrincipalSpec): string[] {
  const names = new Set<string>();
  for (const s of suites) {
    for (const sp of s.principals.values()) {
      const same =
        (sp.arn === p.arn && (p.sessionName === undefined || (sp.sessionName ?? 'iamspec') === p.sessionName)) ||
        (p.sessionName !== undefined && sp.arn.endsWith(`:assumed-role/${p.arn.split('/').pop()}/${p.sessionName}`));
      if (same) names.add(sp.name);
    }
  }
  return [...names];
}

// ---- what -----------------------------------------------------------------------------------

/** eventSource hosts whose IAM service prefix differs from the host's first label. */
const SOURCE_PREFIX: Record<string, string> = { monitoring: 'cloudwatch', email: 'ses', tagging: 'tag' };

/**
 * API operations whose permission has another name (Amazon S3 User Guide, "Required permissions
 * for Amazon S3 API operations"; Lambda's Invoke): the catalog lists permissions, not operations.
 */
const OPERATION_PERMISSION: Record<string, string> = {
  's3:ListObjects': 's3:ListBucket',
  's3:ListObjectsV2': 's3:ListBucket',
  's3:HeadBucket': 's3:ListBucket',
  's3:HeadObject': 's3:GetObject',
  's3:ListBuckets': 's3:ListAllMyBuckets',
  's3:ListObjectVersions': 's3:ListBucketVersions',
  's3:ListMultipartUploads': 's3:ListBucketMultipartUploads',
  's3:ListParts': 's3:ListMultipartUploadParts',
  's3:CreateMultipartUpload': 's3:PutObject',
  's3:UploadPart': 's3:PutObject',
  's3:CompleteMultipartUpload': 's3:PutObject',
  's3:DeleteObjects': 's3:DeleteObject',
  'lambda:Invoke': 'lambda:InvokeFunction',
};

const ACTION_IN_MESSAGE = /is not authorized to perform: ([\w-]+:[\w-]+)/;

function actionOf(event: Json, message: string, override: string | undefined, notes: Record<string, string>): ActionInfo {
  if (override !== undefined) {
    const info = catalog.action(override);
    if (!info) throw new CloudTrailError(`--action ${override}: the IAM catalog has no such action${didYouMean(override)}`);
    return info;
  }
  // The denial message names the permission IAM checked: the most exact source.
  const named = ACTION_IN_MESSAGE.exec(message)?.[1];
  if (named && catalog.action(named)) {
    notes.action = 'as the errorMessage names it';
    return catalog.action(named)!;
  }
  const source = str(event.eventSource);
  const name = str(event.eventName);
  if (!source || !name) throw new CloudTrailError('the event has no eventSource and eventName (and its errorMessage names no action): give --action');
  const host = source.replace(/\.amazonaws\.com(\.cn)?$/, '');
  const prefix = SOURCE_PREFIX[host] ?? host;
  // Lambda's event names carry the API version (UpdateFunctionCode20150331v2).
  const operation = `${prefix}:${name.replace(/\d{8}(v\d+)?$/, '')}`;
  const mapped = OPERATION_PERMISSION[operation];
  const info = catalog.action(mapped ?? operation);
  if (!info) {
    throw new CloudTrailError(
      catalog.serviceExists(prefix)
        ? `eventName ${name} (${source}) is no action of ${prefix} in the IAM catalog${didYouMean(operation)}: give the permission it needs with --action`
        : `eventSource ${source}: the IAM catalog has no service "${prefix}": give the action with --action`,
    );
  }
  notes.action = mapped ? `${source} ${name} needs ${info.action}` : `from ${source} ${name}`;
  return info;
}

function didYouMean(action: string): string {
  const service = action.split(':')[0]!;
  const near = closest(action, catalog.actions(service).map((a) => a.action));
  return near ? ` (did you mean ${near}?)` : '';
}

// ---- on what --------------------------------------------------------------------------------

const RESOURCE_IN_MESSAGE = /on resource: "?(arn:[^"\s]+)"?/;

function partitionOf(region: string | undefined): string {
  if (region?.startsWith('cn-')) return 'aws-cn';
  if (region?.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

function resourceOf(event: Json, id: Json, info: ActionInfo, message: string, notes: Record<string, string>): string {
  if (info.resourceTypes.length === 0) {
    notes.resource = `${info.action} has no resource-level permissions`;
    return '*';
  }
  const named = RESOURCE_IN_MESSAGE.exec(message)?.[1];
  if (named) {
    notes.resource = 'as the errorMessage names it';
    return named;
  }
  const types = [...info.resourceTypes]
    .sort((a, b) => Number(b.required) - Number(a.required))
    .map((t) => catalog.resourceType(info.service, t.name))
    .filter((t) => t !== undefined);
  // An ARN the event lists (resources[]) or passes (requestParameters) that has the type's shape.
  const arns = [
    ...(Array.isArray(event.resources) ? event.resources : []).map((r) => (isObject(r) ? str(r.ARN) : undefined)),
    ...Object.values(isObject(event.requestParameters) ? event.requestParameters : {}).map(str),
  ].filter((a): a is string => a !== undefined && a.startsWith('arn:'));
  for (const t of types) {
    const shape = compileTemplate(t.arnFormat);
    const hit = arns.find((a) => globMatches(shape, a));
    if (hit) {
      notes.resource = `the event's ${t.name} ARN`;
      return hit;
    }
  }
  // The catalog's ARN format, filled from the region, the account and requestParameters.
  const params = isObject(event.requestParameters) ? event.requestParameters : {};
  const byName = new Map(Object.entries(params).map(([k, v]) => [k.toLowerCase(), v]));
  const region = str(event.awsRegion);
  const account = str(event.recipientAccountId) ?? str(id.accountId);
  let best: { arn: string; missing: string[]; type: string } | undefined;
  for (const t of types) {
    const missing: string[] = [];
    const arn = t.arnFormat.replace(/\$\{([^}]+)\}/g, (whole, name: string) => {
      const key = name.toLowerCase();
      const value =
        key === 'partition'
          ? partitionOf(region)
          : key === 'region'
            ? region
            : key === 'account'
              ? account
              : scalar(byName.get(key) ?? byName.get(key.replace(/withpath$/, '')) ?? (key === 'objectname' ? byName.get('key') : undefined));
      if (value === undefined) missing.push(whole);
      return value ?? whole;
    });
    if (missing.length === 0) {
      notes.resource = `${t.name} ARN built from the event (${t.arnFormat})`;
      return arn;
    }
    if (!best || missing.length < best.missing.length) best = { arn, missing, type: t.name };
  }
  notes.resource = `FILL IN ${best!.missing.join(', ')}: the event does not carry ${best!.missing.length === 1 ? 'it' : 'them'} (${info.action} acts on ${best!.type})`;
  return best!.arn;
}

function scalar(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;
}

// ---- in which context -----------------------------------------------------------------------

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const IPV6 = /^[0-9a-f]*:[0-9a-f:]*$/i;
const isAddress = (s: string) => IPV4.test(s) || IPV6.test(s);

/** `20131102T010628Z` (older records) or ISO 8601 → epoch milliseconds. */
function instant(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const basic = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  const ms = basic ? Date.UTC(+basic[1]!, +basic[2]! - 1, +basic[3]!, +basic[4]!, +basic[5]!, +basic[6]!) : Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

function contextOf(event: Json, id: Json, notes: Record<string, string>): ConvertedEvent['case']['context'] {
  const ctx: ConvertedEvent['case']['context'] = {};
  const session = isObject(id.sessionContext) && isObject(id.sessionContext.attributes) ? id.sessionContext.attributes : undefined;
  const eventTime = instant(str(event.eventTime));
  const created = instant(str(session?.creationDate));
  const mfa = session ? String(session.mfaAuthenticated).toLowerCase() : undefined;
  if (mfa === 'true' || mfa === 'false') {
    ctx['aws:MultiFactorAuthPresent'] = mfa === 'true';
    notes['context.aws:MultiFactorAuthPresent'] = 'userIdentity.sessionContext.attributes.mfaAuthenticated';
    if (mfa === 'true' && eventTime !== undefined && created !== undefined) {
      ctx['aws:MultiFactorAuthAge'] = Math.max(0, Math.round((eventTime - created) / 1000));
      notes['context.aws:MultiFactorAuthAge'] = 'eventTime − session creationDate: seconds since the MFA-authenticated session began';
    } else {
      ctx['aws:MultiFactorAuthAge'] = null;
      notes['context.aws:MultiFactorAuthAge'] = mfa === 'true' ? 'the event has no session creationDate: set the age by hand' : 'absent without MFA';
    }
  } else if (!session && str(id.type) !== 'AWSService') {
    // No session: long-term access keys, for which AWS sends no MFA key at all (spec §6).
    ctx['aws:MultiFactorAuthPresent'] = null;
    ctx['aws:MultiFactorAuthAge'] = null;
    notes['context.aws:MultiFactorAuthPresent'] = 'no sessionContext: long-term access keys carry no MFA key (spec §6)';
  }
  if (created !== undefined) ctx['aws:TokenIssueTime'] = new Date(created).toISOString().replace('.000Z', 'Z');
  const source = str(event.sourceIPAddress);
  const endpoint = str(event.vpcEndpointId);
  if (endpoint) {
    ctx['aws:SourceVpce'] = endpoint;
    notes['context.aws:SourceVpce'] = "vpcEndpointId (name it under vpcEndpoints: when the suite declares endpoints)";
    if (source && isAddress(source)) ctx['aws:VpcSourceIp'] = source;
  } else if (source && isAddress(source)) {
    ctx['aws:SourceIp'] = source;
  } else if (source) {
    notes.case = `sourceIPAddress is "${source}" (not an address): no aws:SourceIp`;
  }
  if (source && /\.amazonaws\.com$/.test(source)) {
    ctx['aws:ViaAWSService'] = true;
    notes['context.aws:ViaAWSService'] = `sourceIPAddress ${source}: a service called with the caller's credentials`;
  } else if (str(id.type) !== 'AWSService') {
    ctx['aws:ViaAWSService'] = false;
  }
  const region = str(event.awsRegion);
  if (region) ctx['aws:RequestedRegion'] = region;
  if (eventTime !== undefined) {
    ctx['aws:CurrentTime'] = new Date(eventTime).toISOString().replace('.000Z', 'Z');
    ctx['aws:EpochTime'] = Math.floor(eventTime / 1000);
  }
  if (isObject(event.tlsDetails)) ctx['aws:SecureTransport'] = true;
  return ctx;
}

// ---- what IAM decided -----------------------------------------------------------------------

function expectationOf(event: Json, message: string, notes: Record<string, string>): ConvertedEvent['case']['expect'] {
  const code = str(event.errorCode);
  if (code === undefined) {
    notes.expect = 'no errorCode: the request was allowed';
    return 'allowed';
  }
  if (!DENIED.test(code)) throw new CloudTrailError(`errorCode ${code} is not an access denial: the request failed for another reason, so it tells nothing about IAM`);
  const explicit = /with an explicit deny in an? ([\w -]+?) policy/i.exec(message);
  if (explicit) {
    // The IAM User Guide warns that an SCP denial may be worded as explicit even when it is implicit.
    if (/service control/i.test(explicit[1]!)) {
      notes.expect = `${code}: "${explicit[0]}", which AWS also writes for implicit SCP denials`;
      return 'denied';
    }
    notes.expect = `${code}: "${explicit[0]}"`;
    return 'explicitDeny';
  }
  const implicit = /because no ([\w -]+?) policy allows/i.exec(message);
  if (implicit) {
    notes.expect = `${code}: "${implicit[0]}"`;
    return 'implicitDeny';
  }
  notes.expect = `${code}${message ? ` ("${message.slice(0, 80)}")` : ''}: the event does not say which deny; narrow it to explicitDeny or implicitDeny if you know`;
  return 'denied';
}

// ---- as YAML --------------------------------------------------------------------------------

/**
 * The cases as YAML to paste into a suite: a `principals:` block for callers the given suites do
 * not already define, then `cases:`, with the notes as end-of-line comments.
 */
export function formatConverted(converted: readonly ConvertedEvent[]): string {
  const principals: Record<string, Omit<PrincipalSpec, 'name'>> = {};
  for (const c of converted) {
    if (c.fromSuite) continue;
    const { name, ...rest } = c.principal;
    principals[name] = rest;
  }
  const names = new Map<string, number>();
  const cases = converted.map((c) => {
    const n = (names.get(c.case.name) ?? 0) + 1;
    names.set(c.case.name, n);
    return n === 1 ? c.case : { ...c.case, name: `${c.case.name} #${n}` };
  });
  const doc = new Document(Object.keys(principals).length ? { principals, cases } : { cases });
  const seq = doc.get('cases', true) as { items: YAMLMap[] };
  seq.items.forEach((item, i) => {
    const notes = converted[i]!.notes;
    for (const pair of item.items as Pair<Scalar, unknown>[]) {
      const key = String(pair.key.value);
      if (key === 'context' && isMap(pair.value)) {
        for (const kv of pair.value.items) {
          if (isPair(kv) && isScalar(kv.key) && isScalar(kv.value)) {
            const note = notes[`context.${String(kv.key.value)}`];
            if (note) kv.value.comment = ` ${note}`;
          }
        }
      } else if (notes[key] && isScalar(pair.value)) {
        pair.value.comment = ` ${notes[key]}`;
      }
    }
    if (notes.case) item.commentBefore = ` ${notes.case}`;
  });
  if (Object.keys(principals).length) {
    doc.commentBefore = ' Paste the principals the suite does not define yet under principals:, the cases under cases:';
  }
  return doc.toString({ lineWidth: 0 });
}
