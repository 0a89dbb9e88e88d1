// Where the CLI writes and what it knows about its surroundings (tests pass their own), and how it
// reads and writes the files named on its command line.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { displayPath } from '../display-path.ts';
import { FileReadError, readTextFile } from '../read-file.ts';
import { SuiteError } from '../scenario/model.ts';
import { CliUsageError } from './args.ts';

export interface Stream {
  write(s: string): unknown;
  isTTY?: boolean;
}

export interface IO {
  stdout: Stream;
  stderr: Stream;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Standard input, for commands that read it (`from-cloudtrail -`); absent: none. */
  stdin?: { isTTY?: boolean; read(): string };
}

export function processIO(): IO {
  return {
    stdout: guarded(process.stdout, 'stdout'),
    stderr: guarded(process.stderr, 'stderr'),
    cwd: process.cwd(),
    env: process.env,
    stdin: { isTTY: process.stdin.isTTY === true, read: () => readFileSync(0, 'utf8') },
  };
}

/**
 * A process stream whose write errors end the run as a user expects, never as a Node stack: the
 * reader went away (EPIPE: `iamspec test | head`) → later output is dropped and the run ends
 * normally; anything else (ENOSPC: `> /dev/full`, EIO) → one line on stderr and exit 2, since the
 * report is lost.
 */
function guarded(stream: NodeJS.WriteStream, name: 'stdout' | 'stderr'): Stream {
  let closed = false;
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (closed) return;
    closed = true;
    if (e.code === 'EPIPE') return;
    if (name === 'stdout') process.stderr.write(`iamspec: cannot write the output to stdout: ${e.code ?? e.message}\n`);
    process.exit(2);
  });
  return {
    write: (s: string) => closed || stream.write(s),
    get isTTY() {
      return stream.isTTY;
    },
  };
}

/**
 * A file named on the command line (`what` says what it is, e.g. "policy "): its text, read with
 * the bounds every input gets. Unreadable → exit 2: `cannot read policy p.json: no such file`,
 * `policy /dev/zero is not a regular file …`, or `p.json:3:7: … is not UTF-8 text …`.
 */
export function readFileArg(io: IO, file: string, what: string, opts: { keepBom?: boolean } = {}): { path: string; text: string } {
  const path = resolve(io.cwd, file);
  try {
    return { path, text: readTextFile(path, opts) };
  } catch (e) {
    if (!(e instanceof FileReadError)) throw e;
    if (e.position) throw new SuiteError(`${what}${file} ${e.message}`, { file: displayPath(path, io.cwd), ...e.position });
    throw new CliUsageError(e.problem === 'missing' ? `cannot read ${what}${file}: no such file` : `${what}${file} ${e.message}`, '');
  }
}

/** A policy file named on the command line: its absolute path, text, and policy name (the file name without .json). */
export function readPolicyArg(io: IO, file: string, what: string): { path: string; text: string; name: string } {
  return { ...readFileArg(io, file, what, { keepBom: true }), name: basename(file).replace(/\.json$/i, '') };
}

/** Writes a report file (creating its directory); failure is a usage error (exit 2). */
export function writeOut(file: string, text: string): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  } catch (e) {
    throw new CliUsageError(`cannot write ${file}: ${(e as Error).message}`, '');
  }
}

/**
 * Progress on stderr (never stdout): a live line on a TTY (at most every 100 ms), else — for runs
 * longer than a second — one line per second. `noun`: what is counted (`cases`, `mutants`).
 */
export function progressLine(io: IO, off: boolean, noun: string) {
  const tty = io.stderr.isTTY === true;
  const start = Date.now();
  let last = 0;
  let shown = false;
  return {
    update: off
      ? undefined
      : (done: number, total: number) => {
          const now = Date.now();
          if (tty) {
            if (now - last < 100) return;
            last = now;
            shown = true;
            io.stderr.write(`\r\u001b[K  running ${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} ${noun}`);
          } else {
            if (now - start < 1000 || now - last < 1000) return;
            last = now;
            io.stderr.write(`iamspec: ${done} / ${total} ${noun}\n`);
          }
        },
    done: () => {
      if (shown) io.stderr.write('\r\u001b[K');
      shown = false;
    },
  };
}
