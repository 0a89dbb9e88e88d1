// `iamspec validate` with the catalog checks: the six mistakes, each AWS accepts and each
// silently never matches (or over-matches), named at its line.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { IO } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';

const dir = mkdtempSync(join(tmpdir(), 'iamspec-validate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SIX = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ReadReports",
      "Effect": "Allow",
      "Action": [
        "s3:GetObjects",
        "s3:ListBucket"
      ],
      "Resource": "arn:aws:s3:::reports/*",
      "Condition": {
        "Bool": {"aws:SecureTransprot": "true"},
        "StringEquals": {
          "ec2:InstanceTyp": "t3.micro",
          "aws:MultiFactorAuthPresent": "true"
        },
        "ForAllValues:StringEquals": {"aws:RequestedRegion": ["eu-west-1"]}
      }
    }
  ]
}
`;

async function run(args: string[]) {
  const out = { stdout: '', stderr: '' };
  const io: IO = { stdout: { write: (s: string) => ((out.stdout += s), true) }, stderr: { write: (s: string) => ((out.stderr += s), true) }, cwd: dir, env: {} };
  return { code: await main(args, io), ...out };
}

describe('iamspec validate: catalog-aware', () => {
  it('the six mistakes: exit 1, each named at its line', async () => {
    writeFileSync(join(dir, 'six.json'), SIX);
    const r = await run(['validate', 'six.json']);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    const at = (line: number, text: string) => expect(lines.some((l) => l.includes(`six.json:${line}:`) && l.includes(text)), `${text} at line ${line}\n${r.stdout}`).toBe(true);
    at(8, 'error Invalid action: s3 has no action "GetObjects"');
    at(9, 'warning Resource type mismatch: s3:ListBucket');
    at(13, 'error Invalid global condition key: aws:SecureTransprot');
    at(15, 'error Invalid service condition key: ec2 defines no condition key "InstanceTyp"');
    at(14, 'warning Type mismatch: aws:MultiFactorAuthPresent is a Bool key');
    at(18, 'warning ForAllValues with single valued key: aws:RequestedRegion');
  });

  it('the corrected policy is valid', async () => {
    const fixed = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'ReadReports',
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:ListBucket'],
          Resource: ['arn:aws:s3:::reports', 'arn:aws:s3:::reports/*'],
          Condition: {
            Bool: { 'aws:SecureTransport': 'true', 'aws:MultiFactorAuthPresent': 'true' },
            StringEquals: { 'ec2:InstanceType': 't3.micro', 'aws:RequestedRegion': ['eu-west-1'] },
          },
        },
      ],
    };
    writeFileSync(join(dir, 'fixed.json'), JSON.stringify(fixed, null, 2));
    const r = await run(['validate', 'fixed.json']);
    expect(r.stdout).toMatch(/fixed\.json .*: valid\n$/);
    expect(r.code).toBe(0);
  });
});
