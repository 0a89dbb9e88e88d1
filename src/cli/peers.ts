// The package's optional peer dependencies (package.json peerDependencies): the CDKTF stack and
// the AWS SDK are large and most runs need neither, so `npm i -D iamspec` leaves them out and the
// commands that need them check first and say what to install (exit 2), rather than failing on an
// import deep inside.

import { createRequire } from 'node:module';
import { CliUsageError } from './args.ts';
import { packageJson } from './package.ts';

/** `iamspec synth` (stacks/). */
export const STACK_PACKAGES = ['cdktf', '@cdktf/provider-aws', 'constructs'] as const;
/** `iamspec test --against aws` (src/aws). */
export const SDK_PACKAGES = ['@aws-sdk/client-iam'] as const;

/** The packages among `names` that cannot be resolved from `from` (a file path or file: URL). */
export function missingPackages(names: readonly string[], from: string): string[] {
  const require = createRequire(from);
  return names.filter((name) => {
    try {
      require.resolve(name);
      return false;
    } catch {
      return true;
    }
  });
}

/** `name@version` for `npm install`: the version iamspec is tested with, else its peer range. */
export function installSpec(name: string): string {
  const pkg = packageJson();
  const version = pkg.devDependencies?.[name] ?? pkg.peerDependencies?.[name];
  const spec = version ? `${name}@${version}` : name;
  return /^[\w@./:-]+$/.test(spec) ? spec : `'${spec}'`; // a range such as >=1 needs quotes in a shell
}

/**
 * Throws a usage error (exit 2) naming the packages `what` needs that are not installed, with the
 * command that installs the versions iamspec is tested with.
 */
export function requirePackages(what: string, names: readonly string[], from: string = import.meta.url): void {
  const missing = missingPackages(names, from);
  if (missing.length === 0) return;
  const list = missing.length === 1 ? missing[0]! : `${missing.slice(0, -1).join(', ')} and ${missing.at(-1)}`;
  const which = missing.length === 1 ? 'an optional package' : 'optional packages';
  throw new CliUsageError(`${what} needs ${list} (${which} of iamspec, not installed here): npm install --save-dev ${missing.map(installSpec).join(' ')}`, '');
}
