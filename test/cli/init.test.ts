// `iamspec init [dir]` from the sources: what it writes, that the example suite passes,
// and that it never overwrites. (test/package/packed-install.test.ts runs it from the packed
// package.)

import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scaffoldFiles } from '../../src/cli/init-command.ts';
import { runMain } from './in-process.ts';

const base = mkdtempSync(join(tmpdir(), 'iamspec-init-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(base, `p${n++}`);

const CREATED = [
  '.github/workflows/iamspec-differential.yml',
  '.github/workflows/iamspec.yml',
  '.gitignore',
  'README.md',
  'cdktf.json',
  'policies/developers.json',
  'scenarios/developers.yaml',
  'scenarios/schema.json',
];

function files(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(dir, `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

describe('iamspec init', () => {
  it('scaffolds a policy repository whose example suite passes', async () => {
    const dir = fresh();
    const r = await runMain(['init', dir], base);
    expect(r.code, r.stderr).toBe(0);
    expect(files(dir).sort()).toEqual(CREATED);
    expect(r.stdout).toContain(`created  ${dir.slice(base.length + 1)}/scenarios/developers.yaml`);
    const test = await runMain(['test', '--reporter', 'json'], dir);
    expect(test.code, test.stdout).toBe(0);
    const report = JSON.parse(test.stdout);
    expect(report.summary).toMatchObject({ suites: 1, failed: 0, errors: 0, skipped: 0 });
    expect(report.results.map((c: { expected: string }) => c.expected)).toEqual(expect.arrayContaining(['allowed', 'implicitDeny', 'explicitDeny', 'denied']));
  });

  it('the files are filled in: the installed package in the workflows and cdktf.json, the schema of this version', async () => {
    const dir = fresh();
    await runMain(['init'], (mkdirSync(dir), dir));
    for (const f of CREATED) expect(readFileSync(join(dir, f), 'utf8'), f).not.toMatch(/\{\{\w+\}\}/);
    const pr = readFileSync(join(dir, '.github/workflows/iamspec.yml'), 'utf8');
    expect(pr).toContain('npx iamspec test --shard ${{ matrix.shard }}/2 --reporter json');
    expect(pr).toContain('npx iamspec merge-reports reports/shard-*.json');
    expect(pr).toMatch(/npm install --no-save --no-audit --no-fund cdktf@\S+ @cdktf\/provider-aws@20\.1\.0 constructs@\S+\n/);
    expect(readFileSync(join(dir, '.github/workflows/iamspec-differential.yml'), 'utf8')).toMatch(/npm install .* @aws-sdk\/client-iam@\S+\n/);
    expect(JSON.parse(readFileSync(join(dir, 'cdktf.json'), 'utf8'))).toMatchObject({ app: 'npx iamspec synth', context: { 'iamspec:scenarios': ['scenarios'] } });
    expect(readFileSync(join(dir, 'scenarios/schema.json'), 'utf8')).toBe(readFileSync(new URL('../../scenarios/schema.json', import.meta.url), 'utf8'));
    expect(scaffoldFiles().map((f) => f.path).sort()).toEqual(CREATED);
  });

  it('never overwrites: lists every file that exists, writes nothing, exit 2', async () => {
    const dir = fresh();
    mkdirSync(join(dir, 'policies'), { recursive: true });
    writeFileSync(join(dir, 'policies/developers.json'), 'mine');
    writeFileSync(join(dir, 'cdktf.json'), 'mine too');
    const r = await runMain(['init', dir], base);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('these files exist already, and init never overwrites: nothing was written');
    expect(r.stderr).toContain(`${dir.slice(base.length + 1)}/cdktf.json\n`);
    expect(r.stderr).toContain(`${dir.slice(base.length + 1)}/policies/developers.json\n`);
    expect(files(dir).sort()).toEqual(['cdktf.json', 'policies/developers.json']);
    expect(readFileSync(join(dir, 'cdktf.json'), 'utf8')).toBe('mine too');
  });

  it('an existing README.md and .gitignore are extended once, never replaced', async () => {
    const dir = fresh();
    mkdirSync(dir);
    writeFileSync(join(dir, 'README.md'), '# My policies\n\nOur text.');
    writeFileSync(join(dir, '.gitignore'), 'node_modules/\n');
    const r = await runMain(['init', dir], base);
    expect(r.code, r.stderr).toBe(0);
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    expect(readme).toMatch(/^# My policies\n\nOur text\.\n\n## IAM policy tests \(iamspec\)\n/);
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toMatch(/^node_modules\/\n\n# iamspec: .*\n(.*\n)*cdktf\.out\/\n/);
    expect(r.stdout).toMatch(/extended +\S*README\.md/);
    // A second init refuses (the created files exist); the extended files were extended once.
    for (const f of CREATED.filter((f) => f !== 'README.md' && f !== '.gitignore')) rmSync(join(dir, f));
    const again = await runMain(['init', dir], base);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/kept +\S*README\.md \(it has the iamspec section already\)/);
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toBe(readme);
  });

  it('usage errors: two directories, a file as the directory; --help', async () => {
    const two = await runMain(['init', 'a', 'b'], base);
    expect(two.code).toBe(2);
    expect(two.stderr).toContain('init takes one directory (got 2)');
    writeFileSync(join(base, 'plain-file'), '');
    const file = await runMain(['init', 'plain-file'], base);
    expect(file.code).toBe(2);
    expect(file.stderr).toContain('plain-file is not a directory');
    expect(existsSync(join(base, 'a'))).toBe(false);
    const help = await runMain(['init', '--help'], base);
    expect(help.stdout).toContain('Usage: iamspec init [dir]');
  });
});
