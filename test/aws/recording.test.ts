// Record against the loopback server, replay offline with the server stopped, then change a policy
// and see the case reported stale; plus the differential report's rendering.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { differentialOrder, recordingPath, renderDifferential, runAgainst, type DifferentialReport, type RecordingFile } from '../../src/aws/index.ts';
import { olderFormat, STALE } from '../../src/aws/index.ts';
import { planCase } from '../../src/aws/mapping.ts';
import { SuiteError } from '../../src/scenario/model.ts';
import { engineHandler, ERRORS, FakeIam, members } from './fake-iam.ts';
import { mfaSuite, mfaSuiteDef } from './fixtures/mfa-suite.ts';
import { b, loopbackClient, makeSuite, type SuiteDef } from './helpers.ts';

let dir: string;
let file: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'iamspec-rec-'));
  mkdirSync(join(dir, 'scenarios', 'mfa'), { recursive: true });
  file = join(dir, 'scenarios', 'mfa', 'all-staff.yaml');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const decisions = (r: DifferentialReport) => Object.fromEntries(r.results.map((x) => [x.case, x.actual]));

describe('recording and replay', () => {
  let live: DifferentialReport;
  let recording: string;

  it('--record writes what AWS answered next to the suite: pretty, ordered, keyed by request hash', async () => {
    const iam = await FakeIam.start();
    try {
      live = await runAgainst('aws', [mfaSuite(file)], { client: loopbackClient(iam.endpoint), record: true, cwd: dir });
    } finally {
      await iam.close();
    }
    const path = recordingPath(file);
    expect(path).toBe(join(dir, 'scenarios', 'mfa', 'all-staff.recording.json'));
    recording = readFileSync(path, 'utf8');
    expect(recording.endsWith('}\n')).toBe(true);
    expect(recording).toContain('\n  "entries": [\n    {\n      "case": ');
    const rec = JSON.parse(recording) as RecordingFile;
    expect(Object.keys(rec)).toEqual(['format', 'suite', 'suiteFile', 'about', 'entries']);
    expect(rec).toMatchObject({ format: 'iamspec-recording/2', suite: 'All-Staff MFA enforcement', suiteFile: 'all-staff.yaml' });
    // one entry per simulated case, in suite order; skipped cases are not recorded
    const suite = mfaSuite(file);
    const simulatedNames = live.results.filter((r) => !r.skipped).map((r) => r.case);
    expect(rec.entries.map((e) => e.case)).toEqual(suite.cases.map((c) => c.name).filter((n) => simulatedNames.includes(n)));
    const first = rec.entries[0]!;
    expect(Object.keys(first)).toEqual(['case', 'hash', 'request', 'answer']);
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(first.request).toEqual({
      operation: 'SimulateCustomPolicy',
      caller: 'arn:aws:iam::123456789012:user/john.doe',
      policies: ['mfa-enforcement', 'mfa-self-service', 'dev-team-s3'],
      resourcePolicy: 'bucket-tls-only',
      resourceOwner: 'arn:aws:iam::123456789012:root',
      context: {
        'aws:MultiFactorAuthAge': ['numeric', '600'],
        'aws:MultiFactorAuthPresent': ['boolean', 'true'],
        'aws:PrincipalArn': ['string', 'arn:aws:iam::123456789012:user/john.doe'],
        'aws:PrincipalIsAWSService': ['boolean', 'false'],
        'aws:PrincipalTag/team': ['string', 'dev'],
        'aws:ResourceAccount': ['string', '123456789012'],
        'aws:SecureTransport': ['boolean', 'true'],
        'aws:ViaAWSService': ['boolean', 'false'],
      },
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::your-bucket-name/report.csv',
    });
    expect(first.answer).toEqual({
      decision: 'allowed',
      matchedStatements: [
        {
          statement: 'dev-team-s3#AllowS3BucketAccessWithMFA',
          sourcePolicyId: 'PolicyInputList.3',
          sourcePolicyType: 'IAM Policy',
          start: '4:9',
          end: '21:10',
        },
      ],
      missingContextValues: [],
    });
    expect(rec.entries.find((e) => e.case === 'the CI boundary blocks IAM')!.answer).toMatchObject({ decision: 'implicitDeny', allowedByPermissionsBoundary: false });
  });

  it('re-recording unchanged answers leaves the file byte-identical', async () => {
    const iam = await FakeIam.start();
    try {
      await runAgainst('aws', [mfaSuite(file)], { client: loopbackClient(iam.endpoint), record: true, cwd: dir });
    } finally {
      await iam.close();
    }
    expect(readFileSync(recordingPath(file), 'utf8')).toBe(recording);
  });

  it('replays offline (no server, no client, no credentials) with the same decisions', async () => {
    const replay = await runAgainst('recorded', [mfaSuite(file)], { cwd: dir });
    expect(decisions(replay)).toEqual(decisions(live));
    expect(replay.summary).toEqual(live.summary);
    expect(replay.differential).toEqual({ ...live.differential, calls: 0 });
    const row = replay.results.find((r) => r.case === 'plain HTTP is refused by the bucket policy')!;
    expect(row).toMatchObject({ actual: 'explicitDeny', pass: true, decidedBy: ['bucket-tls-only#DenyInsecureTransport'], agreement: 'agree' });
    expect(row.aws!.source).toBe('recording');
    expect(row.file).toBe(join('scenarios', 'mfa', 'all-staff.yaml'));
  });

  it('a changed policy makes exactly the cases that send it stale — skipped, never passed', async () => {
    const def = mfaSuiteDef(file);
    def.policies['ci-boundary'] = { Version: '2012-10-17', Statement: [{ Sid: 'S3Only', Effect: 'Allow', Action: ['s3:*', 'iam:Get*'], Resource: '*' }] };
    const replay = await runAgainst('recorded', [makeSuite(def)], { cwd: dir });
    const stale = replay.results.filter((r) => r.skipped === STALE).map((r) => r.case);
    expect(stale.sort()).toEqual(['the CI boundary blocks IAM', 'the CI role writes objects within its boundary']);
    expect(STALE).toBe('no recording for the current request (the policies or context changed since it was recorded): re-record with --against aws --record');
    for (const r of replay.results.filter((x) => x.skipped === STALE)) expect(r).toMatchObject({ pass: false, actual: null, agreement: 'skipped' });
    expect(replay.summary.passed).toBe(live.summary.passed - 2);
    expect(replay.summary.skipped).toBe(live.summary.skipped + 2);
  });

  it('so does a changed context value', async () => {
    const def = mfaSuiteDef(file);
    def.context!['aws:MultiFactorAuthAge'] = { type: 'numeric', list: false, values: ['601'] };
    const replay = await runAgainst('recorded', [makeSuite(def)], { cwd: dir });
    // every case that sends the suite default is stale; the long-term-keys case removes the key, so it is not
    const stale = replay.results.filter((r) => r.skipped === STALE).map((r) => r.case);
    expect(stale).not.toContain('long-term access keys carry no MFA key at all');
    expect(stale).toHaveLength(13);
  });

  it('no recording file → every simulated case skipped, saying how to record', async () => {
    const other = join(dir, 'scenarios', 'none.yaml');
    const replay = await runAgainst('recorded', [mfaSuite(other)], { cwd: dir });
    expect(replay.summary.passed).toBe(0);
    expect(replay.results.filter((r) => !r.skipped)).toEqual([]);
    expect(replay.results[0]!.skipped).toBe(`no recording file ${join('scenarios', 'none.recording.json')}: record with --against aws --record`);
  });

  it('a call that fails while recording keeps the earlier answer for that request', async () => {
    const iam = await FakeIam.start();
    const engine = engineHandler();
    iam.handler = (req, k) => (req.params.get('CallerArn')?.endsWith(':role/ci-deployer') ? ERRORS.invalidInput('nope') : engine(req, k));
    try {
      const r = await runAgainst('aws', [mfaSuite(file)], { client: loopbackClient(iam.endpoint), record: true, cwd: dir });
      expect(r.summary.errors).toBe(2);
    } finally {
      await iam.close();
    }
    expect(readFileSync(recordingPath(file), 'utf8')).toBe(recording);
  });

  it('a file that is not a recording is a usage error pointing at it', async () => {
    const bad = join(dir, 'scenarios', 'bad.yaml');
    writeFileSync(recordingPath(bad), '{"entries": 3}');
    await expect(runAgainst('recorded', [mfaSuite(bad)], { cwd: dir })).rejects.toBeInstanceOf(SuiteError);
    writeFileSync(recordingPath(bad), '{not json');
    await expect(runAgainst('recorded', [mfaSuite(bad)], { cwd: dir })).rejects.toThrow(/is not valid JSON/);
  });
});

describe('recording format and the account behind Principal-mode answers', () => {
  it('a recording in the format of an earlier iamspec replays nothing: every case stale, saying why', async () => {
    const f = join(dir, 'scenarios', 'old.yaml');
    writeFileSync(recordingPath(f), JSON.stringify({ format: 'iamspec-recording/1', suite: 'x', suiteFile: 'old.yaml', about: '', entries: [] }));
    const replay = await runAgainst('recorded', [mfaSuite(f)], { cwd: dir });
    expect(replay.results.filter((r) => r.skipped === olderFormat('iamspec-recording/1'))).toHaveLength(14); // every simulated case
    expect(replay.summary.passed).toBe(0);
    expect(olderFormat('iamspec-recording/1')).toMatch(/earlier iamspec, whose request keys iamspec-recording\/2 computes differently: re-record/);
  });

  const DEV = 'arn:aws:iam::123456789012:policy/dev';
  const dev = { Version: '2012-10-17', Statement: [{ Sid: 'Read', Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] };
  const suite = (f: string) =>
    makeSuite({
      file: f,
      policies: { dev },
      principals: { ann: { arn: 'arn:aws:iam::123456789012:user/ann', policies: ['dev'], inAccount: true } },
      cases: [{ name: 'reads', principal: 'ann', action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', expect: 'allowed' }],
    });
  const recordWith = async (f: string, doc: object) => {
    const iam = await FakeIam.start(engineHandler({ account: { policies: { [DEV]: JSON.stringify(doc) }, users: { ann: { managed: [DEV] } } } }));
    try {
      await runAgainst('aws', [suite(f)], { client: loopbackClient(iam.endpoint), record: true, cwd: dir });
    } finally {
      await iam.close();
    }
    return JSON.parse(readFileSync(recordingPath(f), 'utf8')) as RecordingFile;
  };

  it('the account as the suite says: the entry carries its fingerprint and replays', async () => {
    const f = join(dir, 'scenarios', 'ann.yaml');
    const rec = await recordWith(f, dev);
    expect(rec.entries[0]!.request).toMatchObject({ operation: 'SimulatePrincipalPolicy', policySource: 'arn:aws:iam::123456789012:user/ann', accountPolicies: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(rec.entries[0]!.request.caller).toBeUndefined();
    const replay = await runAgainst('recorded', [suite(f)], { cwd: dir });
    expect(replay.results[0]).toMatchObject({ agreement: 'agree', pass: true, aws: { source: 'recording', accountPolicies: { matchesSuite: true } } });
  });

  it('an account drifted from the suite when recorded: replay says so — stale, never an agreement', async () => {
    const f = join(dir, 'scenarios', 'ann-drift.yaml');
    const rec = await recordWith(f, { ...dev, Statement: [{ ...dev.Statement[0], Action: ['s3:GetObject', 's3:PutObject'] }] });
    expect(rec.entries[0]!.hash).not.toBe(planCase(suite(f), suite(f).cases[0]!).hash);
    const replay = await runAgainst('recorded', [suite(f)], { cwd: dir });
    expect(replay.results[0]).toMatchObject({ agreement: 'skipped', pass: false });
    expect(replay.results[0]!.skipped).toMatch(/differ from the suite's policies for it \(drift\).*; recorded so, it does not replay$/);
  });
});

describe('recordings do not depend on batching (spec §7.3: top-level fields are totals over the call)', () => {
  const U = 'arn:aws:iam::111111111111:user/u';
  const def = (file: string): SuiteDef => ({
    name: 'batching',
    file,
    policies: {
      ident: {
        Version: '2012-10-17',
        Statement: [
          { Sid: 'S3', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:ListAllMyBuckets'], Resource: '*' },
          { Sid: 'NoSecrets', Effect: 'Deny', Action: 's3:DeleteObject', Resource: 'arn:aws:s3:::b/secret*' },
          { Sid: 'FromTheOffice', Effect: 'Deny', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/ip/*', Condition: { NotIpAddress: { 'aws:SourceIp': '192.0.2.0/24' } } },
        ],
      },
      edge: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:ListAllMyBuckets'], Resource: '*' }] },
      scp: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: '*', Resource: '*' },
          { Effect: 'Deny', Action: 's3:PutObject', Resource: 'arn:aws:s3:::b/locked/*' },
        ],
      },
      shared: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: U }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::x/pub/*' }] },
    },
    principals: { u: { arn: U, policies: ['ident'], boundary: 'edge' } },
    resources: [{ arn: 'arn:aws:s3:::x/*', owner: '222222222222', policy: 'shared' }],
    organization: { scps: [['scp']], accounts: ['111111111111'] },
    cases: [
      { name: 'grid', principal: 'u', action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], resource: ['arn:aws:s3:::b/a', 'arn:aws:s3:::b/secret1', 'arn:aws:s3:::b/ip/1', 'arn:aws:s3:::b/locked/1'], expect: 'allowed' },
      { name: 'cross', principal: 'u', action: ['s3:GetObject', 's3:PutObject'], resource: ['arn:aws:s3:::x/pub/1', 'arn:aws:s3:::x/priv/1'], expect: 'allowed' },
      { name: 'star', principal: 'u', action: ['s3:ListAllMyBuckets', 's3:GetObject', 's3:DeleteObject'], resource: '*', expect: 'allowed' },
    ],
  });

  it('the same suite recorded batched and one case per call gives the same bytes', async () => {
    const record = async (sub: string, opts: { chunkSize?: number; actionsPerCall?: number }) => {
      const f = join(dir, sub, 'batching.yaml');
      mkdirSync(join(dir, sub), { recursive: true });
      const iam = await FakeIam.start();
      try {
        const r = await runAgainst('aws', [makeSuite(def(f))], { client: loopbackClient(iam.endpoint), record: true, cwd: dir, ...opts });
        expect(r.summary.errors).toBe(0);
        return { text: readFileSync(recordingPath(f), 'utf8'), calls: r.differential.calls };
      } finally {
        await iam.close();
      }
    };
    const batched = await record('batched', {});
    const single = await record('single', { chunkSize: 1, actionsPerCall: 1 });
    expect(batched.calls).toBe(3); // the b/ ARNs, the x/ ARNs (another resource policy), `*`
    expect(single.calls).toBe(19); // one per case
    expect(batched.text).toBe(single.text);
    // and the suite is one where the totals differ from resource to resource
    const answers = (JSON.parse(batched.text) as RecordingFile).entries.map((e) => e.answer);
    expect(new Set(answers.map((a) => a.decision))).toEqual(new Set(['allowed', 'explicitDeny', 'implicitDeny']));
    expect(answers.filter((a) => a.missingContextValues.length > 0).length).toBeGreaterThan(0);
    expect(answers.filter((a) => a.missingContextValues.length === 0).length).toBeGreaterThan(0);
    expect(new Set(answers.map((a) => a.allowedByPermissionsBoundary))).toEqual(new Set([true, false]));
    expect(answers.filter((a) => a.evalDecisionDetails).length).toBe(4); // the cross-account cases only
    expect(answers.filter((a) => a.allowedByOrganizations !== undefined).length).toBe(3); // the `*` cases only
  });
});

describe('the differential report', () => {
  it('lists disagreements first, then errors, agreements, skipped; pretty and JSON renderings', async () => {
    const iam = await FakeIam.start();
    const engine = engineHandler({ tamper: (a, _r, d) => (a === 'iam:CreateUser' ? 'allowed' : d) });
    iam.handler = (req, k) => (members(req.params, 'ActionNames').includes('s3:ListBucket') ? ERRORS.policyEvaluation('cannot evaluate') : engine(req, k));
    let r: DifferentialReport;
    try {
      const def = mfaSuiteDef(file);
      def.cases.push({ name: 'an extra agreeing case', principal: 'ci', action: 's3:GetObject', resource: 'arn:aws:s3:::your-bucket-name/x', context: { 'aws:SecureTransport': b(false) }, expect: 'explicitDeny' });
      r = await runAgainst('aws', [makeSuite(def)], { client: loopbackClient(iam.endpoint), cwd: dir });
    } finally {
      await iam.close();
    }
    // run order in the report (grouped by suite, as the CLI's reporters expect) …
    expect(r.results.map((x) => x.case)).toEqual(makeSuite(mfaSuiteDef(file)).cases.map((c) => c.name).concat('an extra agreeing case'));
    // … disagreements first in the differential rendering
    const ordered = differentialOrder(r.results);
    expect(ordered.map((x) => x.agreement)).toEqual([
      'disagree',
      'error', // the failing call was split until only the ListBucket case was left (the others are answered)
      ...Array(13).fill('agree'),
      'skipped', 'skipped', 'skipped', 'skipped',
    ]);
    expect(ordered[0]).toMatchObject({ case: 'the CI boundary blocks IAM', actual: 'allowed', pass: false, local: { decision: 'implicitDeny' } });
    expect(r.differential).toMatchObject({ agree: 13, disagree: 1, skipped: 4, errors: 1 });
    expect(r.differential.calls).toBeGreaterThan(7); // the split calls count too
    expect(r.summary).toEqual({ suites: 1, passed: 13, failed: 1, errors: 1, skipped: 4 });

    const pretty = renderDifferential(r, 'pretty');
    const lines = pretty.split('\n');
    expect(lines[0]).toBe(`iamspec differential: local engine vs the IAM policy simulator (live, ${r.differential.calls} API calls)`);
    expect(lines[1]).toBe('19 cases in 1 suite: 13 agree · 1 disagree · 4 skipped · 1 error');
    expect(lines[4]).toBe('DISAGREE FAIL  All-Staff MFA enforcement › the CI boundary blocks IAM');
    expect(pretty).toContain('    local     implicitDeny');
    expect(pretty).toContain('    aws       allowed      by —');
    expect(pretty).toMatch(/ERROR {9}All-Staff MFA enforcement › with MFA, Dev-Team lists the bucket\n.*\n.*\n {4}aws {7}SimulateCustomPolicy could not evaluate a policy \(PolicyEvaluation\): cannot evaluate/);
    expect(pretty).toContain('agree    pass  All-Staff MFA enforcement › with MFA, Dev-Team reads the bucket  [allowed]');
    expect(pretty).toContain('skipped       All-Staff MFA enforcement › anonymous callers are refused\n    the simulator cannot simulate anonymous');

    const json = JSON.parse(renderDifferential(r, 'json')) as DifferentialReport;
    expect(json.summary).toEqual(r.summary);
    expect(json.against).toBe('aws');
    expect(json.results[0]!.aws!.requestHash).toMatch(/^[0-9a-f]{64}$/);
    expect(json.results.map((x) => x.case)).toEqual(ordered.map((x) => x.case));
    expect(json.differential).toEqual(r.differential);
  });
});
