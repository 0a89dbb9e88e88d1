// Writes scenarios/schema.json, the JSON Schema of the scenario format, from the loader's own zod
// schema (src/scenario/schema.ts). Run after changing the schema, and commit the output:
//
//   node bin/run-ts.js scripts/gen-schema.ts          # write it
//   node bin/run-ts.js scripts/gen-schema.ts --check  # exit 1 if the committed file is stale
//
// Suites point editors at it with `# yaml-language-server: $schema=../schema.json`.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suiteJsonSchemaText } from '../src/scenario/schema.ts';

const out = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'scenarios', 'schema.json');
const text = suiteJsonSchemaText();

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(out, 'utf8');
  } catch {
    current = '';
  }
  if (current !== text) {
    process.stderr.write(`${out} is out of date: run node bin/run-ts.js scripts/gen-schema.ts\n`);
    process.exit(1);
  }
  process.stdout.write(`${out} is up to date\n`);
} else {
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, text);
  process.stdout.write(`wrote ${out} (${text.length} bytes)\n`);
}
