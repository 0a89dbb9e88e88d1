// Every file iamspec reads on a user's behalf (suites, includes, policy files, `validate` and
// `explain` arguments, recordings) goes through readTextFile: one place that refuses what would
// hang or exhaust memory (a FIFO waits forever for a writer, /dev/zero never ends, a 10 GB file
// does not fit) and text that is not UTF-8 (decoding would silently turn it into U+FFFD).
// Callers turn a FileReadError into their own error with the file and position.

import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';

/** The largest file read: a 100,000-case suite is a few MB; 64 MiB leaves room for far more. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

export type FileReadProblem = 'missing' | 'directory' | 'not-regular' | 'too-large' | 'not-utf8' | 'unreadable';

/** Why a file could not be read; `position` (1-based) for text that is not UTF-8. */
export class FileReadError extends Error {
  override readonly name = 'FileReadError';
  constructor(
    /** What is wrong, in words that follow the file's name ("is not a regular file …"). */
    message: string,
    readonly problem: FileReadProblem,
    readonly position?: { line: number; column: number },
  ) {
    super(message);
  }
}

export interface ReadOptions {
  /** Keep a leading byte-order mark in the text (the policy reader reports it: IAM rejects it). */
  keepBom?: boolean;
  maxBytes?: number;
}

const STRIP_BOM = new TextDecoder('utf-8', { fatal: true });
const KEEP_BOM = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
// Opening a FIFO for reading blocks until a writer appears; O_NONBLOCK makes the open return so
// fstat can refuse it (the flag is undefined on Windows, where FIFOs do not arise this way).
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** The file's text. Throws FileReadError for a missing, special, over-large or non-UTF-8 file. */
export function readTextFile(path: string, opts: ReadOptions = {}): string {
  const bytes = readBoundedFile(path, opts.maxBytes ?? MAX_FILE_BYTES);
  try {
    return (opts.keepBom ? KEEP_BOM : STRIP_BOM).decode(bytes);
  } catch {
    throw notUtf8(bytes, opts.keepBom === true);
  }
}

function readBoundedFile(path: string, max: number): Uint8Array {
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (e) {
    throw openError(e as NodeJS.ErrnoException);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new FileReadError('is a directory, not a file', 'directory');
    if (!st.isFile()) throw new FileReadError(`is not a regular file (it is ${kindOf(st)}): give the path of a file`, 'not-regular');
    if (st.size > max) throw tooLarge(st.size, max);
    // Read to the end (the file may have grown since fstat), never more than one byte past the cap.
    let buf = Buffer.allocUnsafe(Math.min(st.size, max) + 1);
    let n = 0;
    for (;;) {
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
      if (n > max) throw tooLarge(n, max);
      if (n === buf.length) {
        const bigger = Buffer.allocUnsafe(Math.min(buf.length * 2, max + 1));
        buf.copy(bigger);
        buf = bigger;
      }
    }
    return buf.subarray(0, n);
  } catch (e) {
    if (e instanceof FileReadError) throw e;
    throw openError(e as NodeJS.ErrnoException);
  } finally {
    closeSync(fd);
  }
}

function openError(e: NodeJS.ErrnoException): FileReadError {
  if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return new FileReadError('no such file', 'missing');
  if (e.code === 'EISDIR') return new FileReadError('is a directory, not a file', 'directory');
  return new FileReadError(`cannot be read (${e.code ?? e.message})`, 'unreadable');
}

function kindOf(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

const MB = 1024 * 1024;

function tooLarge(size: number, max: number): FileReadError {
  const shown = size > max + 1 ? `${(size / MB).toFixed(1)} MB` : `over ${max / MB} MB`;
  return new FileReadError(`is ${shown}: iamspec reads files up to ${max / MB} MB`, 'too-large');
}

/** Where the first byte that is not UTF-8 is, as line and column (UTF-16 units, like every position). */
function notUtf8(bytes: Uint8Array, keepBom: boolean): FileReadError {
  const at = firstInvalidUtf8(bytes);
  let lineStart = 0;
  let line = 1;
  for (let k = 0; k < at; k++) {
    if (bytes[k] === 0x0a) {
      line++;
      lineStart = k + 1;
    }
  }
  const before = new TextDecoder('utf-8', { ignoreBOM: keepBom || line > 1 }).decode(bytes.subarray(lineStart, at));
  const byte = bytes[at]!.toString(16).toUpperCase().padStart(2, '0');
  return new FileReadError(
    `is not UTF-8 text: byte 0x${byte} at line ${line}, column ${before.length + 1} is not valid UTF-8 (save the file as UTF-8)`,
    'not-utf8',
    { line, column: before.length + 1 },
  );
}

/** Offset of the first byte that does not begin a well-formed UTF-8 sequence (RFC 3629). */
function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    let len: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c < 0x80) len = 1;
    else if (c >= 0xc2 && c <= 0xdf) len = 2;
    else if (c >= 0xe0 && c <= 0xef) {
      len = 3;
      if (c === 0xe0) lo = 0xa0; // no overlong forms
      if (c === 0xed) hi = 0x9f; // no surrogates
    } else if (c >= 0xf0 && c <= 0xf4) {
      len = 4;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f; // nothing above U+10FFFF
    } else return i;
    for (let k = 1; k < len; k++) {
      const d = b[i + k];
      if (d === undefined || d < (k === 1 ? lo : 0x80) || d > (k === 1 ? hi : 0xbf)) return i;
    }
    i += len;
  }
  return b.length;
}
