// Every broken suite of test/fixtures/broken/table.ts must fail to load with a SuiteError that
// points at the right file, line and column and says what is wrong.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSuites } from '../../src/scenario/loader.ts';
import { SuiteError } from '../../src/scenario/model.ts';
import { BASE, BROKEN } from '../fixtures/broken/table.ts';

const root = mkdtempSync(join(tmpdir(), 'iamspec-broken-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    const path = join(dir, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
}

function load(dir: string, entry: string): unknown {
  try {
    loadSuites([entry], { cwd: dir });
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('broken suites', () => {
  it('has at least 30 entries with distinct names', () => {
    expect(BROKEN.length).toBeGreaterThanOrEqual(30);
    expect(new Set(BROKEN.map((b) => b.name)).size).toBe(BROKEN.length);
  });

  it('the base suite of the table loads', () => {
    const dir = join(root, 'base');
    writeFiles(dir, { 'suite.yaml': BASE });
    expect(load(dir, 'suite.yaml')).toBeUndefined();
  });

  BROKEN.forEach((b, i) => {
    it(b.name, () => {
      const dir = join(root, String(i));
      writeFiles(dir, b.files);
      const e = load(dir, b.entry);
      expect(e, 'the suite loaded without error').toBeInstanceOf(SuiteError);
      const err = e as SuiteError;
      expect({ file: err.where.file, line: err.where.line, column: err.where.column, message: err.message }).toEqual({
        file: b.file ?? b.entry,
        line: b.line,
        column: b.column,
        message: expect.stringMatching(b.message),
      });
      // Every detail has a place too, and no message carries a stack trace.
      for (const d of err.details) {
        expect(d.where.line).toBeGreaterThanOrEqual(1);
        expect(d.where.column).toBeGreaterThanOrEqual(1);
      }
      expect(err.message).not.toMatch(/\n\s+at /);
    });
  });
});
