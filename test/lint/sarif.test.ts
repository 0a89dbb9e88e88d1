// `iamspec lint --reporter sarif` against the official SARIF 2.1.0 schema (vendored in
// test/fixtures/sarif, offline), and what GitHub code scanning reads from it.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Validator } from 'jsonschema';
import { describe, expect, it } from 'vitest';
import { formatLintSarif } from '../../src/lint/format.ts';
import { lintPaths } from '../../src/lint/run.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const schema = JSON.parse(readFileSync(new URL('../fixtures/sarif/sarif-schema-2.1.0.json', import.meta.url), 'utf8')) as object;

function validate(log: unknown): string[] {
  return new Validator().validate(log, schema).errors.map((e) => `${e.property} ${e.message}`);
}

describe('SARIF 2.1.0 output', () => {
  const log = JSON.parse(formatLintSarif(lintPaths(['scenarios'], { cwd: ROOT }), { version: '0.1.0', root: ROOT })) as {
    runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; ruleIndex: number; level: string; suppressions?: unknown[]; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[];
  };

  it('the seed lint report is valid against the official schema', () => {
    expect(validate(log)).toEqual([]);
  });

  it('the schema check is not vacuous: a log missing a required field or with a bad level fails it', () => {
    const broken = structuredClone(log) as unknown as { runs: { results: { level: string }[]; tool?: unknown }[] };
    broken.runs[0]!.results[0]!.level = 'fatal';
    expect(validate(broken).join('\n')).toMatch(/level/);
    delete broken.runs[0]!.tool;
    expect(validate(broken).join('\n')).toMatch(/tool/);
  });

  it('each result names its rule (by id and index), a level, a repository-relative file and a line', () => {
    const run = log.runs[0]!;
    expect(run.results.length).toBeGreaterThan(10);
    for (const r of run.results) {
      expect(run.tool.driver.rules[r.ruleIndex]!.id).toBe(r.ruleId);
      expect(['error', 'warning', 'note']).toContain(r.level);
      const loc = r.locations[0]!.physicalLocation;
      expect(loc.artifactLocation.uri).toMatch(/^policies\/[\w/.-]+\.json$/);
      expect(loc.region.startLine).toBeGreaterThan(0);
    }
    expect(run.results.filter((r) => r.suppressions).map((r) => r.ruleId)).toContain('terraform-escape');
  });
});
