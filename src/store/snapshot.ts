// A consistent copy of the live database, taken while the bot runs. SQLite's
// `VACUUM INTO` reads the whole database in one read transaction, so the copy is
// the state at one commit, whatever the bot writes meanwhile (a file copy of a
// WAL database can catch the main file and the -wal at different moments). The
// copy is written beside the target, checked by the caller, synced to disk and
// only then given the target's name, so a target never holds a partial copy.
import { chmodSync, closeSync, existsSync, fsyncSync, linkSync, mkdirSync, openSync, realpathSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { Database } from './database.ts';

export interface SnapshotOptions {
  /** Replace an existing target (atomically); otherwise an existing target is refused. */
  readonly overwrite?: boolean;
  /** Checks the finished copy before it is published; throw to keep it from the target. */
  readonly check: (copyPath: string) => Promise<void>;
}

/** An operator's mistake in the request (nothing was read or written). */
export class SnapshotRefused extends Error {
  override readonly name = 'SnapshotRefused';
}

export async function snapshot(source: string, target: string, options: SnapshotOptions): Promise<void> {
  if (!existsSync(source)) throw new SnapshotRefused(`no database at ${source}; set DATABASE_PATH as the bot has it.`);
  if (existsSync(target) && sameFile(source, target)) throw new SnapshotRefused(`${target} is the live database itself; choose another file.`);
  if (/-(wal|shm|journal)$/.test(target) && sameFile(source, target.replace(/-(wal|shm|journal)$/, ''))) {
    throw new SnapshotRefused(`${target} belongs to the live database; choose another file.`);
  }
  if (existsSync(target) && options.overwrite !== true) throw new SnapshotRefused(`${target} already exists; pass --force to replace it.`);

  mkdirSync(dirname(resolve(target)), { recursive: true });
  const partial = join(dirname(resolve(target)), `.${basename(target)}.partial-${process.pid}`);
  try {
    await copyConsistently(source, partial);
    // The database holds grants and the audit trail: readable by its owner only.
    chmodSync(partial, 0o600);
    await options.check(partial);
    // VACUUM INTO does not sync its output: a backup must survive a power cut once reported.
    syncPath(partial);
    if (options.overwrite === true) renameSync(partial, target);
    else linkSync(partial, target); // fails if the target appeared meanwhile: never clobbered
    syncPath(dirname(resolve(target)));
  } finally {
    for (const leftover of [partial, `${partial}-wal`, `${partial}-shm`]) rmSync(leftover, { force: true });
  }
}

async function copyConsistently(source: string, copy: string): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    // Without a -wal, the read-only open reads the file as immutable (see Database.openReadOnly):
    // right only while no bot writes. Had one started meanwhile, its -wal is there now: copy again.
    const walBefore = existsSync(`${source}-wal`);
    rmSync(copy, { force: true });
    const db = await Database.openReadOnly(source, { busyTimeoutMs: 30_000 });
    try {
      await db.run('VACUUM INTO ?', [copy]);
    } finally {
      await db.close();
    }
    if (walBefore || !existsSync(`${source}-wal`) || attempt === 2) return;
  }
}

function sameFile(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

function syncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
