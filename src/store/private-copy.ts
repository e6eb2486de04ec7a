// A private, consistent copy of a database and its write-ahead log, for a
// reader that must change nothing beside the file (verify-log). Opening the
// original read-only is not enough when a -wal file is there: SQLite then
// rebuilds the WAL index in the -shm file (rewriting it, or creating it, owned
// by whoever runs the reader), and after a crash nobody else would. So the
// main file and its -wal are copied into a private temporary folder and the
// copy is read; the originals are only read. A copy taken while a bot writes is
// checked for consistency: if the log was restarted (its header's salts
// changed) or the main file changed during the copy (a checkpoint), it is
// taken again.
import { closeSync, copyFileSync, existsSync, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

const ATTEMPTS = 5;

/** Runs `work` on a consistent private copy of `path` (and its -wal), removed afterwards. */
export async function withPrivateCopy<T>(path: string, work: (copy: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'verify-log-'));
  try {
    const copy = join(dir, basename(path));
    for (let attempt = 1; ; attempt++) {
      const before = fingerprint(path);
      copyFileSync(path, copy);
      if (before.wal !== undefined) copyFileSync(`${path}-wal`, `${copy}-wal`);
      else rmSync(`${copy}-wal`, { force: true });
      if (sameFingerprint(before, fingerprint(path))) break;
      if (attempt === ATTEMPTS) throw new Error(`the database changed under every one of ${ATTEMPTS} copies (a bot checkpointing without pause); try again`);
    }
    return await work(copy);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Fingerprint {
  readonly size: number;
  readonly mtimeNs: bigint;
  /** The -wal's header (its salts change when the log restarts); undefined without a -wal. */
  readonly wal: string | undefined;
}

function fingerprint(path: string): Fingerprint {
  const stat = statSync(path, { bigint: true });
  return { size: Number(stat.size), mtimeNs: stat.mtimeNs, wal: walHeader(`${path}-wal`) };
}

function sameFingerprint(a: Fingerprint, b: Fingerprint): boolean {
  return a.size === b.size && a.mtimeNs === b.mtimeNs && a.wal === b.wal;
}

function walHeader(path: string): string | undefined {
  if (!existsSync(path)) return undefined;
  const fd = openSync(path, 'r');
  try {
    const header = Buffer.alloc(32);
    const read = readSync(fd, header, 0, 32, 0);
    return header.subarray(0, read).toString('hex');
  } finally {
    closeSync(fd);
  }
}
