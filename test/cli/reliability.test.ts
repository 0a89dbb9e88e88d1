// Issue 11's regressions (test/fixtures/reliability/table.ts) through the real CLI in child
// processes: exit code, message and position, no stack trace, and a time bound for what used to
// hang. Rows marked `aws` share one loopback IAM server (test/aws/fake-iam.ts), reached through
// AWS_ENDPOINT_URL_IAM with test credentials.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeIam, type ReceivedRequest } from '../aws/fake-iam.ts';
import { ROWS, type Row } from '../fixtures/reliability/table.ts';
import { iamspec, shell, STACK, type Run } from './child.ts';

const root = mkdtempSync(join(tmpdir(), 'iamspec-reliability-'));
let iam: FakeIam;
beforeAll(async () => {
  iam = await FakeIam.start();
});
afterAll(async () => {
  await iam.close();
  rmSync(root, { recursive: true, force: true });
});

function setUp(row: Row, i: number): string {
  const dir = join(root, String(i));
  mkdirSync(dir, { recursive: true });
  for (const [rel, content] of Object.entries(row.files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
  row.setup?.(dir);
  return dir;
}

/** Runs a row; AWS rows one at a time (they share the server's request log). */
async function run(row: Row, dir: string): Promise<{ run: Run; requests: ReceivedRequest[] }> {
  const env = row.aws ? { AWS_ENDPOINT_URL_IAM: iam.endpoint, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1' } : {};
  const timeoutMs = row.boundMs ? row.boundMs * 3 : 120_000;
  const from = iam.requests.length;
  const r = row.shell ? await shell(row.shell, dir, { env, timeoutMs }) : await iamspec(row.args!, dir, env, { timeoutMs });
  return { run: r, requests: row.aws ? iam.requests.slice(from) : [] };
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('issue 11: no hang, no crash, no silent pass, no lost recording (real CLI)', () => {
  const results = new Map<number, Promise<{ run: Run; requests: ReceivedRequest[] }>>();
  beforeAll(async () => {
    // Two children at a time (the machine's two cores are shared); AWS rows in sequence.
    const local = ROWS.map((row, i) => [row, i] as const).filter(([row]) => !row.aws);
    const aws = ROWS.map((row, i) => [row, i] as const).filter(([row]) => row.aws);
    let next = 0;
    const worker = async () => {
      while (next < local.length) {
        const [row, i] = local[next++]!;
        const p = run(row, setUp(row, i));
        results.set(i, p);
        await p;
      }
    };
    const awsWorker = async () => {
      for (const [row, i] of aws) {
        const p = run(row, setUp(row, i));
        results.set(i, p);
        await p;
      }
    };
    await Promise.all([worker(), worker(), awsWorker()]);
  }, 600_000);

  ROWS.forEach((row, i) => {
    it(`item ${row.item}: ${row.name}`, async () => {
      const { run: r, requests } = await results.get(i)!;
      const out = `exit ${r.code}\n--- stdout\n${r.stdout.slice(0, 2000)}\n--- stderr\n${r.stderr.slice(0, 2000)}`;
      expect(r.killed, `killed at its time bound\n${out}`).toBe(false);
      if (row.boundMs) expect(r.ms, out).toBeLessThan(row.boundMs);
      expect(r.code, out).toBe(row.code);
      if (row.at) expect(r.stderr, out).toMatch(new RegExp(`^${esc(row.at)}`));
      if (row.stderr) expect(r.stderr, out).toMatch(row.stderr);
      if (row.stdout) expect(r.stdout, out).toMatch(row.stdout);
      if (row.never) expect(r.stdout + r.stderr, out).not.toMatch(row.never);
      expect(r.stdout + r.stderr, out).not.toMatch(STACK);
      expect(r.stderr, out).not.toMatch(/internal error/);
      row.after?.(join(root, String(i)), r, requests);
    });
  });
});
