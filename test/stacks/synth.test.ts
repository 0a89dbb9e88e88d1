// The synthesized stack: resources, attachments and documents in cdk.tf.json, from the fixture
// suite and from the seed suites under scenarios/.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { escapeTerraform, unescapeTerraform } from '../../stacks/escape.ts';
import { optionsFromEnv, synthesize, type TerraformJson } from '../../stacks/main.ts';
import { GateError } from '../../stacks/gate.ts';
import { SUITES_TAG } from '../../stacks/stack.ts';
import { ADMINISTRATOR_ACCESS, buildFixture, deploySuite, deploySuiteSpec, DENY_LEAVE_ORG, DEV_TEAM_S3, FULL_ACCESS, MFA_ENFORCEMENT, DEV_BOUNDARY } from './fixture.ts';
import { tempDir } from './helpers.ts';

const repo = resolve(import.meta.dirname, '../..');
const tmp = tempDir('synth');
afterAll(() => tmp.remove());
let n = 0;
const quiet = { log: () => undefined, warn: () => undefined };

type Res = Record<string, Record<string, Record<string, unknown>>>;

describe('synthesizing the fixture suite', async () => {
  const r = await synthesize({ suites: [deploySuite()], root: '/work/project', outdir: join(tmp.dir, `o${n++}`), ...quiet });
  const cfg = JSON.parse(readFileSync(r.file, 'utf8')) as TerraformJson;
  const res = cfg.resource as Res;

  it('writes cdktf.out-style stacks/<name>/cdk.tf.json', () => {
    expect(r.file.endsWith(join('stacks', 'iamspec', 'cdk.tf.json'))).toBe(true);
  });

  it('pins the provider that @cdktf/provider-aws 20.1.0 was built for', () => {
    expect(cfg.terraform!.required_providers).toEqual({ aws: { source: 'aws', version: '5.100.0' } });
    expect(cfg.provider).toEqual({ aws: [{ region: 'us-east-1' }] });
  });

  it('has exactly the policies, groups and attachments of the suites', () => {
    expect(Object.keys(res).sort()).toEqual(['aws_iam_group', 'aws_iam_group_policy_attachment', 'aws_iam_policy']);
    expect(Object.keys(res.aws_iam_policy!).sort()).toEqual(['policy_dev-boundary', 'policy_dev-team-s3', 'policy_mfa-enforcement']);
    expect(Object.keys(res.aws_iam_group!).sort()).toEqual(['group_Admins', 'group_All-Staff', 'group_Dev-Team']);
    expect(res.aws_iam_group).toMatchObject({
      'group_All-Staff': { name: 'All-Staff', path: '/iamspec/' },
      'group_Dev-Team': { name: 'Dev-Team', path: '/iamspec/' },
    });
    expect(res.aws_iam_group_policy_attachment).toMatchObject({
      'group_All-Staff__policy_mfa-enforcement': {
        group: '${aws_iam_group.group_All-Staff.name}',
        policy_arn: '${aws_iam_policy.policy_mfa-enforcement.arn}',
      },
      'group_Dev-Team__policy_dev-team-s3': {
        group: '${aws_iam_group.group_Dev-Team.name}',
        policy_arn: '${aws_iam_policy.policy_dev-team-s3.arn}',
      },
    });
    expect(Object.keys(res.aws_iam_group_policy_attachment!)).toHaveLength(3);
  });

  it('attaches AWS managed policies by ARN, with a postcondition that AWS still has the verified document', () => {
    expect(res.aws_iam_group_policy_attachment!['group_Admins__aws_managed_AdministratorAccess']).toMatchObject({
      group: '${aws_iam_group.group_Admins.name}',
      policy_arn: '${data.aws_iam_policy.aws_managed_AdministratorAccess.arn}',
    });
    const data = cfg.data!;
    expect(Object.keys(data).sort()).toEqual(['aws_iam_policy', 'aws_partition']);
    expect(data.aws_iam_policy!.aws_managed_AdministratorAccess).toMatchObject({
      arn: 'arn:${data.aws_partition.partition.partition}:iam::aws:policy/AdministratorAccess',
      lifecycle: {
        postcondition: [
          {
            condition: '${jsondecode(self.policy) == jsondecode(local.aws_managed_AdministratorAccess_verified)}',
            error_message: expect.stringMatching(/^AWS managed policy AdministratorAccess is not the document the suites verified/),
          },
        ],
      },
    });
    expect(cfg.locals).toEqual({ aws_managed_AdministratorAccess_verified: escapeTerraform(JSON.stringify(ADMINISTRATOR_ACCESS)) });
  });

  it('deploys each verified document, escaped for Terraform, byte for byte', () => {
    const docs: Record<string, unknown> = { 'dev-boundary': DEV_BOUNDARY, 'dev-team-s3': DEV_TEAM_S3, 'mfa-enforcement': MFA_ENFORCEMENT };
    for (const [name, doc] of Object.entries(docs)) {
      const p = res.aws_iam_policy![`policy_${name}`] as { name: string; path: string; policy: string; description: string; tags: Record<string, string> };
      expect(p.name).toBe(name);
      expect(p.path).toBe('/iamspec/');
      expect(p.policy).toBe(escapeTerraform(JSON.stringify(doc)));
      expect(JSON.parse(unescapeTerraform(p.policy))).toEqual(doc);
      expect(p.description).toBe(`Managed by iamspec: scenario policy "${name}"`);
      expect(p.tags).toEqual({ [SUITES_TAG]: 'scenarios/deploy-fixture.yaml' });
    }
    const s3 = (res.aws_iam_policy!['policy_dev-team-s3'] as { policy: string }).policy;
    expect(s3).toContain('home/$${aws:username}/*');
    expect(s3).toContain("$${aws:PrincipalTag/team, 'none'}");
    expect(s3).toContain('"%%{x}"');
    expect(s3).toContain('"$$${aws:username}"');
  });

  it('outputs policy ARNs, group ARNs, the gate and the (empty) unverified list', () => {
    expect(cfg.output!.iamspec_policies!.value).toEqual({
      AdministratorAccess: '${data.aws_iam_policy.aws_managed_AdministratorAccess.arn}',
      'dev-boundary': '${aws_iam_policy.policy_dev-boundary.arn}',
      'dev-team-s3': '${aws_iam_policy.policy_dev-team-s3.arn}',
      'mfa-enforcement': '${aws_iam_policy.policy_mfa-enforcement.arn}',
    });
    expect(cfg.output!.iamspec_groups!.value).toEqual({
      Admins: '${aws_iam_group.group_Admins.arn}',
      'All-Staff': '${aws_iam_group.group_All-Staff.arn}',
      'Dev-Team': '${aws_iam_group.group_Dev-Team.arn}',
    });
    expect(cfg.output!.iamspec_unverified!.value).toEqual([]);
    expect(cfg.output!.iamspec_gate!.value).toMatchObject({ cases_total: 8, cases_passed: 8 });
    expect(cfg.output!.iamspec_org_policies).toBeUndefined();
  });
});

describe('organization policies', () => {
  const orgSuite = () =>
    buildFixture({
      ...deploySuiteSpec(),
      policies: { ...deploySuiteSpec().policies, 'full-aws-access': FULL_ACCESS, 'deny-leave': DENY_LEAVE_ORG },
      organization: { scps: [['full-aws-access'], ['full-aws-access', 'deny-leave']] },
      cases: [
        ...deploySuiteSpec().cases,
        { name: 'nobody leaves the organization', principal: 'admin', action: 'organizations:LeaveOrganization', resource: '*', expect: 'explicitDeny', decidedBy: ['deny-leave#NoLeaving'] },
      ],
    });

  it('are left out without the opt-in, and said so', async () => {
    const out: string[] = [];
    const r = await synthesize({ suites: [orgSuite()], root: '/work/project', outdir: join(tmp.dir, `o${n++}`), log: (l) => out.push(l), warn: () => undefined });
    expect(r.config.resource!.aws_organizations_policy).toBeUndefined();
    expect(out.join('\n')).toMatch(/SCPs\/RCPs not deployed \(set IAMSPEC_DEPLOY_ORG=1 in the management account\): deny-leave, full-aws-access/);
  });

  it('become aws_organizations_policy SERVICE_CONTROL_POLICY with the opt-in, gated like the rest', async () => {
    const r = await synthesize({ suites: [orgSuite()], root: '/work/project', outdir: join(tmp.dir, `o${n++}`), organization: true, ...quiet });
    const org = r.config.resource!.aws_organizations_policy!;
    expect(Object.keys(org).sort()).toEqual(['scp_deny-leave', 'scp_full-aws-access']);
    expect(org['scp_deny-leave']).toMatchObject({ name: 'deny-leave', type: 'SERVICE_CONTROL_POLICY', content: JSON.stringify(DENY_LEAVE_ORG) });
    expect(r.gate.entries.filter((e) => e.kind === 'scp').every((e) => e.status === 'verified')).toBe(true);
    expect(Object.keys(r.config.output!.iamspec_org_policies!.value as object).sort()).toEqual(['scp:deny-leave', 'scp:full-aws-access']);
  });
});

describe('configuration from the environment', () => {
  it('reads the escape hatch, the org opt-in and an S3 backend', async () => {
    const o = optionsFromEnv({
      IAMSPEC_ALLOW_UNVERIFIED: 'a, b',
      IAMSPEC_DEPLOY_ORG: '1',
      IAMSPEC_SCENARIOS: 'scenarios/a.yaml,scenarios/b',
      IAMSPEC_STATE_BUCKET: 'state-bucket',
      AWS_REGION: 'eu-west-1',
    });
    expect(o).toMatchObject({
      allowUnverified: ['a', 'b'],
      organization: true,
      paths: ['scenarios/a.yaml', 'scenarios/b'],
      region: 'eu-west-1',
      backend: { bucket: 'state-bucket', key: 'iamspec/terraform.tfstate', region: 'eu-west-1' },
    });
    expect(optionsFromEnv({ IAMSPEC_DEPLOY_ORG: '0' }).organization).toBeUndefined();
    const r = await synthesize({ suites: [deploySuite()], root: '/work/project', outdir: join(tmp.dir, `o${n++}`), backend: o.backend!, region: 'eu-west-1', ...quiet });
    expect(r.config.terraform!.backend).toEqual({
      s3: { bucket: 'state-bucket', key: 'iamspec/terraform.tfstate', region: 'eu-west-1', encrypt: true, use_lockfile: true },
    });
  });
});

describe('project wiring', () => {
  it('cdktf.json runs the app with node, pins hashicorp/aws 5.100.0, and matches the provider package', () => {
    const c = JSON.parse(readFileSync(join(repo, 'cdktf.json'), 'utf8')) as { app: string; language: string; terraformProviders: string[] };
    expect(c.app).toBe('node bin/iamspec.js synth');
    expect(c.language).toBe('typescript');
    expect(c.terraformProviders).toEqual(['hashicorp/aws@=5.100.0']);
    const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { devDependencies: Record<string, string>; peerDependencies: Record<string, string> };
    expect(pkg.devDependencies['@cdktf/provider-aws']).toBe('20.1.0');
    expect(pkg.peerDependencies['@cdktf/provider-aws']).toBe('20.1.0');
    const prov = JSON.parse(readFileSync(join(repo, 'node_modules/@cdktf/provider-aws/package.json'), 'utf8')) as { cdktf: { provider: { version: string } } };
    expect(prov.cdktf.provider.version).toBe('5.100.0');
  });

  it('imports provider classes by deep path, never the root barrel (~13 s to load)', () => {
    const files = [
      ...readdirSync(join(repo, 'stacks')).filter((f) => f.endsWith('.ts')).map((f) => join(repo, 'stacks', f)),
      ...(existsSync(join(repo, 'scripts')) ? readdirSync(join(repo, 'scripts')).filter((f) => /^stack-.*\.ts$/.test(f)).map((f) => join(repo, 'scripts', f)) : []),
    ];
    expect(files.length).toBeGreaterThan(3);
    for (const f of files) {
      expect(readFileSync(f, 'utf8'), f).not.toMatch(/from\s+['"]@cdktf\/provider-aws['"]|import\(\s*['"]@cdktf\/provider-aws['"]\s*\)/);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// the seed suites (scenarios/)

function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(f) ? [p] : [];
  });
}

const seeds = yamlFiles(join(repo, 'scenarios'));

function checkSynth(r: Awaited<ReturnType<typeof synthesize>>): void {
  const res = r.config.resource as Res;
  expect(r.model.policies.length + r.model.groups.length).toBeGreaterThan(0);
  for (const p of r.model.policies) {
    if (p.awsManaged !== undefined) {
      expect(r.config.locals![`${p.id}_verified`]).toBe(escapeTerraform(p.json));
      continue;
    }
    const got = res.aws_iam_policy![p.id] as { policy: string; name: string };
    expect(got.name).toBe(p.awsName);
    expect(JSON.parse(unescapeTerraform(got.policy))).toEqual(p.document);
  }
  for (const g of r.model.groups) {
    expect(res.aws_iam_group![g.id]).toMatchObject({ name: g.awsName });
    for (const name of g.policies) {
      const pol = r.model.policies.find((p) => p.name === name)!;
      const arn = pol.awsManaged !== undefined ? `\${data.aws_iam_policy.${pol.id}.arn}` : `\${aws_iam_policy.${pol.id}.arn}`;
      expect(Object.values(res.aws_iam_group_policy_attachment ?? {})).toContainEqual(
        expect.objectContaining({ group: `\${aws_iam_group.${g.id}.name}`, policy_arn: arn }),
      );
    }
  }
}

async function synthOrExplain(paths: string[] | undefined) {
  try {
    return await synthesize({ ...(paths ? { paths } : {}), root: repo, outdir: join(tmp.dir, `seed${n++}`), ...quiet });
  } catch (e) {
    throw new Error(`synthesis from ${paths ? paths.join(', ') : 'the deploy set'} failed:\n${e instanceof Error ? e.message : String(e)}`);
  }
}

describe('synthesizing the seed suites under scenarios/', () => {
  it('finds the seed suites', () => expect(seeds.length).toBeGreaterThan(0));

  // Every suite on its own passes the gate and deploys its documents as verified …
  it.each(seeds.map((f) => [f.slice(repo.length + 1)]))('%s', async (rel) => {
    checkSynth(await synthOrExplain([rel]));
  });

  // … and so does the deploy set that cdktf.json names (the suites that describe one account).
  it('the deploy set of cdktf.json (context["iamspec:scenarios"])', async () => {
    const r = await synthOrExplain(undefined);
    checkSynth(r);
  });

  // The seed items no case depends on, or that IAM would refuse, stay out by name and with a reason
  // (README "Deploying what the suites verified"); everything deployed is proved by a case.
  it('keeps out what cdktf.json names (context["iamspec:notDeployed"]) and proves everything else', async () => {
    const r = await synthOrExplain(undefined);
    expect(r.model.notDeployed.map((x) => x.name).sort()).toEqual(['Developers-A', 'gotcha1-common-mistake', 'policy-a-developers', 'policy-b-production', 'Production'].sort());
    expect(r.gate.entries.filter((e) => e.status !== 'verified')).toEqual([]);
    // the pasted principal's cases that it allows or explicitly denies prove it (removed, they
    // would be implicitly denied); its implicitDeny cases do not
    const proofs = r.gate.entries.find((e) => e.key === 'policy:force-mfa-pasted-verbatim')!.proofs.map((p) => p.case);
    expect(proofs).toContain('the published text pasted verbatim still lets the user create a virtual MFA device without MFA');
    expect(proofs).toContain('on user/$jane.dev without MFA, the pasted Deny blocks the rest');
    expect(proofs).not.toContain('the published text pasted verbatim does not block calls made through an AWS service');
    expect(proofs.every((c) => c.includes('pasted'))).toBe(true);
    // without the list, the gate refuses exactly those items
    const e = await synthesize({ root: repo, outdir: join(tmp.dir, `seed${n++}`), notDeployed: new Map(), ...quiet }).then(
      () => undefined,
      (x: unknown) => x as GateError,
    );
    expect(e).toBeInstanceOf(GateError);
    expect(e!.result.entries.filter((x) => x.status !== 'verified').map((x) => `${x.key} ${x.status}`)).toEqual([
      'policy:gotcha1-common-mistake unproven',
      'policy:policy-a-developers rejected',
      'policy:policy-b-production rejected',
    ]);
  });
});
