// Scale check: a generated suite of 100,000 cases run by the real CLI, as a user runs it.
//
//   node bin/run-ts.js bench/scale.ts [--cases 100000] [--runs 5] [--keep] [--variant plain|anchor|tab]
//                                     [--layout matrix|flat]
//
// Writes policies and one suite YAML (a handful of principals: MFA enforcement, an S3 team policy,
// an admin, a break-glass user, an IP-restricted operator with a permissions boundary, a
// cross-account partner role against a bucket policy; matrices of actions × resources) into a
// temporary directory, then runs `node bin/iamspec.js test <dir> --reporter json` several times.
// Reports the median wall time and peak RSS (from /usr/bin/time -v when present, else the child's
// own process.resourceUsage()), and where the time went (IAMSPEC_PROFILE=1: startup, load, run,
// format, write). Targets on the 2-core machine: < 5 s and < 500 MB; with one anchor or one tab
// in the suite (--variant), < 3 s and < 500 MB.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ACCOUNT = '123456789012';
const PARTNER = '210987654321';

// ---------------------------------------------------------------------------------------------
// the generated project

const MFA_EXEMPT = [
  'iam:CreateVirtualMFADevice',
  'iam:EnableMFADevice',
  'iam:ListMFADevices',
  'iam:ListUsers',
  'iam:ListVirtualMFADevices',
  'iam:ResyncMFADevice',
  'sts:GetSessionToken',
];

const POLICIES: Record<string, unknown> = {
  'mfa-enforcement': {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'AllowViewAccountInfo', Effect: 'Allow', Action: ['iam:ListVirtualMFADevices', 'iam:ListUsers'], Resource: '*' },
      {
        Sid: 'AllowManageOwnVirtualMFADevice',
        Effect: 'Allow',
        Action: ['iam:CreateVirtualMFADevice', 'iam:EnableMFADevice', 'iam:ListMFADevices', 'iam:ResyncMFADevice'],
        Resource: [`arn:aws:iam::${ACCOUNT}:mfa/*`, `arn:aws:iam::${ACCOUNT}:user/\${aws:username}`],
      },
      {
        Sid: 'BlockMostAccessUnlessSignedInWithMFA',
        Effect: 'Deny',
        NotAction: MFA_EXEMPT,
        Resource: '*',
        Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
      },
    ],
  },
  'dev-team-s3': {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AllowS3BucketAccessWithMFA',
        Effect: 'Allow',
        Action: ['s3:ListBucket', 's3:GetObject', 's3:PutObject'],
        Resource: ['arn:aws:s3:::your-bucket-name', 'arn:aws:s3:::your-bucket-name/*'],
        Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
      },
    ],
  },
  admin: { Version: '2012-10-17', Statement: [{ Sid: 'Admin', Effect: 'Allow', Action: '*', Resource: '*' }] },
  'ops-from-office': {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'Ec2FromOffice', Effect: 'Allow', Action: 'ec2:*', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '172.16.0.0/12'] } } },
    ],
  },
  'ops-boundary': {
    Version: '2012-10-17',
    Statement: [{ Sid: 'Ceiling', Effect: 'Allow', Action: ['s3:*', 'ec2:Describe*'], Resource: '*' }],
  },
  'partner-read': {
    Version: '2012-10-17',
    Statement: [{ Sid: 'ReadShared', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::shared-bucket/*' }],
  },
  'shared-bucket-policy': {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'PartnerReads', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${PARTNER}:root` }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::shared-bucket/*' },
      {
        Sid: 'TlsOnly',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: ['arn:aws:s3:::shared-bucket', 'arn:aws:s3:::shared-bucket/*'],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ],
  },
};

/** 40 real actions, none of them MFA self-service, none needing a resource policy. */
const ACTIONS = [
  's3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:ListBucket', 's3:GetBucketPolicy',
  'ec2:DescribeInstances', 'ec2:RunInstances', 'ec2:TerminateInstances', 'ec2:StartInstances', 'ec2:StopInstances',
  'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:DeleteItem',
  'lambda:InvokeFunction', 'lambda:CreateFunction', 'lambda:UpdateFunctionCode', 'lambda:GetFunction', 'lambda:ListFunctions',
  'sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sns:Publish', 'sns:Subscribe',
  'iam:CreateUser', 'iam:DeleteUser', 'iam:AttachUserPolicy', 'iam:CreateRole', 'iam:PassRole',
  'cloudwatch:PutMetricData', 'logs:PutLogEvents', 'logs:CreateLogGroup', 'secretsmanager:GetSecretValue', 'ssm:GetParameter',
  'rds:CreateDBInstance', 'rds:DescribeDBInstances', 'ecr:GetAuthorizationToken', 'cloudformation:CreateStack', 'route53:ChangeResourceRecordSets',
];

const DESCRIBES = [
  'ec2:DescribeInstances', 'ec2:DescribeImages', 'ec2:DescribeVolumes', 'ec2:DescribeSnapshots', 'ec2:DescribeSecurityGroups',
  'ec2:DescribeSubnets', 'ec2:DescribeVpcs', 'ec2:DescribeRegions', 'ec2:DescribeAvailabilityZones', 'ec2:DescribeKeyPairs',
  'ec2:DescribeAddresses', 'ec2:DescribeTags', 'ec2:DescribeRouteTables', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeInternetGateways',
  'ec2:DescribeNatGateways', 'ec2:DescribeLaunchTemplates', 'ec2:DescribeInstanceTypes', 'ec2:DescribeSpotInstanceRequests', 'ec2:DescribeAccountAttributes',
];

const range = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i));
const flow = (xs: string[]) => `[${xs.map((x) => (x === '*' ? '"*"' : x)).join(', ')}]`;

interface Template {
  principal: string;
  actions: string[];
  resources: (k: number) => string[];
  context?: string;
  expect: string;
  decidedBy?: string;
}

const NO_MFA = '{aws:MultiFactorAuthPresent: null, aws:MultiFactorAuthAge: null}';

/** Ten kinds of 1,000-case matrices; batch k uses kind k mod 10 and its own resources. */
const TEMPLATES: Template[] = [
  { principal: 'john', actions: ACTIONS, resources: (k) => range(25, (j) => `arn:aws:s3:::your-bucket-name/b${k}/f${j}.csv`), context: '{aws:MultiFactorAuthPresent: false}', expect: 'explicitDeny', decidedBy: 'mfa-enforcement#BlockMostAccessUnlessSignedInWithMFA' },
  { principal: 'john', actions: ['s3:GetObject', 's3:PutObject'], resources: (k) => range(500, (j) => `arn:aws:s3:::your-bucket-name/b${k}/o${j}`), expect: 'allowed', decidedBy: 'dev-team-s3#AllowS3BucketAccessWithMFA' },
  { principal: 'new-hire', actions: ACTIONS, resources: (k) => range(25, (j) => `arn:aws:s3:::other-bucket-${k}/k${j}`), expect: 'implicitDeny' },
  { principal: 'admin', actions: ACTIONS, resources: (k) => range(25, (j) => `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/t${k}-${j}`), expect: 'allowed', decidedBy: 'admin#Admin' },
  { principal: 'break-glass', actions: ACTIONS, resources: (k) => range(25, (j) => `arn:aws:sqs:us-east-1:${ACCOUNT}:q${k}-${j}`), context: NO_MFA, expect: 'allowed' },
  { principal: 'john', actions: ACTIONS, resources: (k) => range(25, (j) => `arn:aws:s3:::your-bucket-name/keys${k}/${j}`), context: NO_MFA, expect: 'denied' },
  { principal: 'ops', actions: DESCRIBES, resources: (k) => range(50, (j) => `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-${k}x${j}`), context: '{aws:SourceIp: 10.1.2.3}', expect: 'allowed', decidedBy: 'ops-from-office#Ec2FromOffice' },
  { principal: 'ops', actions: DESCRIBES, resources: (k) => range(50, (j) => `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-${k}y${j}`), context: '{aws:SourceIp: 192.168.1.20}', expect: 'implicitDeny' },
  { principal: 'partner', actions: ['s3:GetObject'], resources: (k) => range(1000, (j) => `arn:aws:s3:::shared-bucket/p${k}/${j}.parquet`), context: '{aws:SecureTransport: true}', expect: 'allowed', decidedBy: 'shared-bucket-policy#PartnerReads' },
  { principal: 'partner', actions: ['s3:GetObject'], resources: (k) => range(1000, (j) => `arn:aws:s3:::shared-bucket/q${k}/${j}.parquet`), context: '{aws:SecureTransport: false}', expect: 'explicitDeny', decidedBy: 'shared-bucket-policy#TlsOnly' },
];

/**
 * What else the suite holds: `anchor` names the first shared context `&no-mfa` and writes the next
 * one as the alias `*no-mfa` (one anchor, one alias); `tab` puts one tab before a comment. Either
 * used to send the whole file to the slow YAML reader (issue 11).
 */
export type Variant = 'plain' | 'anchor' | 'tab';
export const VARIANTS: readonly Variant[] = ['plain', 'anchor', 'tab'];

/**
 * How cases are written: `matrix`, one entry per action × resource list (1,000 cases an entry, a
 * ~1 MB file); `flat`, one entry per case (a ~17 MB file, what the YAML readers feel most).
 */
export type Layout = 'matrix' | 'flat';
export const LAYOUTS: readonly Layout[] = ['matrix', 'flat'];

export function suiteYaml(cases: number, variant: Variant = 'plain', layout: Layout = 'matrix'): string {
  const out: string[] = [
    '# generated by bench/scale.ts',
    'suite: Scale',
    'policies:',
    ...Object.keys(POLICIES).map((n) => `  ${n}: ../policies/${n}.json`),
    'groups:',
    '  All-Staff: [mfa-enforcement]',
    '  Dev-Team: [dev-team-s3]',
    '  Admin-Team: [admin]',
    'principals:',
    '  john:',
    `    arn: arn:aws:iam::${ACCOUNT}:user/john.doe`,
    '    groups: [All-Staff, Dev-Team]',
    '  new-hire:',
    `    arn: arn:aws:iam::${ACCOUNT}:user/new.hire`,
    '    groups: [All-Staff]',
    '  admin:',
    `    arn: arn:aws:iam::${ACCOUNT}:user/admin`,
    '    groups: [All-Staff, Admin-Team]',
    '  break-glass:',
    `    arn: arn:aws:iam::${ACCOUNT}:user/break-glass`,
    '    groups: [Admin-Team]',
    '  ops:',
    `    arn: arn:aws:iam::${ACCOUNT}:user/ops`,
    '    policies: [ops-from-office]',
    '    boundary: ops-boundary',
    '  partner:',
    `    arn: arn:aws:iam::${PARTNER}:role/partner-reader`,
    '    policies: [partner-read]',
    'resources:',
    '  "arn:aws:s3:::shared-bucket/*":',
    `    owner: "${ACCOUNT}"`,
    '    policy: shared-bucket-policy',
    'context:',
    '  aws:MultiFactorAuthPresent: true',
    '  aws:MultiFactorAuthAge: 300',
    'cases:',
  ];
  let written = 0;
  let noMfa = 0; // contexts NO_MFA written so far: the first is anchored, the second an alias
  const entry = (name: string, t: Template, actions: string[], resources: string[], first: boolean) => {
    out.push(`  - name: ${name}`);
    out.push(`    principal: ${t.principal}`);
    out.push(`    action: ${actions.length === 1 ? actions[0] : flow(actions)}`);
    out.push(`    resource: ${resources.length === 1 ? flow(resources).slice(1, -1) : flow(resources)}`);
    if (t.context === NO_MFA && variant === 'anchor' && noMfa < 2) out.push(`    context: ${noMfa++ === 0 ? `&no-mfa ${t.context}` : '*no-mfa'}`);
    else if (t.context) out.push(`    context: ${t.context}`);
    out.push(`    expect: ${t.expect}${first && variant === 'tab' ? '\t# a tab' : ''}`);
    if (t.decidedBy) out.push(`    decidedBy: ${t.decidedBy}`);
  };
  for (let k = 0; written < cases; k++) {
    const t = TEMPLATES[k % TEMPLATES.length]!;
    let resources = t.resources(k);
    const per = t.actions.length * resources.length;
    if (written + per > cases) resources = resources.slice(0, Math.max(1, Math.floor((cases - written) / t.actions.length)));
    const actions = written + t.actions.length * resources.length > cases ? t.actions.slice(0, cases - written) : t.actions;
    const name = `batch ${k} (${t.principal}, expect ${t.expect})`;
    if (layout === 'matrix') entry(name, t, actions, resources, k === 0);
    else {
      let i = 0;
      for (const a of actions) for (const r of resources) entry(`${name} no. ${i++}`, t, [a], [r], k === 0 && i === 1);
    }
    written += actions.length * resources.length;
  }
  return out.join('\n') + '\n';
}

export function writeProject(dir: string, cases: number, variant: Variant = 'plain', layout: Layout = 'matrix'): string {
  mkdirSync(join(dir, 'policies'), { recursive: true });
  mkdirSync(join(dir, 'scenarios'), { recursive: true });
  for (const [name, doc] of Object.entries(POLICIES)) writeFileSync(join(dir, 'policies', `${name}.json`), JSON.stringify(doc, null, 2) + '\n');
  const file = join(dir, 'scenarios', 'scale.yaml');
  writeFileSync(file, suiteYaml(cases, variant, layout));
  return file;
}

// ---------------------------------------------------------------------------------------------
// measuring

export interface Measure {
  wallMs: number;
  /** user + system CPU of the child (from /usr/bin/time -v), NaN without it. */
  cpuMs: number;
  rssMB: number;
  code: number;
  profile: Record<string, number> | null;
  summary: Record<string, number> | null;
}

const HAS_TIME = existsSync('/usr/bin/time');

/** Runs `program args` (under /usr/bin/time -v when present) and reads what it reports. */
export function measure(program: string, args: string[], cwd: string): Measure {
  const cmd = HAS_TIME ? '/usr/bin/time' : program;
  const argv = HAS_TIME ? ['-v', program, ...args] : args;
  const t0 = performance.now();
  const r = spawnSync(cmd, argv, { cwd, env: { ...process.env, IAMSPEC_PROFILE: '1', NO_COLOR: '1' }, maxBuffer: 1 << 30, encoding: 'utf8' });
  const wallMs = performance.now() - t0;
  const stderr = r.stderr ?? '';
  const profileLine = /^iamspec-profile (.*)$/m.exec(stderr);
  const profile = profileLine ? (JSON.parse(profileLine[1]!) as Record<string, number>) : null;
  const exitLine = /^iamspec-profile-exit (\d+)$/m.exec(stderr);
  if (profile && exitLine) {
    const until = profile.startup! + profile.load! + profile.run! + profile.format! + profile.write!;
    profile.exit = Number(exitLine[1]) - until;
    profile.spawn = wallMs - Number(exitLine[1]);
  }
  const user = /User time \(seconds\): ([\d.]+)/.exec(stderr);
  const sys = /System time \(seconds\): ([\d.]+)/.exec(stderr);
  const cpuMs = user && sys ? (Number(user[1]) + Number(sys[1])) * 1000 : NaN;
  const timeRss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
  const rssKB = timeRss ? Number(timeRss[1]) : (profile?.maxRssKB ?? NaN);
  let summary: Record<string, number> | null = null;
  try {
    const head = (r.stdout ?? '').slice(0, 200);
    const m = /"summary":(\{[^}]*\})/.exec(head);
    summary = m ? (JSON.parse(m[1]!) as Record<string, number>) : null;
  } catch {
    summary = null;
  }
  return { wallMs, cpuMs, rssMB: rssKB / 1024, code: r.status ?? -1, profile, summary };
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export function table(rows: (string | number)[][]): string {
  const cells = rows.map((r) => r.map(String));
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  return cells.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')).join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      cases: { type: 'string', default: '100000' },
      runs: { type: 'string', default: '5' },
      keep: { type: 'boolean' },
      // Measure exactly what a user types, `npx iamspec test …` from the project root (npx itself
      // adds about a second of npm start-up), instead of `node bin/iamspec.js`.
      npx: { type: 'boolean' },
      variant: { type: 'string', default: 'plain' },
      layout: { type: 'string', default: 'matrix' },
    },
  });
  const variant = values.variant as Variant;
  if (!VARIANTS.includes(variant)) throw new Error(`--variant takes ${VARIANTS.join(', ')}`);
  const layout = values.layout as Layout;
  if (!LAYOUTS.includes(layout)) throw new Error(`--layout takes ${LAYOUTS.join(', ')}`);
  // The plain suite's target is the scale target; an anchor or a tab must not cost more than 3 s (issue 11).
  const targetMs = variant === 'plain' ? 5000 : 3000;
  const cases = Number(values.cases);
  const runs = Number(values.runs);
  const dir = mkdtempSync(join(tmpdir(), 'iamspec-scale-'));
  const t0 = performance.now();
  const file = writeProject(dir, cases, variant, layout);
  console.log(`command: ${values.npx ? 'npx iamspec' : 'node bin/iamspec.js'} test <dir> --reporter json`);
  console.log(`generated ${cases.toLocaleString('en-US')} cases (${layout}${variant === 'plain' ? '' : `, ${variant}`}): ${file} (${(statSync(file).size / 1e6).toFixed(1)} MB) in ${Math.round(performance.now() - t0)} ms`);
  const bin = join(ROOT, 'bin/iamspec.js');

  // Startup alone: node + tsx + the CLI modules, no suite.
  const startup: number[] = [];
  for (let i = 0; i < 3; i++) {
    const s = performance.now();
    execFileSync(process.execPath, [bin, '--version'], { cwd: dir });
    startup.push(performance.now() - s);
  }

  const results: Measure[] = [];
  for (let i = 0; i < runs; i++) {
    const m = values.npx
      ? measure('npx', ['iamspec', 'test', join(dir, 'scenarios'), '--reporter', 'json'], ROOT)
      : measure(process.execPath, [bin, 'test', join(dir, 'scenarios'), '--reporter', 'json'], dir);
    results.push(m);
    const p = m.profile;
    console.log(
      `run ${i + 1}: exit ${m.code}, ${Math.round(m.wallMs)} ms wall, ${Math.round(m.cpuMs)} ms CPU, ${m.rssMB.toFixed(0)} MB` +
        (p ? ` (startup ${p.startup}, load ${p.load}, run ${p.run}, format ${p.format}, write ${p.write} ms)` : '') +
        (m.summary ? ` summary ${JSON.stringify(m.summary)}` : ''),
    );
  }
  const prof = (k: string) => median(results.map((r) => r.profile?.[k] ?? NaN));
  const wall = median(results.map((r) => r.wallMs));
  const rss = Math.max(...results.map((r) => r.rssMB));
  const cpu = median(results.map((r) => r.cpuMs));
  let load = '';
  try {
    load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    load = 'n/a';
  }
  console.log('');
  console.log(
    table([
      ['phase (median of ' + runs + ' runs)', 'ms'],
      ['node + tsx + CLI modules (`--version` alone)', Math.round(median(startup))],
      ['startup until `test` begins (in the run)', Math.round(prof('startup'))],
      ['load suites (YAML, policies, expansion)', Math.round(prof('load'))],
      ['run cases (resolve, evaluate, compare)', Math.round(prof('run'))],
      ['format JSON report', Math.round(prof('format'))],
      ['write stdout', Math.round(prof('write'))],
      ['until the exit event (stdout drained)', Math.round(prof('exit'))],
      ['process spawn + teardown, /usr/bin/time, pipe read', Math.round(prof('spawn'))],
      ['wall time (child process, end to end)', Math.round(wall)],
    ]),
  );
  console.log('');
  console.log(
    table([
      ['cases', 'wall median', 'CPU median', 'peak RSS', 'JSON bytes', 'target'],
      [cases.toLocaleString('en-US'), `${(wall / 1000).toFixed(2)} s`, `${(cpu / 1000).toFixed(2)} s`, `${rss.toFixed(0)} MB`, `${((results[0]?.profile?.outputBytes ?? 0) / 1e6).toFixed(1)} MB`, `${wall < targetMs && rss < 500 ? 'met' : 'NOT met'} (< ${targetMs / 1000} s, < 500 MB)`],
    ]),
  );
  console.log(`\nload average during the runs: ${load} (the machine's 2 cores are shared; wall time grows with load, CPU time much less)`);
  const bad = results.find((r) => r.code !== 0 || (r.summary && r.summary.failed !== 0));
  if (bad) console.log(`\nwarning: a run exited ${bad.code} with summary ${JSON.stringify(bad.summary)} — the generated expectations are wrong or the engine changed`);
  if (values.keep) console.log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
