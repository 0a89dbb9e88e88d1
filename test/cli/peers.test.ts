// The optional packages (package.json peerDependencies): a command that needs one that is not
// installed stops with exit 2 naming every missing package and the command that installs the
// versions iamspec is tested with. (test/package/packed-install.test.ts sees it from the package.)

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CliUsageError } from '../../src/cli/args.ts';
import { installSpec, missingPackages, requirePackages, SDK_PACKAGES, STACK_PACKAGES } from '../../src/cli/peers.ts';

const pkg = (await import('../../package.json', { with: { type: 'json' } })).default as {
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional: boolean }>;
  devDependencies: Record<string, string>;
};
const nowhere = mkdtempSync(join(tmpdir(), 'iamspec-peers-'));
afterAll(() => rmSync(nowhere, { recursive: true, force: true }));

describe('optional packages', () => {
  it('are optional peers of the package, and devDependencies here (the tests use them)', () => {
    for (const name of [...STACK_PACKAGES, ...SDK_PACKAGES]) {
      expect(pkg.peerDependenciesMeta[name], name).toEqual({ optional: true });
      expect(pkg.devDependencies[name], name).toBeDefined();
    }
  });

  it('are found where installed, missing elsewhere', () => {
    expect(missingPackages([...STACK_PACKAGES, ...SDK_PACKAGES], import.meta.url)).toEqual([]);
    expect(missingPackages(['cdktf', 'constructs'], join(nowhere, 'x.js'))).toEqual(['cdktf', 'constructs']);
  });

  it('a command needing missing packages is a usage error naming them all, with the install command', () => {
    expect(() => requirePackages('synth', STACK_PACKAGES, import.meta.url)).not.toThrow();
    let error: unknown;
    try {
      requirePackages('synth', STACK_PACKAGES, join(nowhere, 'x.js'));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CliUsageError);
    expect((error as Error).message).toBe(
      `synth needs cdktf, @cdktf/provider-aws and constructs (optional packages of iamspec, not installed here): npm install --save-dev ` +
        `cdktf@${pkg.devDependencies.cdktf} @cdktf/provider-aws@${pkg.devDependencies['@cdktf/provider-aws']} constructs@${pkg.devDependencies.constructs}`,
    );
  });

  it('install specs are the tested versions, quoted when a shell would misread them', () => {
    expect(installSpec('@aws-sdk/client-iam')).toBe(`@aws-sdk/client-iam@${pkg.devDependencies['@aws-sdk/client-iam']}`);
    expect(installSpec('no-such-package')).toBe('no-such-package');
  });
});
