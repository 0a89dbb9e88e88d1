// YAML `properties:` (src/scenario/properties.ts): true properties pass, false ones fail with a
// small counterexample that, pasted as a case, reproduces the failure.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/engine/evaluate.ts';
import { compileGlob } from '../../src/engine/glob.ts';
import type { Case, PropertySpec, Suite } from '../../src/scenario/model.ts';
import { SuiteError } from '../../src/scenario/model.ts';
import { arnsMatching, checkProperty, focusActions, propertyActions } from '../../src/scenario/properties.ts';
import { contextValueFromYaml, contextValueToYaml, type YamlContextValue } from '../../src/scenario/context.ts';
import { caseRequest } from '../../src/scenario/resolve.ts';
import type { CaseResult } from '../../src/scenario/report.ts';
import { satisfies } from '../../src/scenario/expectation.ts';
import { bool, buildSuite, num } from './build-suite.ts';

const ACCOUNT = '123456789012';

/** The MFA self-service actions of the seed policies, with the password change. */
const SELF_SERVICE = [
  'iam:CreateVirtualMFADevice',
  'iam:EnableMFADevice',
  'iam:ListMFADevices',
  'iam:ListUsers',
  'iam:ListVirtualMFADevices',
  'iam:ResyncMFADevice',
  'sts:GetSessionToken',
];

/** The seed's "BlockMostAccessUnlessSignedInWithMFA": it forgets iam:ChangePassword. */
function mfaEnforcement(operator = 'BoolIfExists') {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'BlockMostAccessUnlessSignedInWithMFA',
        Effect: 'Deny',
        NotAction: SELF_SERVICE,
        Resource: '*',
        Condition: { [operator]: { 'aws:MultiFactorAuthPresent': 'false' } },
      },
    ],
  };
}

const ADMIN = { Version: '2012-10-17', Statement: [{ Sid: 'Admin', Effect: 'Allow', Action: '*', Resource: '*' }] };

function suite(mfa = mfaEnforcement(), extra: Record<string, unknown> = {}): Suite {
  return buildSuite({
    name: 'MFA properties',
    policies: { 'mfa-enforcement': mfa, admin: ADMIN, ...extra },
    groups: { 'All-Staff': ['mfa-enforcement'], Admins: ['admin', ...Object.keys(extra)] },
    principals: { john: { arn: `arn:aws:iam::${ACCOUNT}:user/john.doe`, groups: ['All-Staff', 'Admins'] } },
    resources: [{ arn: 'arn:aws:s3:::reports' }, { arn: 'arn:aws:s3:::reports/*' }],
    context: { 'aws:MultiFactorAuthPresent': bool(true), 'aws:MultiFactorAuthAge': num(600) },
    cases: [{ name: 'reads a report', principal: 'john', action: 's3:GetObject', resource: 'arn:aws:s3:::reports/q1.csv', expect: 'allowed' }],
  });
}

function property(s: Suite, spec: Omit<PropertySpec, 'defined' | 'context' | 'runs'> & Partial<PropertySpec>): PropertySpec {
  // Like the loader: a property's context starts from the suite's defaults.
  return { context: { ...s.context }, runs: 200, defined: { file: s.file, line: 42, column: 5 }, ...spec };
}

/** Pastes a counterexample as a case of the suite (what the loader would build) and decides it. */
function pasteAndRun(s: Suite, r: CaseResult) {
  const cx = r.counterexample as { name: string; principal: string; action: string; resource: string; context: Record<string, YamlContextValue>; expect: Case['expect'] };
  const context = { ...s.context };
  for (const [k, v] of Object.entries(cx.context)) context[k] = contextValueFromYaml(k, v);
  const c: Case = { name: cx.name, baseName: cx.name, principal: cx.principal, action: cx.action, resource: cx.resource, context, expect: cx.expect, defined: { file: s.file, line: 1, column: 1 } };
  const { request, set } = caseRequest(s, c);
  const result = evaluate(request, set);
  return { decision: result.decision, pass: satisfies(c.expect, result.decision) };
}

describe('checkProperty', () => {
  it('a true property passes: without MFA everything but the self-service actions is explicitly denied', () => {
    const s = suite();
    const r = checkProperty(
      s,
      property(s, {
        name: 'without MFA nothing but MFA self-service',
        principal: 'john',
        context: { 'aws:MultiFactorAuthPresent': bool(false) },
        forAll: { action: { service: '*', except: SELF_SERVICE }, resource: 'any' },
        expect: 'explicitDeny',
        runs: 300,
      }),
    );
    expect(r).toMatchObject({ pass: true, property: true, suite: 'MFA properties', case: 'without MFA nothing but MFA self-service', actual: 'explicitDeny' });
    expect(r.counterexample).toBeUndefined();
  });

  it('a false property fails with a minimal counterexample: the policy forgets iam:ChangePassword', () => {
    const s = suite();
    const spec = property(s, {
      name: 'without MFA the self-service actions and the password change still work',
      principal: 'john',
      context: { 'aws:MultiFactorAuthPresent': bool(false) },
      forAll: { action: { oneOf: [...SELF_SERVICE, 'iam:ChangePassword'] }, resource: 'any' },
      expect: 'allowed',
    });
    const r = checkProperty(s, spec);
    expect(r.pass).toBe(false);
    expect(r.property).toBe(true);
    expect(r.actual).toBe('explicitDeny');
    expect(r.decidedBy).toEqual(['mfa-enforcement#BlockMostAccessUnlessSignedInWithMFA']);
    // Shrunk: the one failing action, the simplest resource ("*" comes first).
    expect(r.counterexample).toEqual({
      name: 'without MFA the self-service actions and the password change still work (counterexample)',
      principal: 'john',
      action: 'iam:ChangePassword',
      resource: '*',
      context: { 'aws:MultiFactorAuthPresent': false },
      expect: 'allowed',
    });
    expect(r.reason).toMatch(/expected allowed, got explicitDeny by mfa-enforcement#BlockMostAccessUnlessSignedInWithMFA/);
    // Pasted as a case, it fails the same way.
    expect(pasteAndRun(s, r)).toEqual({ decision: 'explicitDeny', pass: false });
  });

  it('the wrongly keyed MFA policy (Bool instead of BoolIfExists) lets long-term keys through: the counterexample has the key absent', () => {
    const s = suite(mfaEnforcement('Bool'));
    const spec = property(s, {
      name: 'without MFA (console or access keys) nothing but MFA self-service',
      principal: 'john',
      forAll: {
        action: { service: '*', except: SELF_SERVICE },
        resource: 'any',
        context: { 'aws:MultiFactorAuthPresent': { oneOf: [false, null] }, 'aws:MultiFactorAuthAge': { oneOf: [null] } },
      },
      expect: 'denied',
    });
    const r = checkProperty(s, spec);
    expect(r.pass).toBe(false);
    expect(r.actual).toBe('allowed');
    const cx = r.counterexample as { context: Record<string, unknown>; resource: string; action: string };
    expect(cx.context).toEqual({ 'aws:MultiFactorAuthPresent': null, 'aws:MultiFactorAuthAge': null });
    expect(cx.resource).toBe('*');
    expect(propertyActions(spec)[0]).toBe(cx.action); // shrunk to the first action of the catalog
    expect(pasteAndRun(s, r)).toEqual({ decision: 'allowed', pass: false });
    // With BoolIfExists the same property holds.
    expect(checkProperty(suite(), { ...spec, name: 'fixed' }).pass).toBe(true);
  });

  it('over the whole catalog, an except list that forgets one exempt action is still caught (policy-named actions are sampled more often)', () => {
    const s = suite();
    const except = SELF_SERVICE.filter((a) => a !== 'iam:ListUsers');
    const spec = property(s, {
      name: 'no MFA: only self-service escapes the Deny',
      principal: 'john',
      context: { ...s.context, 'aws:MultiFactorAuthPresent': bool(false) },
      forAll: { action: { service: '*', except }, resource: 'any' },
      expect: 'explicitDeny',
      runs: 100,
    });
    expect(focusActions(s, propertyActions(spec))).toEqual(['iam:ListUsers']);
    const r = checkProperty(s, spec);
    expect(r.pass).toBe(false);
    expect((r.counterexample as { action: string }).action).toBe('iam:ListUsers');
  });

  it('a numeric range shrinks to the boundary value', () => {
    const recent = { Version: '2012-10-17', Statement: [{ Sid: 'RecentMfaOnly', Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: { NumericGreaterThan: { 'aws:MultiFactorAuthAge': '3600' } } }] };
    const s = suite(mfaEnforcement(), { recent });
    const r = checkProperty(
      s,
      property(s, {
        name: 'MFA sessions up to two hours read reports',
        principal: 'john',
        forAll: { action: { oneOf: ['s3:GetObject'] }, resource: 'arn:aws:s3:::reports/*', context: { 'aws:MultiFactorAuthAge': { range: [0, 7200] } } },
        expect: 'allowed',
      }),
    );
    expect(r.pass).toBe(false);
    const cx = r.counterexample as { context: Record<string, unknown>; resource: string };
    expect(cx.context['aws:MultiFactorAuthAge']).toBe(3601);
    expect(cx.resource).toMatch(/^arn:aws:s3:::reports\//);
    expect(r.decidedBy).toEqual(['recent#RecentMfaOnly']);
    expect(pasteAndRun(s, r).pass).toBe(false);
  });

  it('a date range (epoch seconds in the model) samples ISO 8601 dates and shrinks to the boundary', () => {
    const until = { Version: '2012-10-17', Statement: [{ Sid: 'UntilJuly', Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { DateLessThan: { 'aws:CurrentTime': '2024-07-01T00:00:00Z' } } }] };
    const s = buildSuite({
      policies: { until },
      principals: { u: { arn: `arn:aws:iam::${ACCOUNT}:user/u`, policies: ['until'] } },
      cases: [{ name: 'c', principal: 'u', action: 's3:GetObject', resource: '*', expect: 'implicitDeny' }],
    });
    const r = checkProperty(
      s,
      property(s, {
        name: 'all year',
        principal: 'u',
        forAll: { action: { oneOf: ['s3:GetObject'] }, resource: '*', context: { 'aws:CurrentTime': { range: [Date.UTC(2024, 0, 1) / 1000, Date.UTC(2024, 11, 31) / 1000] } } },
        expect: 'allowed',
      }),
    );
    expect(r.pass).toBe(false);
    expect((r.counterexample as { context: Record<string, unknown> }).context['aws:CurrentTime']).toBe('2024-07-01T00:00:00Z');
    expect(pasteAndRun(s, r).pass).toBe(false);
  });

  it('is deterministic by default and takes a seed', () => {
    const s = suite(mfaEnforcement('Bool'));
    const spec = property(s, {
      name: 'p',
      principal: 'john',
      forAll: { action: { service: 's3', except: [] }, context: { 'aws:MultiFactorAuthPresent': { oneOf: [false, null] } } },
      expect: 'denied',
    });
    const a = checkProperty(s, spec);
    expect(checkProperty(s, spec)).toEqual(a);
    const seeded = checkProperty(s, spec, { seed: 7, runs: 50 });
    expect(seeded.pass).toBe(false);
    expect(seeded.reason).toMatch(/ of 50 samples \(seed 7, /);
  });

  it('quantifies over resource patterns with ARNs that match them', () => {
    for (const pattern of ['arn:aws:s3:::reports/*', 'arn:aws:ec2:*:*:instance/i-?*', 'arn:aws:iam::*:user/${x}*']) {
      const match = compileGlob(pattern);
      for (const arn of fc.sample(arnsMatching(pattern, [ACCOUNT]), { numRuns: 50, seed: 1 })) expect(match(arn), `${arn} ~ ${pattern}`).toBe(true);
    }
  });

  it('reports mistakes as SuiteErrors at the property, never as a pass over zero samples', () => {
    const s = suite();
    const base = { name: 'bad', principal: 'john', expect: 'denied' as const };
    const err = (forAll: PropertySpec['forAll'], principal = 'john') => {
      try {
        checkProperty(s, property(s, { ...base, principal, forAll }));
      } catch (e) {
        expect(e).toBeInstanceOf(SuiteError);
        expect((e as SuiteError).where).toEqual({ file: s.file, line: 42, column: 5 });
        return (e as Error).message;
      }
      throw new Error('no error');
    };
    expect(err({ action: { service: 's4', except: [] } })).toMatch(/unknown service "s4"/);
    expect(err({ action: { service: 'iam', except: ['iam:ChangePasswd'] } })).toMatch(/"iam:ChangePasswd" is not an action of the IAM catalog/);
    expect(err({ action: { service: 'iam', except: ['s3:GetObject'] } })).toMatch(/not an action of service "iam"/);
    expect(err({ action: { service: 'iam', except: ['iam:*'] } })).toMatch(/leaves no action/);
    expect(err({ action: { oneOf: [] } })).toMatch(/lists no action/);
    expect(err({ context: { 'aws:MultiFactorAuthAge': { range: [10, 1] } } })).toMatch(/range/);
    expect(err({ context: { 'aws:MultiFactorAuthAge': { oneOf: [] } } })).toMatch(/oneOf lists no value/);
    expect(err({}, 'nobody')).toMatch(/unknown principal "nobody"/);
  });

  it('writes context values back as YAML that reads the same', () => {
    const cases: [string, YamlContextValue][] = [
      ['aws:MultiFactorAuthPresent', true],
      ['aws:MultiFactorAuthAge', 600],
      ['aws:SourceIp', '10.0.0.1'],
      ['aws:TagKeys', ['env', 'team']],
      ['custom:flag', 'yes'],
      ['custom:addr', { type: 'ip', value: '10.0.0.1' }],
      ['custom:addrs', { type: 'ipList', value: ['10.0.0.1', '10.0.0.2'] }], // a list keeps its List type word
      ['custom:days', { type: 'dateList', value: ['2025-01-01T00:00:00Z'] }],
      ['aws:CurrentTime', '2025-01-01T00:00:00Z'],
      ['aws:username', null],
    ];
    for (const [k, v] of cases) expect(contextValueToYaml(k, contextValueFromYaml(k, v)), k).toEqual(v);
  });
});
