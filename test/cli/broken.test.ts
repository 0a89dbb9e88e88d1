// Every broken suite of test/fixtures/broken/table.ts through the CLI: exit 2, `file:line:column:
// message` on stderr (pretty) or the error object (json), and no stack trace. All entries run
// in-process through main(argv, io) (the same code the launcher runs, without ~1 s of tsx startup
// each); a few also run as real child processes.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROKEN, type BrokenSuite } from '../fixtures/broken/table.ts';
import { batch, STACK, type Run } from './child.ts';
import { runMain as run } from './in-process.ts';

const root = mkdtempSync(join(tmpdir(), 'iamspec-cli-broken-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function setUp(b: BrokenSuite, i: number): string {
  const dir = join(root, String(i));
  for (const [rel, content] of Object.entries(b.files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
  return dir;
}


const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function checkPretty(b: BrokenSuite, r: Run) {
  expect(r.code).toBe(2);
  const where = `${b.file ?? b.entry}:${b.line}:${b.column}: `;
  expect(r.stderr).toMatch(new RegExp(`^${esc(where)}`));
  expect(r.stderr.slice(where.length)).toMatch(b.message);
  expect(r.stderr).not.toMatch(STACK);
  expect(r.stdout).toBe('');
}

function checkJson(b: BrokenSuite, r: Run) {
  expect(r.code).toBe(2);
  const { error } = JSON.parse(r.stdout);
  expect({ file: error.file, line: error.line, column: error.column }).toEqual({ file: b.file ?? b.entry, line: b.line, column: b.column });
  expect(error.message).toMatch(b.message);
  expect(r.stdout).not.toMatch(STACK);
}

describe('broken suites through main()', () => {
  BROKEN.forEach((b, i) => {
    it(b.name, async () => {
      const dir = setUp(b, i);
      checkPretty(b, await run(['test', b.entry], dir));
      checkJson(b, await run(['test', b.entry, '--reporter', 'json'], dir));
    });
  });
});

describe('broken suites through the real launcher', () => {
  // A YAML error, a schema/name error and a policy error, if the table has them.
  const picks = [...new Set([0, Math.floor(BROKEN.length / 2), BROKEN.length - 1])];
  let runs: Record<string, Run>;
  beforeAll(async () => {
    const jobs: Record<string, [string[], string]> = {};
    for (const i of picks) {
      const b = BROKEN[i]!;
      const dir = setUp(b, 1000 + i);
      jobs[`${i} pretty`] = [['test', b.entry], dir];
      jobs[`${i} json`] = [['test', b.entry, '--reporter', 'json'], dir];
    }
    runs = await batch(jobs);
  }, 180_000);

  for (const i of picks) {
    it(`${BROKEN[i]!.name} (child process)`, () => {
      checkPretty(BROKEN[i]!, runs[`${i} pretty`]!);
      checkJson(BROKEN[i]!, runs[`${i} json`]!);
    });
  }
});
