// `iamspec init [dir]`: scaffolds a policy repository from the package's templates/init/: an
// example policy and suite (which pass), scenarios/schema.json, cdktf.json for `iamspec synth`,
// the pull-request and differential workflows, and a README section. It never overwrites: when a
// file it would create exists, it lists them all and writes nothing (exit 2). README.md and
// .gitignore are extended instead when they exist (the section or lines are appended once).

import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { displayPath } from '../display-path.ts';
import { EXIT } from '../scenario/report.ts';
import { CliUsageError, parse } from './args.ts';
import { INIT_HELP } from './help.ts';
import type { IO } from './io.ts';
import { packageRoot } from './package.ts';
import { installSpec, SDK_PACKAGES, STACK_PACKAGES } from './peers.ts';

const OPTIONS = { help: { type: 'boolean', short: 'h' } } as const;

/** Files appended to (once: when the file lacks the template's first line) rather than created. */
const EXTENDED = new Set(['README.md', '.gitignore']);

export interface ScaffoldFile {
  /** Relative to the target directory, `/`-separated. */
  path: string;
  text: string;
}

/**
 * What init writes: templates/init/ (a leading `_` in a name stands for `.`: npm would drop or
 * obey a packed `.gitignore`), with `{{STACK_PACKAGES}}` and `{{SDK_PACKAGES}}` filled in, and the
 * package's JSON Schema as scenarios/schema.json.
 */
export function scaffoldFiles(root = packageRoot()): ScaffoldFile[] {
  const vars: Record<string, string> = {
    STACK_PACKAGES: STACK_PACKAGES.map(installSpec).join(' '),
    SDK_PACKAGES: SDK_PACKAGES.map(installSpec).join(' '),
  };
  const base = join(root, 'templates', 'init');
  const out: ScaffoldFile[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const abs = join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(abs);
        continue;
      }
      const path = relative(base, abs).split(sep).map((s) => s.replace(/^_/, '.')).join('/');
      const text = readFileSync(abs, 'utf8').replace(/\{\{(\w+)\}\}/g, (m, name: string) => {
        if (vars[name] === undefined) throw new Error(`${abs}: unknown template variable ${m}`);
        return vars[name];
      });
      out.push({ path, text });
    }
  };
  walk(base);
  out.push({ path: 'scenarios/schema.json', text: readFileSync(join(root, 'scenarios', 'schema.json'), 'utf8') });
  return out;
}

export function initCommand(argv: string[], io: IO): number {
  const { values: o, positionals } = parse(argv, OPTIONS, INIT_HELP);
  if (o.help) {
    io.stdout.write(INIT_HELP);
    return EXIT.ok;
  }
  if (positionals.length > 1) throw new CliUsageError(`init takes one directory (got ${positionals.length})`, INIT_HELP);
  const dir = resolve(io.cwd, positionals[0] ?? '.');
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new CliUsageError(`${displayPath(dir, io.cwd)} is not a directory`, INIT_HELP);

  const files = scaffoldFiles();
  const conflicts = files.filter((f) => !EXTENDED.has(f.path) && existsSync(join(dir, f.path)));
  if (conflicts.length) {
    io.stderr.write(
      `iamspec init: ${conflicts.length === 1 ? 'this file exists' : 'these files exist'} already, and init never overwrites: nothing was written\n` +
        conflicts.map((f) => `  ${displayPath(join(dir, f.path), io.cwd)}\n`).join('') +
        `Move ${conflicts.length === 1 ? 'it' : 'them'} away, or run init in another directory.\n`,
    );
    return EXIT.usage;
  }
  const done: string[] = [];
  for (const f of files) {
    const target = join(dir, f.path);
    const shown = displayPath(target, io.cwd);
    mkdirSync(dirname(target), { recursive: true });
    if (EXTENDED.has(f.path) && existsSync(target)) {
      const current = readFileSync(target, 'utf8');
      const marker = f.text.split('\n', 1)[0]!;
      if (current.split('\n').includes(marker)) {
        done.push(`  kept     ${shown} (it has the iamspec ${f.path === 'README.md' ? 'section' : 'lines'} already)`);
        continue;
      }
      writeFileSync(target, `${current}${current === '' || current.endsWith('\n') ? '' : '\n'}\n${f.text}`);
      done.push(`  extended ${shown}`);
      continue;
    }
    writeFileSync(target, f.text);
    done.push(`  created  ${shown}`);
  }
  const here = displayPath(dir, io.cwd);
  io.stdout.write(
    `iamspec init: a policy repository in ${here}\n${done.join('\n')}\n\n` +
      `Next:\n` +
      `  ${here === '.' ? '' : `cd ${here} && `}npx iamspec test    the example suite passes; then write suites for your own policies\n` +
      `  npm install --save-dev ${STACK_PACKAGES.map(installSpec).join(' ')}\n` +
      `  npx iamspec synth    the CDKTF stack of what the suites verified, in cdktf.out/\n`,
  );
  return EXIT.ok;
}
