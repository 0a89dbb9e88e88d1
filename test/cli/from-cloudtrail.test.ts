// `iamspec from-cloudtrail`: CloudTrail events (test/fixtures/cloudtrail, shapes from the AWS docs)
// become cases that, pasted into a suite, load and decide as the event says.

import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { IO } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
import { loadSuites } from '../../src/scenario/loader.ts';
import { STACK } from './child.ts';

const repo = resolve(import.meta.dirname, '../..');
const fixtures = join(repo, 'test/fixtures/cloudtrail');
const dir = mkdtempSync(join(tmpdir(), 'iamspec-cloudtrail-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[], stdin?: string) {
  const out = { code: 0, stdout: '', stderr: '' };
  const io: IO = {
    stdout: { write: (s: string) => ((out.stdout += s), true) },
    stderr: { write: (s: string) => ((out.stderr += s), true) },
    cwd: dir,
    env: {},
    ...(stdin !== undefined ? { stdin: { isTTY: false, read: () => stdin } } : { stdin: { isTTY: true, read: () => '' } }),
  };
  out.code = await main(args, io);
  expect(out.stdout + out.stderr).not.toMatch(STACK);
  return out;
}

/** A project: the runbook's policies, and a suite made of `head` plus pasted text. */
function suiteFile(name: string, text: string): string {
  mkdirSync(join(dir, 'policies'), { recursive: true });
  mkdirSync(join(dir, 'scenarios'), { recursive: true });
  for (const p of ['sensitive-bucket-recent-mfa.json', 'sensitive-bucket-bool.json']) copyFileSync(join(repo, 'policies/mfa-runbook', p), join(dir, 'policies', p));
  const file = join(dir, 'scenarios', `${name}.yaml`);
  writeFileSync(file, text);
  return file;
}

const RUNBOOK = join(fixtures, 'runbook-session-age.json');

describe('iamspec from-cloudtrail: the seed runbook incident', () => {
  it('prints the caller as a principal and the event as a case, each value with where it came from', async () => {
    const r = await run(['from-cloudtrail', RUNBOOK]);
    expect(r.code).toBe(0);
    const doc = parse(r.stdout);
    expect(doc.principals).toEqual({ 'affected-user': { arn: 'arn:aws:iam::123456789012:user/affected-user', uniqueId: 'AIDACKCEVSQ6C2EXAMPLE' } });
    expect(doc.cases).toEqual([
      {
        name: 'CloudTrail 2024-05-14T10:30:00Z: s3:GetObject by affected-user (AccessDenied)',
        principal: 'affected-user',
        action: 's3:GetObject',
        resource: 'arn:aws:s3:::sensitive-bucket/q3-report.csv',
        context: {
          'aws:MultiFactorAuthPresent': true,
          'aws:MultiFactorAuthAge': 9000, // 10:30 − 08:00
          'aws:TokenIssueTime': '2024-05-14T08:00:00Z',
          'aws:SourceIp': '203.0.113.10',
          'aws:ViaAWSService': false,
          'aws:RequestedRegion': 'eu-west-1',
          'aws:CurrentTime': '2024-05-14T10:30:00Z',
          'aws:EpochTime': 1715682600,
          'aws:SecureTransport': true,
        },
        expect: 'implicitDeny',
      },
    ]);
    expect(r.stdout).toContain('aws:MultiFactorAuthAge: 9000 # eventTime − session creationDate');
    expect(r.stdout).toContain('expect: implicitDeny # AccessDenied: "because no identity-based policy allows"');
  });

  it('pasted into a suite, the case reproduces the incident: the session-age Allow denies a 2.5-hour-old MFA session, the Bool one would not', async () => {
    const { stdout } = await run(['from-cloudtrail', RUNBOOK]);
    // What a user does: paste, then attach the caller's policy to the pasted principal.
    const pasted = (policy: string) => `suite: incident\npolicies:\n  p: ../policies/${policy}\n${stdout.replace(/(\n {4}arn: [^\n]+)/, '$1\n    policies: [p]')}`;
    const age = await run(['test', suiteFile('age', pasted('sensitive-bucket-recent-mfa.json'))]);
    expect(age.code, age.stdout).toBe(0);
    expect(age.stdout).toContain('✓ CloudTrail 2024-05-14T10:30:00Z: s3:GetObject by affected-user (AccessDenied)');
    const bool = await run(['test', suiteFile('bool', pasted('sensitive-bucket-bool.json'))]);
    expect(bool.code).toBe(1);
    expect(bool.stdout).toContain('expected implicitDeny, got allowed');
  });

  it('--suite: uses the name of the suite principal with the caller\'s ARN, and prints no principals block', async () => {
    const suite = suiteFile('existing', `suite: existing\npolicies:\n  p: ../policies/sensitive-bucket-recent-mfa.json\nprincipals:\n  incident-user:\n    arn: arn:aws:iam::123456789012:user/affected-user\n    policies: [p]\ncases:\n  - {name: x, principal: incident-user, action: s3:GetObject, resource: "arn:aws:s3:::sensitive-bucket/a", context: {aws:MultiFactorAuthAge: 60}, expect: allowed}\n`);
    const r = await run(['from-cloudtrail', RUNBOOK, '--suite', suite]);
    const doc = parse(r.stdout);
    expect(doc.principals).toBeUndefined();
    expect(doc.cases[0].principal).toBe('incident-user');
    // appended under the suite's cases:, it runs
    writeFileSync(suite, readFileSync(suite, 'utf8') + r.stdout.replace(/^cases:\n/, ''));
    expect((await run(['test', suite])).code).toBe(0);
  });

  it('reads standard input (- or a pipe)', async () => {
    const text = readFileSync(RUNBOOK, 'utf8');
    const dash = await run(['from-cloudtrail', '-'], text);
    const piped = await run(['from-cloudtrail'], text);
    expect(dash.code).toBe(0);
    expect(piped.stdout).toBe(dash.stdout);
    expect(parse(dash.stdout).cases[0].action).toBe('s3:GetObject');
  });
});

describe('iamspec from-cloudtrail: a log file of several events', () => {
  it('one case per access denial or allowed call; other failures are skipped and counted', async () => {
    const r = await run(['from-cloudtrail', join(fixtures, 'log-file.json')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('iamspec: skipped 1 event(s) whose errorCode is not an access denial');
    const doc = parse(r.stdout);
    expect(Object.keys(doc.principals)).toEqual(['Deployer-deploy-session', 'Alice', 'Analyst-analyst']);
    // a role session keeps the role's path (sessionIssuer.arn) and the session name
    expect(doc.principals['Deployer-deploy-session']).toEqual({ arn: 'arn:aws:iam::111122223333:role/ci/Deployer', sessionName: 'deploy-session', uniqueId: 'AROAIDPPEZS35WEXAMPLE' });
    const [scp, dynamo, list, invoke] = doc.cases;
    // the IAM User Guide: an SCP denial may read "explicit" even when it is implicit
    expect([scp.action, scp.resource, scp.expect]).toEqual(['iam:CreateUser', 'arn:aws:iam::111122223333:user/build-bot', 'denied']);
    // long-term access keys (no sessionContext) send no MFA key: the case removes any suite default
    expect(dynamo.context).toMatchObject({ 'aws:MultiFactorAuthPresent': null, 'aws:MultiFactorAuthAge': null });
    expect(dynamo.context['aws:TokenIssueTime']).toBeUndefined();
    expect(dynamo.expect).toBe('implicitDeny');
    // ListObjects needs s3:ListBucket, on the bucket ARN built from requestParameters; the older creationDate format
    expect([list.action, list.resource, list.expect, list.context['aws:MultiFactorAuthAge']]).toEqual(['s3:ListBucket', 'arn:aws:s3:::reports', 'allowed', 300]);
    // Lambda's Invoke needs lambda:InvokeFunction; "Access denied" does not say which deny
    expect([invoke.action, invoke.resource, invoke.expect]).toEqual(['lambda:InvokeFunction', 'arn:aws:lambda:us-west-2:111122223333:function:resize', 'denied']);
    // all of it loads as a suite (names, context keys and types are valid)
    const [suite] = loadSuites([suiteFile('log', `suite: log\n${r.stdout}`)], { cwd: dir });
    expect(suite!.cases.map((c) => c.action)).toEqual(['iam:CreateUser', 'dynamodb:PutItem', 's3:ListBucket', 'lambda:InvokeFunction']);
  });

  it('lookup-events output and EventBridge events are read too', async () => {
    const event = JSON.parse(readFileSync(RUNBOOK, 'utf8'));
    const lookup = await run(['from-cloudtrail', '-'], JSON.stringify({ Events: [{ EventId: 'x', CloudTrailEvent: JSON.stringify(event) }] }));
    const bridge = await run(['from-cloudtrail', '-'], JSON.stringify({ 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.s3', detail: event }));
    const direct = await run(['from-cloudtrail', RUNBOOK]);
    expect(lookup.stdout).toBe(direct.stdout);
    expect(bridge.stdout).toBe(direct.stdout);
  });
});

describe('iamspec from-cloudtrail: what the event lacks', () => {
  const runbookShape = {
    eventName: 'DeleteFunction20150331',
    eventSource: 'lambda.amazonaws.com',
    errorCode: 'AccessDenied',
    errorMessage: 'User: arn:aws:iam::123456789012:user/dev is not authorized to perform: lambda:DeleteFunction',
    userIdentity: { userName: 'dev', sessionContext: { attributes: { mfaAuthenticated: 'true' } } },
  };
  /** The same caller, named by account and user name only (no message to read it from). */
  const noMessage = { ...runbookShape, errorMessage: '', userIdentity: { ...runbookShape.userIdentity, accountId: '123456789012' } };

  it('the runbook\'s partial shape: the caller from the message, the resource marked FILL IN with what is missing', async () => {
    const r = await run(['from-cloudtrail', '-'], JSON.stringify(runbookShape));
    expect(r.code).toBe(0);
    const c = parse(r.stdout).cases[0];
    expect(parse(r.stdout).principals).toEqual({ dev: { arn: 'arn:aws:iam::123456789012:user/dev' } });
    expect(c.action).toBe('lambda:DeleteFunction');
    expect(c.resource).toBe('arn:aws:lambda:${Region}:${Account}:function:${FunctionName}');
    expect(r.stdout).toContain('# FILL IN ${Region}, ${Account}, ${FunctionName}: the event does not carry them (lambda:DeleteFunction acts on function)');
    expect(c.context).toEqual({ 'aws:MultiFactorAuthPresent': true, 'aws:MultiFactorAuthAge': null, 'aws:ViaAWSService': false });
    expect(r.stdout).toContain('aws:MultiFactorAuthAge: null # the event has no session creationDate: set the age by hand');
    expect(c.expect).toBe('denied');
  });

  it('errors exit 2 with what is wrong and what to do', async () => {
    const write = (name: string, text: string) => {
      writeFileSync(join(dir, name), text);
      return name;
    };
    for (const [args, stdin, message] of [
      [['from-cloudtrail', write('bad.json', '{\n  "eventName": "x",\n  oops\n}')], undefined, /bad\.json:3:3: not JSON: /],
      [['from-cloudtrail', '-'], '{"hello": 1}', /<stdin>: not a CloudTrail event \(no eventName, eventSource or userIdentity\)/],
      [['from-cloudtrail', '-'], JSON.stringify({ ...noMessage, eventName: 'GetObjekt', eventSource: 's3.amazonaws.com' }), /eventName GetObjekt \(s3\.amazonaws\.com\) is no action of s3 in the IAM catalog \(did you mean s3:GetObject\?\): give the permission it needs with --action/],
      [['from-cloudtrail', '-', '--action', 's3:Nope'], JSON.stringify(runbookShape), /--action s3:Nope: the IAM catalog has no such action/],
      [['from-cloudtrail', '-'], JSON.stringify({ ...runbookShape, errorCode: 'ThrottlingException' }), /errorCode ThrottlingException is not an access denial/],
      [['from-cloudtrail', '-'], JSON.stringify({ ...runbookShape, userIdentity: { type: 'IdentityCenterUser', accountId: '123456789012' } }), /userIdentity type IdentityCenterUser .* write the principal by hand/],
      [['from-cloudtrail'], undefined, /from-cloudtrail needs an event file, or - \(or a pipe\) for standard input/],
      [['from-cloudtrail', 'missing.json'], undefined, /cannot read missing\.json: no such file/],
    ] as const) {
      const r = await run([...args], stdin);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });

  it('--action names the permission when the operation is not in the catalog', async () => {
    const r = await run(['from-cloudtrail', '-', '--action', 'lambda:DeleteFunction'], JSON.stringify({ ...noMessage, eventName: 'SomeNewOperation' }));
    expect(parse(r.stdout).cases[0].action).toBe('lambda:DeleteFunction');
  });
});
