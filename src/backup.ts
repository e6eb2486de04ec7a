// `npm run backup -- <file> [--force] [--anchors FILE]`: a consistent copy of
// the live database (DATABASE_PATH), taken while the bot runs, its action log
// checked (the same checks as `npm run verify-log`, keyed with AUDIT_LOG_KEY
// when set, and against the audit channel's anchors when given) before the
// copy gets the file's name. Exit 0 when written and verified, 1 when the copy
// failed or did not verify (nothing is written), 2 for a usage or configuration
// mistake. An existing file is replaced only with --force.
import { statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { ConfigError, loadLogCheckConfig, readEnvironment } from './config.ts';
import type { Secret } from './secret.ts';
import { loadAnchorsFile, type Anchor } from './store/anchors.ts';
import { checkLogFile, Database, type CheckResult } from './store/index.ts';
import { SnapshotRefused, snapshot } from './store/snapshot.ts';

const USAGE = 'Usage: npm run backup -- <backup file> [--force] [--anchors FILE]   (copies the database at DATABASE_PATH; --anchors: the audit channel\'s anchors, checked on the copy)';

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

export interface BackupOptions {
  readonly overwrite?: boolean;
  /** AUDIT_LOG_KEY: a keyed chain cannot be checked, so not backed up, without it. */
  readonly auditLogKey?: Secret | undefined;
  /** Anchors taken from the audit channel: the copy must hold every anchored row with its hash. */
  readonly anchors?: readonly Anchor[] | undefined;
}

/** Copies `source` to `target`, checks the copy's log, and returns what the chain check (and the anchors check, when given) found. */
export async function backup(source: string, target: string, options: BackupOptions = {}): Promise<{ chain: CheckResult; anchors: CheckResult | undefined }> {
  let chain: CheckResult | undefined;
  let anchors: CheckResult | undefined;
  await snapshot(source, target, {
    overwrite: options.overwrite ?? false,
    check: async (copy) => {
      const integrity = await integrityOf(copy);
      if (integrity !== 'ok') throw new BackupFailed(`the copy fails SQLite's integrity check (${integrity}). Nothing was written to ${target}.`);
      const checked = await checkLogFile(copy, { key: options.auditLogKey, anchors: options.anchors });
      if (checked.kind === 'no-log') throw new BackupFailed(`${source} holds no action log: is it the bot's database? Nothing was written to ${target}.`);
      const { verdict } = checked;
      if (verdict.status !== 'intact') {
        const findings = verdict.results
          .filter((result) => result.status === 'broken' || result.status === 'incomplete')
          .map((result) => `${result.name}: ${[result.summary, ...(result.status === 'incomplete' ? result.notes : [])].join('; ')}`);
        throw new BackupFailed(
          `the copy's action log ${verdict.status === 'broken' ? (verdict.firstBadSeq === undefined ? 'does not explain its tables' : `is BROKEN from row ${verdict.firstBadSeq}`) : 'could not be fully checked'} (${findings.join(' / ')}). ` +
            `Nothing was written to ${target}; run npm run verify-log on the live database.`,
        );
      }
      chain = verdict.results.find((result) => result.name === 'chain');
      anchors = options.anchors === undefined ? undefined : verdict.results.find((result) => result.name === 'anchors');
    },
  });
  if (chain === undefined) throw new BackupFailed('the copy was not checked');
  return { chain, anchors };
}

async function main(): Promise<void> {
  const usage = (problem?: string) => {
    process.stderr.write(`${problem === undefined ? '' : `${problem}\n`}${USAGE}\n`);
    process.exitCode = 2;
  };
  let args: { values: { force?: boolean | undefined; anchors?: string | undefined }; positionals: string[] };
  try {
    args = parseArgs({ args: process.argv.slice(2), options: { force: { type: 'boolean' }, anchors: { type: 'string' } }, allowPositionals: true, strict: true });
  } catch (error) {
    return usage(error instanceof Error ? error.message : String(error));
  }
  const overwrite = args.values.force === true;
  const [target] = args.positionals;
  if (target === undefined || args.positionals.length > 1) return usage();
  let anchors: Anchor[] | undefined;
  if (args.values.anchors !== undefined) {
    const loaded = loadAnchorsFile(args.values.anchors);
    if ('problem' in loaded) return usage(loaded.problem);
    anchors = loaded.anchors;
  }
  let config: ReturnType<typeof loadLogCheckConfig>;
  try {
    config = loadLogCheckConfig(readEnvironment());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`Backup failed: ${error.problems.join('; ')}\n`);
    process.exitCode = 2;
    return;
  }
  const source = config.databasePath;
  const started = Date.now();
  try {
    const checked = await backup(source, target, { overwrite, auditLogKey: config.auditLogKey, anchors });
    const size = (statSync(target).size / 1_048_576).toFixed(1);
    const anchored = checked.anchors === undefined ? '' : `; anchors: ${checked.anchors.summary}`;
    process.stdout.write(`Backup of ${source} written to ${target} (${size} MB, ${Date.now() - started} ms): action log intact, ${checked.chain.summary}${anchored}.\n`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`Backup failed: ${message}\n`);
    process.exitCode = error instanceof SnapshotRefused ? 2 : 1;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
