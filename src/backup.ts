// `npm run backup -- <file> [--force]`: a consistent copy of the live database
// (DATABASE_PATH), taken while the bot runs, its action log's chain checked
// before the copy gets the file's name. Exit 0 when written and verified, 1
// when the copy failed or did not verify (nothing is written), 2 for a usage
// mistake. An existing file is replaced only with --force.
import { statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { readEnvironment } from './config.ts';
import { ActionLog, type ChainVerdict, Database } from './store/index.ts';
import { SnapshotRefused, snapshot } from './store/snapshot.ts';

const USAGE = 'Usage: npm run backup -- <backup file> [--force]   (copies the database at DATABASE_PATH)';

/**
 * The chain check a backup must pass: today the same walk as `npm run verify-log`.
 * This is the one call to swap when verify-log's check changes (a keyed chain, anchors).
 */
export async function verifyChain(path: string): Promise<ChainVerdict> {
  const db = await Database.openReadOnly(path);
  try {
    return await new ActionLog(db).verify();
  } finally {
    await db.close();
  }
}

/** SQLite's own check of every page and index: 'ok', or what is wrong. */
async function integrityOf(path: string): Promise<string> {
  const db = await Database.openReadOnly(path);
  try {
    const rows = await db.all<{ integrity_check: string }>('PRAGMA integrity_check');
    return rows.map((row) => row.integrity_check).join('; ');
  } finally {
    await db.close();
  }
}

export class BackupFailed extends Error {
  override readonly name = 'BackupFailed';
}

/** Copies `source` to `target`, checks the copy's chain, and returns the verdict it passed. */
export async function backup(source: string, target: string, options: { overwrite?: boolean } = {}): Promise<Extract<ChainVerdict, { ok: true }>> {
  let verified: Extract<ChainVerdict, { ok: true }> | undefined;
  await snapshot(source, target, {
    overwrite: options.overwrite ?? false,
    check: async (copy) => {
      const integrity = await integrityOf(copy);
      if (integrity !== 'ok') throw new BackupFailed(`the copy fails SQLite's integrity check (${integrity}). Nothing was written to ${target}.`);
      const verdict = await verifyChain(copy);
      if (!verdict.ok) {
        throw new BackupFailed(
          `the copy's action log is BROKEN at row ${verdict.seq}: ${verdict.reason}. Nothing was written to ${target}; ` +
            'run npm run verify-log on the live database.',
        );
      }
      verified = verdict;
    },
  });
  if (verified === undefined) throw new BackupFailed('the copy was not checked');
  return verified;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const overwrite = args.includes('--force');
  const files = args.filter((arg) => arg !== '--force');
  const [target] = files;
  if (target === undefined || files.length > 1 || target.startsWith('-')) {
    process.stderr.write(`${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const source = readEnvironment().DATABASE_PATH ?? './data/bot.sqlite';
  const started = Date.now();
  try {
    const verdict = await backup(source, target, { overwrite });
    const size = (statSync(target).size / 1_048_576).toFixed(1);
    process.stdout.write(
      `Backup of ${source} written to ${target} (${size} MB, ${Date.now() - started} ms): ` +
        `action log intact, ${verdict.rows} rows, chain verified up to row ${verdict.lastSeq}.\n`,
    );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`Backup failed: ${message}\n`);
    process.exitCode = error instanceof SnapshotRefused ? 2 : 1;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
