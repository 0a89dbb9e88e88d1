import { describe, expect, it } from 'vitest';
import { catalog, contextTypeForKey, type KeyType } from '../../src/catalog/index.ts';
import { compileGlob, globMatches } from '../../src/catalog/glob.ts';

describe('catalog: services', () => {
  it('lists service prefixes sorted, with the common ones present', () => {
    const services = catalog.services();
    expect(services.length).toBeGreaterThan(300);
    expect([...services].sort()).toEqual(services);
    for (const s of ['s3', 'ec2', 'iam', 'sts', 'kms', 'sqs', 'lambda', 'dynamodb']) expect(services).toContain(s);
  });

  it('answers serviceExists case-insensitively', () => {
    expect(catalog.serviceExists('S3')).toBe(true);
    expect(catalog.serviceExists('Access-Analyzer')).toBe(true);
    expect(catalog.serviceExists('nosuchservice')).toBe(false);
    expect(catalog.serviceExists('')).toBe(false);
    expect(catalog.serviceExists('../actions/s3')).toBe(false);
  });

  it('has display names', () => {
    expect(catalog.serviceName('iam')).toMatch(/Identity and Access Management/);
    expect(catalog.serviceName('nosuchservice')).toBeUndefined();
  });

  it('returns [] for an unknown service', () => {
    expect(catalog.actions('nosuchservice')).toEqual([]);
    expect(catalog.resourceTypes('nosuchservice')).toEqual([]);
    expect(catalog.conditionKeys('nosuchservice')).toEqual([]);
  });

  it('knows the RCP-supported services (spec §1.5)', () => {
    const rcp = catalog.rcpServices();
    for (const s of ['s3', 'kms', 'sqs', 'sts', 'secretsmanager']) expect(rcp.has(s)).toBe(true);
    expect(rcp.has('ec2')).toBe(false);
    expect(rcp.has('iam')).toBe(false);
  });
});

describe('catalog: actions', () => {
  it('finds s3:GetObject with the object resource type', () => {
    const a = catalog.action('s3:GetObject');
    expect(a).toBeDefined();
    expect(a!.action).toBe('s3:GetObject');
    expect(a!.service).toBe('s3');
    expect(a!.name).toBe('GetObject');
    expect(a!.accessLevel).toBe('Read');
    expect(a!.resourceTypes.map((r) => r.name)).toContain('object');
    expect(a!.conditionKeys).toContain('s3:ExistingObjectTag/<key>');
  });

  it('looks actions up case-insensitively and returns the canonical case', () => {
    expect(catalog.action('s3:getobject')?.action).toBe('s3:GetObject');
    expect(catalog.action('S3:GETOBJECT')?.action).toBe('s3:GetObject');
    expect(catalog.action('IAM:listaccesskeys')?.action).toBe('iam:ListAccessKeys');
    expect(catalog.action('s3:GetObject')).toBe(catalog.action('s3:getobject'));
  });

  it('returns undefined for unknown, malformed or wildcard actions', () => {
    expect(catalog.action('s3:NoSuchAction')).toBeUndefined();
    expect(catalog.action('nosuch:GetObject')).toBeUndefined();
    expect(catalog.action('GetObject')).toBeUndefined();
    expect(catalog.action('s3:Get*')).toBeUndefined();
    expect(catalog.action(':GetObject')).toBeUndefined();
  });

  it('lists a service\'s actions sorted by name, all of that service', () => {
    const s3 = catalog.actions('S3');
    expect(s3.length).toBeGreaterThan(100);
    expect(s3.every((a) => a.service === 's3' && a.action === `s3:${a.name}`)).toBe(true);
    const names = s3.map((a) => a.name.toLowerCase());
    expect([...names].sort()).toEqual(names);
  });

  it('returns copies: mutating the result does not change the catalog', () => {
    const list = catalog.actions('sts');
    const n = list.length;
    list.pop();
    expect(catalog.actions('sts').length).toBe(n);
    expect(Object.isFrozen(catalog.action('sts:AssumeRole'))).toBe(true);
  });

  it('reports wildcard-only actions as the data says (no resource types)', () => {
    expect(catalog.action('iam:ListUsers')!.resourceTypes).toEqual([]);
    expect(catalog.isWildcardOnly('iam:ListUsers')).toBe(true);
    expect(catalog.action('sts:GetCallerIdentity')!.resourceTypes).toEqual([]);
    expect(catalog.isWildcardOnly('sts:GetCallerIdentity')).toBe(true);
    expect(catalog.isWildcardOnly('s3:ListAllMyBuckets')).toBe(true);
    expect(catalog.isWildcardOnly('ec2:DescribeInstances')).toBe(true);
    // 004's AllowViewAccountInfo scopes these to user/mfa ARNs, which never match them.
    expect(catalog.isWildcardOnly('iam:GetAccountPasswordPolicy')).toBe(true);
    expect(catalog.isWildcardOnly('iam:ListVirtualMFADevices')).toBe(true);
    expect(catalog.isWildcardOnly('sts:GetSessionToken')).toBe(true);
    // Actions with resource types are not.
    expect(catalog.isWildcardOnly('s3:GetObject')).toBe(false);
    expect(catalog.isWildcardOnly('iam:EnableMFADevice')).toBe(false);
    expect(catalog.isWildcardOnly('sts:AssumeRole')).toBe(false);
    // Unknown actions are not claimed.
    expect(catalog.isWildcardOnly('iam:NoSuchAction')).toBe(false);
  });

  it('loads every action of every service', () => {
    const t = performance.now();
    const all = catalog.allActions();
    const ms = performance.now() - t;
    // Timing is reported, not asserted (it depends on the machine and on what ran before).
    console.info(`catalog.allActions(): ${all.length} actions in ${ms.toFixed(0)} ms`);
    expect(all.length).toBeGreaterThan(15_000);
    const ids = new Set(all.map((a) => a.action.toLowerCase()));
    expect(ids.size).toBe(all.length);
    expect(ids.has('s3:getobject')).toBe(true);
    expect(catalog.allActions().length).toBe(all.length);
  });
});

describe('catalog: expand', () => {
  it('expands iam:*MFA* to the MFA actions of IAM only', () => {
    const got = catalog.expand('iam:*MFA*').map((a) => a.action);
    expect(got).toContain('iam:EnableMFADevice');
    expect(got).toContain('iam:ListMFADevices');
    expect(got).toContain('iam:CreateVirtualMFADevice');
    expect(got.every((a) => a.startsWith('iam:') && a.toLowerCase().includes('mfa'))).toBe(true);
    expect(got).not.toContain('iam:ListUsers');
  });

  it('is case-insensitive in both parts', () => {
    expect(catalog.expand('IAM:*mfa*').map((a) => a.action)).toEqual(catalog.expand('iam:*MFA*').map((a) => a.action));
  });

  it('handles ?, prefixes, exact names and service wildcards', () => {
    expect(catalog.expand('s3:GetObjec?').map((a) => a.action)).toEqual(['s3:GetObject']);
    expect(catalog.expand('s3:GetObject').map((a) => a.action)).toEqual(['s3:GetObject']);
    const gets = catalog.expand('s3:Get*');
    expect(gets.length).toBeGreaterThan(20);
    expect(gets.every((a) => a.service === 's3' && a.name.startsWith('Get'))).toBe(true);
    const lists = catalog.expand('*:List*');
    expect(new Set(lists.map((a) => a.service)).size).toBeGreaterThan(100);
    expect(lists.every((a) => a.name.startsWith('List'))).toBe(true);
    expect(catalog.expand('s3:*').length).toBe(catalog.actions('s3').length);
    expect(catalog.expand('*').length).toBe(catalog.allActions().length);
  });

  it('returns [] for unknown services, no colon, or no match', () => {
    expect(catalog.expand('nosuch:*')).toEqual([]);
    expect(catalog.expand('GetObject')).toEqual([]);
    expect(catalog.expand('s3:Zzz*')).toEqual([]);
  });
});

describe('catalog: resource types', () => {
  it('has ARN formats', () => {
    const object = catalog.resourceType('s3', 'OBJECT');
    expect(object?.arnFormat).toBe('arn:${Partition}:s3:::${BucketName}/${ObjectName}');
    expect(catalog.resourceType('iam', 'user')?.arnFormat).toMatch(/:user\//);
    expect(catalog.resourceType('s3', 'nosuchtype')).toBeUndefined();
  });
});

describe('catalog: condition keys', () => {
  const cases: [string, KeyType, { type: string; list: boolean }][] = [
    ['aws:CurrentTime', 'Date', { type: 'date', list: false }],
    ['aws:EpochTime', 'Date', { type: 'date', list: false }],
    ['aws:SourceIp', 'IPAddress', { type: 'ip', list: false }],
    ['aws:MultiFactorAuthPresent', 'Bool', { type: 'boolean', list: false }],
    ['aws:MultiFactorAuthAge', 'Numeric', { type: 'numeric', list: false }],
    ['aws:TagKeys', 'ArrayOfString', { type: 'string', list: true }],
    ['aws:PrincipalTag/team', 'String', { type: 'string', list: false }],
    ['aws:RequestTag/cost-center', 'String', { type: 'string', list: false }],
    ['aws:ResourceTag/Env', 'String', { type: 'string', list: false }],
    ['aws:PrincipalArn', 'ARN', { type: 'string', list: false }],
    ['aws:CalledVia', 'ArrayOfString', { type: 'string', list: true }],
    ['aws:PrincipalOrgPaths', 'ArrayOfString', { type: 'string', list: true }],
    ['aws:SecureTransport', 'Bool', { type: 'boolean', list: false }],
    ['aws:RequestedRegion', 'String', { type: 'string', list: false }],
    ['s3:prefix', 'String', { type: 'string', list: false }],
    ['s3:ExistingObjectTag/classification', 'String', { type: 'string', list: false }],
    ['ec2:ResourceTag/env', 'String', { type: 'string', list: false }],
    ['ec2:SourceInstanceArn', 'ARN', { type: 'string', list: false }],
    ['saml:aud', 'String', { type: 'string', list: false }],
    ['token.actions.githubusercontent.com:sub', 'String', { type: 'string', list: false }],
  ];

  it.each(cases)('%s is %s', (key, type, ctx) => {
    expect(catalog.conditionKeyType(key)).toBe(type);
    expect(contextTypeForKey(key)).toEqual(ctx);
  });

  it('is case-insensitive, tag keys included', () => {
    expect(catalog.conditionKeyType('AWS:SOURCEIP')).toBe('IPAddress');
    expect(catalog.conditionKeyType('aws:sourceip')).toBe('IPAddress');
    expect(catalog.conditionKeyType('Aws:principaltag/TEAM')).toBe('String');
    expect(catalog.conditionKeyType('S3:Prefix')).toBe('String');
    expect(catalog.isGlobalKey('AWS:MultiFactorAuthPresent')).toBe(true);
  });

  it('returns undefined for unknown keys and incomplete patterns', () => {
    expect(catalog.conditionKeyType('aws:NoSuchKey')).toBeUndefined();
    expect(catalog.conditionKeyType('aws:PrincipalTag')).toBeUndefined();
    expect(catalog.conditionKeyType('aws:PrincipalTag/')).toBeUndefined();
    expect(catalog.conditionKeyType('s3:NoSuchKey')).toBeUndefined();
    expect(catalog.conditionKeyType('nosuch:key')).toBeUndefined();
    expect(catalog.conditionKeyType('nocolon')).toBeUndefined();
    expect(contextTypeForKey('aws:NoSuchKey')).toBeUndefined();
  });

  it('tells global keys from service keys', () => {
    expect(catalog.isGlobalKey('aws:SourceIp')).toBe(true);
    expect(catalog.isGlobalKey('aws:PrincipalTag/team')).toBe(true);
    expect(catalog.isGlobalKey('aws:TagKeys')).toBe(true);
    expect(catalog.isGlobalKey('aws:NoSuchKey')).toBe(false);
    expect(catalog.isGlobalKey('s3:prefix')).toBe(false);
  });

  it('flags multivalued keys', () => {
    for (const k of ['aws:TagKeys', 'aws:CalledVia', 'aws:PrincipalOrgPaths', 'aws:ResourceOrgPaths', 'aws:PrincipalServiceNamesList'])
      expect(catalog.isMultivalued(k), k).toBe(true);
    for (const k of ['aws:SourceIp', 'aws:CalledViaFirst', 'aws:PrincipalTag/team', 'aws:MultiFactorAuthPresent', 'aws:NoSuchKey'])
      expect(catalog.isMultivalued(k), k).toBe(false);
  });

  it('knows every condition-key type the data uses', () => {
    const known = new Set(['String', 'ARN', 'Numeric', 'Date', 'Bool', 'IPAddress', 'Binary'].flatMap((t) => [t, `ArrayOf${t}`]));
    const unknown = new Set<string>();
    for (const s of catalog.services()) for (const k of catalog.conditionKeys(s)) if (!known.has(k.type)) unknown.add(`${k.key}: ${k.type}`);
    expect([...unknown]).toEqual([]);
  });

  it('resolves the condition keys actions list', () => {
    const missing: string[] = [];
    for (const a of [...catalog.actions('s3'), ...catalog.actions('ec2'), ...catalog.actions('iam'), ...catalog.actions('sts')])
      for (const k of a.conditionKeys) if (!catalog.conditionKeyType(k.replace(/\$\{[^}]*\}|<[^>]*>/g, 'x'))) missing.push(`${a.action} ${k}`);
    expect(missing).toEqual([]);
  });
});

describe('glob', () => {
  const m = (p: string, t: string) => globMatches(compileGlob(p), t);
  it('matches * and ? case-insensitively over the whole text', () => {
    expect(m('*MFA*', 'EnableMFADevice')).toBe(true);
    expect(m('*mfa*', 'ListUsers')).toBe(false);
    expect(m('Get*', 'get')).toBe(true);
    expect(m('Get?', 'Get')).toBe(false);
    expect(m('a*b*c', 'aXXbYYc')).toBe(true);
    expect(m('a*b*c', 'aXXbYYcd')).toBe(false);
    expect(m('', '')).toBe(true);
    expect(m('*', '')).toBe(true);
    expect(m('?', '')).toBe(false);
  });

  it('terminates on adversarial patterns (no exponential backtracking)', () => {
    expect(m('*a*a*a*a*a*a*a*a*a*a*b', 'a'.repeat(5000))).toBe(false);
    expect(m('*a*a*a*a*a*a*a*a*a*a*', 'a'.repeat(5000))).toBe(true);
  });
});
