// `npm run backup -- <file>`, run as the operator runs it (the npm script's node
// command on the built dist/), against a real SQLite file.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runScript } from '../test/support/build.ts';
import { openStore, type Store } from './store/index.ts';

let dir: string;
let source: string;
let store: Store;

const runBackup = (...args: string[]) => runScript('backup', args, { DATABASE_PATH: source });

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'backup-test-'));
  source = join(dir, 'data', 'bot.sqlite');
  store = await openStore(source);
  for (let index = 0; index < 5; index += 1) await store.log.append({ event: 'grant', userId: '1', actionKey: 'pm.repay-debt', detail: `row ${index}` });
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('npm run backup', () => {
  it('writes a verified copy and says how many rows its chain holds', async () => {
    const target = join(dir, 'backups', 'bot-1.sqlite');
    const run = await runBackup(target);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(
      new RegExp(`^Backup of ${source} written to ${target} \\(\\d+\\.\\d MB, \\d+ ms\\): action log intact, 5 rows, chain verified up to row 5\\.\\n$`),
    );
    expect(existsSync(target)).toBe(true);
  });

  it('refuses to overwrite an existing file (exit 2) unless given --force', async () => {
    const target = join(dir, 'bot-2.sqlite');
    writeFileSync(target, 'an older backup');
    const refused = await runBackup(target);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toBe(`Backup failed: ${target} already exists; pass --force to replace it.\n`);
    expect(readFileSync(target, 'utf8')).toBe('an older backup');
    const forced = await runBackup(target, '--force');
    expect(forced.status).toBe(0);
    expect(readFileSync(target).subarray(0, 15).toString()).toBe('SQLite format 3');
  });

  it('refuses a copy whose chain does not verify (exit 1), writing nothing', async () => {
    await store.db.exec("DROP TRIGGER action_log_no_update; UPDATE action_log SET detail = 'rewritten' WHERE seq = 3");
    const target = join(dir, 'bot-3.sqlite');
    const run = await runBackup(target);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      `Backup failed: the copy's action log is BROKEN at row 3: its contents do not match its hash (the row was edited). Nothing was written to ${target}; run npm run verify-log on the live database.\n`,
    );
    expect(existsSync(target)).toBe(false);
  });

  it('answers a missing file argument with the usage (exit 2)', async () => {
    const run = await runBackup();
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^Usage: npm run backup -- <backup file> \[--force\]/);
  });
});
