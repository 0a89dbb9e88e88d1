import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { largeWorkload, mfaWorkload, type BenchRequest, type NamedPolicy, type StatementDoc } from '../../bench/generate.ts';
import { catalog, contextTypeForKey } from '../../src/catalog/index.ts';
import { readPolicy } from '../../src/policy/index.ts';

const list = (x: string | string[] | undefined): string[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);
const isPattern = (a: string) => a.includes('*') || a.includes('?');

/** Structural IAM validity of an identity policy (spec §2.1, §2.3, §8.1). */
function checkPolicy(p: NamedPolicy): string[] {
  const errors: string[] = [];
  const doc = p.doc as unknown as Record<string, unknown>;
  if (doc.Version !== '2012-10-17') errors.push(`${p.name}: Version`);
  if (JSON.stringify(p.doc).length > 6144) errors.push(`${p.name}: over the 6,144-character managed policy quota`);
  const sids = new Set<string>();
  for (const st of p.doc.Statement as (StatementDoc & Record<string, unknown>)[]) {
    const where = `${p.name}#${st.Sid}`;
    if (!/^[A-Za-z0-9]+$/.test(st.Sid)) errors.push(`${where}: Sid not alphanumeric`);
    if (sids.has(st.Sid)) errors.push(`${where}: duplicate Sid`);
    sids.add(st.Sid);
    if (st.Effect !== 'Allow' && st.Effect !== 'Deny') errors.push(`${where}: Effect`);
    if ((st.Action === undefined) === (st.NotAction === undefined)) errors.push(`${where}: exactly one of Action/NotAction`);
    if ((st.Resource === undefined) === (st.NotResource === undefined)) errors.push(`${where}: exactly one of Resource/NotResource`);
    if ('Principal' in st || 'NotPrincipal' in st) errors.push(`${where}: Principal in an identity policy`);
    for (const a of [...list(st.Action), ...list(st.NotAction)]) {
      if (isPattern(a)) {
        if (catalog.expand(a).length === 0) errors.push(`${where}: ${a} matches no catalog action`);
      } else if (!catalog.action(a)) errors.push(`${where}: unknown action ${a}`);
    }
    for (const r of [...list(st.Resource), ...list(st.NotResource)]) {
      if (r === '*') continue;
      const c = r.split(':');
      if (c.length < 6 || c[0] !== 'arn' || c[1] !== 'aws') errors.push(`${where}: not an ARN: ${r}`);
      else if (!/^[a-z0-9-]+$/.test(c[2]!)) errors.push(`${where}: bad service in ${r}`);
      else if (!/^(\*|[a-z]{2}-[a-z]+-\d)?$/.test(c[3]!)) errors.push(`${where}: bad region in ${r}`);
      else if (!/^(\*|\d{12}|aws)?$/.test(c[4]!)) errors.push(`${where}: bad account in ${r}`);
      if (r.replaceAll('${aws:username}', '').includes('${')) errors.push(`${where}: unresolved placeholder in ${r}`);
    }
    for (const [op, entries] of Object.entries(st.Condition ?? {})) {
      for (const [key, value] of Object.entries(entries)) {
        const type = catalog.conditionKeyType(key);
        if (!type) errors.push(`${where}: unknown condition key ${key}`);
        const setOp = op.startsWith('ForAnyValue:') || op.startsWith('ForAllValues:');
        if (type && catalog.isMultivalued(key) !== setOp) errors.push(`${where}: ${op} on ${key} (${type})`);
        if (op.startsWith('Bool') && list(value).length !== 1) errors.push(`${where}: several Boolean values`);
      }
    }
  }
  return errors;
}

/** The findings of the project's own validator (errors and warnings), as `name: severity code`. */
function validatorFindings(p: NamedPolicy): string[] {
  const { findings } = readPolicy(JSON.stringify(p.doc, null, 2), { name: p.name, type: 'identity' });
  return findings.filter((f) => f.severity !== 'suggestion').map((f) => `${p.name}: ${f.severity} ${f.code}`);
}

function checkRequest(r: BenchRequest, i: number): string[] {
  const errors: string[] = [];
  if (!/^arn:aws:iam::\d{12}:(user|role)\/[\w.+=,@-]+$/.test(r.principal)) errors.push(`#${i}: principal ${r.principal}`);
  if (!catalog.action(r.action)) errors.push(`#${i}: unknown action ${r.action}`);
  if (r.resource !== '*' && !r.resource.startsWith('arn:aws:')) errors.push(`#${i}: resource ${r.resource}`);
  if (r.resource.includes('*') && r.resource !== '*') errors.push(`#${i}: wildcard in request resource ${r.resource}`);
  for (const [key, v] of Object.entries(r.context)) {
    const expected = contextTypeForKey(key);
    if (!expected) errors.push(`#${i}: unknown context key ${key}`);
    if (v === null || !expected) continue;
    if (v.type !== expected.type || v.list !== expected.list) errors.push(`#${i}: ${key} typed ${v.type}/${v.list}, catalog says ${expected.type}/${expected.list}`);
    if (!v.list && v.values.length !== 1) errors.push(`#${i}: ${key} single-valued with ${v.values.length} values`);
  }
  return errors;
}

describe('mfaWorkload', () => {
  const w = mfaWorkload();

  it('holds the seed MFA policies, valid and un-escaped', () => {
    expect(w.identityPolicies.map((p) => p.name)).toEqual([
      'mfa-enforcement',
      'dev-team-s3',
      'self-manage-mfa',
      'deny-production-writes-without-mfa',
      'require-mfa',
      'require-recent-mfa',
    ]);
    expect(w.identityPolicies.flatMap(checkPolicy)).toEqual([]);
    const text = JSON.stringify(w.identityPolicies);
    expect(text).toContain('arn:aws:iam::123456789012:user/${aws:username}');
    expect(text).not.toContain('$${');
    expect(text).not.toContain('orga_id');
  });

  it('has 64 requests for john.doe across MFA true, false and absent', () => {
    expect(w.requests).toHaveLength(64);
    expect(new Set(w.requests.map((r) => r.principal))).toEqual(new Set(['arn:aws:iam::123456789012:user/john.doe']));
    expect(w.requests.flatMap(checkRequest)).toEqual([]);
    const mfa = w.requests.map((r) => r.context['aws:MultiFactorAuthPresent']?.values[0] ?? null);
    expect(new Set(mfa)).toEqual(new Set(['true', 'false', null]));
    const ages = w.requests.map((r) => r.context['aws:MultiFactorAuthAge']?.values[0] ?? null);
    expect(new Set(ages)).toEqual(new Set(['300', '7200', null]));
    const services = new Set(w.requests.map((r) => r.action.split(':')[0]));
    expect(services).toEqual(new Set(['s3', 'ec2', 'iam', 'sts']));
  });

  it('is deterministic', () => {
    expect(JSON.stringify(mfaWorkload())).toBe(JSON.stringify(w));
  });

  // The bench keeps its own copies (generate.ts does no I/O); they must stay the documents the
  // seed suites verify. require-recent-mfa is the bench's own variant (writes), not a file.
  it('uses the same documents as the seed suites (policies/)', () => {
    const files: Record<string, string> = {
      'mfa-enforcement': 'mfa-enforcement/mfa-enforcement.json',
      'dev-team-s3': 'mfa-enforcement/dev-team-s3.json',
      'self-manage-mfa': 'mfa-blog/force-mfa.json',
      'deny-production-writes-without-mfa': 'evaluation-logic/deny-production-writes-without-mfa.json',
      'require-mfa': 'mfa-runbook/sensitive-bucket-bool.json',
    };
    for (const p of w.identityPolicies) {
      const file = files[p.name];
      if (!file) continue;
      const committed: unknown = JSON.parse(readFileSync(new URL(`../../policies/${file}`, import.meta.url), 'utf8'));
      expect(p.doc, `${p.name} vs policies/${file}`).toEqual(committed);
    }
  });

  it('passes the project\'s validator without errors or warnings', () => {
    expect(w.identityPolicies.flatMap(validatorFindings)).toEqual([]);
  });
});

describe('largeWorkload', () => {
  const w = largeWorkload();
  const statements = w.policies.flatMap((p) => p.doc.Statement);

  it('has 100 policies with 1,000 statements (1–25 each) and 1,000 requests', () => {
    expect(w.policies).toHaveLength(100);
    expect(statements).toHaveLength(1000);
    for (const p of w.policies) {
      expect(p.doc.Statement.length).toBeGreaterThanOrEqual(1);
      expect(p.doc.Statement.length).toBeLessThanOrEqual(25);
    }
    expect(new Set(w.policies.map((p) => p.name)).size).toBe(100);
    expect(w.requests).toHaveLength(1000);
  });

  it('is deterministic: same seed, identical JSON; another seed, different JSON', () => {
    const a = JSON.stringify(largeWorkload(42));
    expect(JSON.stringify(largeWorkload(42))).toBe(a);
    expect(JSON.stringify(largeWorkload(43))).not.toBe(a);
    expect(JSON.stringify(largeWorkload())).toBe(JSON.stringify(w));
  });

  it('writes only valid IAM with catalog actions and known condition keys', () => {
    expect(w.policies.flatMap(checkPolicy)).toEqual([]);
    expect(w.policies.flatMap(validatorFindings)).toEqual([]);
  });

  it('names real actions of about 30 services, mixes Allow/Deny, wildcards, NotAction and variables', () => {
    const services = new Set(statements.flatMap((s) => list(s.Action)).filter((a) => !a.startsWith('*')).map((a) => a.split(':')[0]));
    expect(services.size).toBeGreaterThanOrEqual(25);
    const denies = statements.filter((s) => s.Effect === 'Deny').length;
    expect(denies).toBeGreaterThan(50);
    expect(denies).toBeLessThan(300);
    const actions = statements.flatMap((s) => [...list(s.Action), ...list(s.NotAction)]);
    expect(actions).toContain('*:List*');
    expect(actions.some((a) => /^s3:Get\*$/.test(a))).toBe(true);
    expect(actions.some((a) => /^ec2:Describe\*$/.test(a))).toBe(true);
    expect(statements.some((s) => s.NotAction)).toBe(true);
    const resources = statements.flatMap((s) => [...list(s.Resource), ...list(s.NotResource)]);
    expect(resources).toContain('*');
    expect(resources).toContain('arn:aws:s3:::team-*/*');
    expect(resources.some((r) => r.includes('${aws:username}'))).toBe(true);
    expect(resources.some((r) => /^arn:aws:ec2:\*:123456789012:instance\/\*$/.test(r))).toBe(true);
  });

  it('uses every condition operator family asked for', () => {
    const seen = new Set<string>();
    for (const s of statements) for (const [op, entries] of Object.entries(s.Condition ?? {})) for (const key of Object.keys(entries)) seen.add(`${op} ${key}`);
    for (const want of [
      'StringEquals aws:PrincipalTag/team',
      'StringLike aws:PrincipalTag/team',
      'StringEquals aws:RequestedRegion',
      'NumericLessThan aws:MultiFactorAuthAge',
      'DateGreaterThan aws:CurrentTime',
      'Bool aws:MultiFactorAuthPresent',
      'BoolIfExists aws:MultiFactorAuthPresent',
      'IpAddress aws:SourceIp',
      'NotIpAddress aws:SourceIp',
      'ArnLike aws:PrincipalArn',
      'ForAnyValue:StringEquals aws:TagKeys',
      'Null aws:RequestTag/Owner',
    ])
      expect(seen, want).toContain(want);
  });

  it('sends requests for real actions with context typed as the catalog says', () => {
    expect(w.requests.flatMap(checkRequest)).toEqual([]);
    const keys = new Set(w.requests.flatMap((r) => Object.keys(r.context)));
    for (const k of ['aws:CurrentTime', 'aws:SourceIp', 'aws:RequestedRegion', 'aws:MultiFactorAuthPresent', 'aws:PrincipalTag/team', 'aws:TagKeys'])
      expect(keys, k).toContain(k);
    expect(w.requests.some((r) => r.context['aws:MultiFactorAuthPresent'] === null)).toBe(true);
    expect(new Set(w.requests.map((r) => r.principal)).size).toBeGreaterThan(5);
    expect(w.requests.some((r) => r.resource === '*')).toBe(true);
  });
});
