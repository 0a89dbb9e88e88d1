// main(argv, io) in-process: the cheap checks of the CLI's wiring (the child-process tests in
// cli.test.ts cover the real launcher).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import type { IO } from '../../src/cli/io.ts';
import { parseContextArg } from '../../src/cli/context-arg.ts';
import { suggestions } from '../../src/cli/args.ts';

const dir = mkdtempSync(join(tmpdir(), 'iamspec-main-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function io(env: NodeJS.ProcessEnv = {}, failWrites = false) {
  const out = { stdout: '', stderr: '' };
  const value: IO = {
    stdout: {
      write: (s: string) => {
        if (failWrites) throw new Error('disk on fire');
        out.stdout += s;
        return true;
      },
    },
    stderr: { write: (s: string) => ((out.stderr += s), true) },
    cwd: dir,
    env,
  };
  return { io: value, out };
}

describe('main', () => {
  it('an internal error is one line plus "please report", exit 3, stack only with IAMSPEC_DEBUG', async () => {
    const a = io({}, true);
    expect(await main(['--version'], a.io)).toBe(3);
    expect(a.out.stderr).toMatch(/^iamspec: internal error: Error: disk on fire\n.*please report/);
    expect(a.out.stderr).not.toMatch(/^\s+at /m);
    const b = io({ IAMSPEC_DEBUG: '1' }, true);
    expect(await main(['--version'], b.io)).toBe(3);
    expect(b.out.stderr).toMatch(/^\s+at /m);
  });

  it('unknown commands and options are usage errors', async () => {
    const a = io();
    expect(await main(['tset'], a.io)).toBe(2);
    expect(a.out.stderr).toContain('iamspec: unknown command "tset"');
    expect(a.out.stderr).toContain('Usage:');
    const b = io();
    expect(await main(['explain', '--policy'], b.io)).toBe(2);
    expect(b.out.stderr).toMatch(/iamspec: Option '--policy <value>' argument missing/);
  });

  it('explain --json reports usage errors as JSON', async () => {
    const a = io();
    expect(await main(['explain', '--json', '--action', 's3:GetObject'], a.io)).toBe(2);
    expect(JSON.parse(a.out.stdout).error.message).toBe('explain needs --principal, --resource (or a suite file with --case)');
  });

  it('validate: errors exit 1 with file:line:column findings; --json lists them', async () => {
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject' }] }, null, 2));
    writeFileSync(join(dir, 'good.json'), JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }));
    const a = io();
    expect(await main(['validate', 'bad.json', 'good.json'], a.io)).toBe(1);
    expect(a.out.stdout).toMatch(/^bad\.json \(identity policy, --type to change\): 1 error/m);
    expect(a.out.stdout).toMatch(/^ {2}bad\.json:\d+:\d+: error /m);
    expect(a.out.stdout).toMatch(/^good\.json .*: valid$/m);
    const b = io();
    expect(await main(['validate', '--json', '--type', 'identity', 'bad.json'], b.io)).toBe(1);
    expect(JSON.parse(b.out.stdout)[0]).toMatchObject({ severity: 'error', file: 'bad.json' });
    const c = io();
    expect(await main(['validate', '--type', 'nope', 'good.json'], c.io)).toBe(2);
  });

  it('explain --policy with --expect: exit 1 when the decision differs', async () => {
    writeFileSync(join(dir, 'p.json'), JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Ip', Effect: 'Allow', Action: 'ec2:*', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }] }, null, 2));
    const args = ['explain', '--policy', 'p.json', '--principal', 'arn:aws:iam::123456789012:user/u', '--action', 'ec2:RunInstances', '--resource', '*'];
    const a = io();
    expect(await main([...args, '--context', 'aws:SourceIp=192.168.0.1', '--expect', 'allowed'], a.io)).toBe(1);
    expect(a.out.stdout).toContain('Condition IpAddress aws:SourceIp: request ["192.168.0.1"], policy ["10.0.0.0/8"]');
    expect(a.out.stdout).toContain('aws:SourceIp = 192.168.0.1 (ip)');
    const b = io();
    expect(await main([...args, '--context', 'aws:SourceIp=10.1.1.1', '--expect', 'allowed'], b.io)).toBe(0);
    const c = io();
    expect(await main([...args, '--policy', 'missing.json'], c.io)).toBe(2);
    expect(c.out.stderr).toContain('cannot read policy missing.json: no such file');
  });
});

describe('context arguments', () => {
  it('types values from the catalog, YAML-like words, or an explicit type', () => {
    expect(parseContextArg('aws:MultiFactorAuthPresent=false', '')).toEqual(['aws:MultiFactorAuthPresent', { type: 'boolean', list: false, values: ['false'] }]);
    expect(parseContextArg('aws:MultiFactorAuthAge=300', '')[1]).toMatchObject({ type: 'numeric' });
    expect(parseContextArg('aws:CurrentTime=2026-01-01T00:00:00Z', '')[1]).toMatchObject({ type: 'date' });
    expect(parseContextArg('aws:SourceIp=10.0.0.1', '')[1]).toMatchObject({ type: 'ip' });
    expect(parseContextArg('token.actions.githubusercontent.com:flag=true', '')[1]).toMatchObject({ type: 'boolean' });
    expect(parseContextArg('token.actions.githubusercontent.com:n=3', '')[1]).toMatchObject({ type: 'numeric' });
    expect(parseContextArg('token.actions.githubusercontent.com:sub=x=y', '')[1]).toEqual({ type: 'string', list: false, values: ['x=y'] });
    expect(parseContextArg('aws:TagKeys=["a","b"]', '')[1]).toEqual({ type: 'string', list: true, values: ['a', 'b'] });
    expect(parseContextArg('my:ip={"type":"ip","value":"10.0.0.1"}', '')[1]).toEqual({ type: 'ip', list: false, values: ['10.0.0.1'] });
    expect(parseContextArg('aws:MultiFactorAuthPresent=null', '')[1]).toBeNull();
    expect(() => parseContextArg('novalue', '')).toThrow(/KEY=VALUE/);
    // The loader's checks apply: unknown aws: keys and values that do not fit their type.
    expect(() => parseContextArg('aws:SourceIpp=10.0.0.1', '')).toThrow(/--context aws:SourceIpp: unknown global condition key/);
    expect(() => parseContextArg('aws:SourceIp=not-an-ip', '')).toThrow(/--context aws:SourceIp: /);
  });

  it('suggests close names', () => {
    expect(suggestions('with MFA reads', ['with MFA, reads the bucket', 'without MFA', 'admin'])).toEqual(['with MFA, reads the bucket']);
    expect(suggestions('withot MFA', ['without MFA', 'admin'])).toEqual(['without MFA']);
  });
});
