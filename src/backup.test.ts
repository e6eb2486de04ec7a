// `npm run backup -- <file>`, run as the operator runs it (the npm script's node
// command on the built dist/), against a real SQLite file.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runScript } from '../test/support/build.ts';
import { cutTail, forgeChainFrom, withoutTriggers } from '../test/support/tamper.ts';
import { Secret } from './secret.ts';
import { formatAnchor, openStore, type Store } from './store/index.ts';

const KEY = 'audit-log-key-for-tests-only-00000000000000001';

let dir: string;
let source: string;
let store: Store;

const runBackup = (...args: string[]) => runScript('backup', args, { DATABASE_PATH: source });

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'backup-test-'));
  source = join(dir, 'data', 'bot.sqlite');
  store = await openStore(source);
  for (let index = 0; index < 5; index += 1) await store.log.append({ event: 'requested', userId: '1', actionKey: 'pm.repay-debt', detail: `row ${index}` });
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
      new RegExp(
        `^Backup of ${source} written to ${target} \\(\\d+\\.\\d MB, \\d+ ms\\): action log intact, 5 rows \\(1 to 5\\): 5 plain SHA-256; head 5 [0-9a-f]{64}\\.\\n$`,
      ),
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
      `Backup failed: the copy's action log is BROKEN from row 3 (chain: BROKEN at row 3: its contents do not match its hash (the row was edited); 2 rows before it verified / ` +
        "schema: BROKEN: the database's schema was altered: the trigger `action_log_no_update` (on `action_log`) is missing). " +
        `Nothing was written to ${target}; run npm run verify-log on the live database.\n`,
    );
    expect(existsSync(target)).toBe(false);
  });

  it('checks a keyed chain with AUDIT_LOG_KEY, and will not call a copy it cannot check without the key intact', async () => {
    const keyed = await openStore(source, { auditLogKey: new Secret(KEY) });
    try {
      await keyed.log.append({ event: 'requested', userId: '1', actionKey: 'pm.repay-debt', detail: 'keyed row' });
    } finally {
      await keyed.close();
    }
    const withKey = await runScript('backup', [join(dir, 'keyed.sqlite')], { DATABASE_PATH: source, AUDIT_LOG_KEY: KEY });
    expect(withKey.stderr).toBe('');
    expect(withKey.stdout).toMatch(/action log intact, 6 rows \(1 to 6\): 5 plain SHA-256; 1 HMAC-SHA256, checked with AUDIT_LOG_KEY; head 6 /);

    const target = join(dir, 'unkeyed.sqlite');
    const withoutKey = await runBackup(target);
    expect(withoutKey.status).toBe(1);
    expect(withoutKey.stderr).toMatch(/^Backup failed: the copy's action log could not be fully checked \(chain: .*1 keyed rows \(from row 6\) cannot be checked without AUDIT_LOG_KEY/);
    expect(existsSync(target)).toBe(false);
  });

  it('refuses a copy whose keyed rows were edited and the chain recomputed without the key (exit 1)', async () => {
    const keyed = await openStore(source, { auditLogKey: new Secret(KEY) });
    try {
      for (let index = 0; index < 3; index += 1) await keyed.log.append({ event: 'requested', userId: '1', actionKey: 'pm.repay-debt', detail: `keyed ${index}` });
    } finally {
      await keyed.close();
    }
    await withoutTriggers(store.db, () => forgeChainFrom(store.db, 7, { detail: 'forged' }, 'sha256'));
    const target = join(dir, 'forged.sqlite');
    const run = await runScript('backup', [target], { DATABASE_PATH: source, AUDIT_LOG_KEY: KEY });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^Backup failed: the copy's action log is BROKEN from row 7 \(chain: BROKEN at row 7: it is hashed with sha256 after rows hashed with hmac-sha256/);
    expect(existsSync(target)).toBe(false);
  });

  it('answers a malformed AUDIT_LOG_KEY before copying anything (exit 2)', async () => {
    const target = join(dir, 'bad-key.sqlite');
    const run = await runScript('backup', [target], { DATABASE_PATH: source, AUDIT_LOG_KEY: 'sekrit-but-too-short' });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^Backup failed: AUDIT_LOG_KEY: must be at least 32 characters/);
    expect(run.stderr).not.toContain('sekrit');
    expect(existsSync(target)).toBe(false);
  });

  it('answers a missing file argument with the usage (exit 2)', async () => {
    const run = await runBackup();
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^Usage: npm run backup -- <backup file> \[--force\] \[--anchors FILE\]/);
  });

  it('checks the copy against the audit channel’s anchors: a copy that holds them is written, one cut short is refused (exit 1)', async () => {
    const head = await store.db.get<{ seq: number; hash: string }>('SELECT seq, hash FROM action_log ORDER BY seq DESC LIMIT 1');
    const anchorsFile = join(dir, 'anchors.txt');
    writeFileSync(anchorsFile, `desk-bot — today at 12:00\n⚓ Log head, anchored\n\`${formatAnchor(head ?? { seq: 0, hash: '' })}\`\n`);
    const target = join(dir, 'anchored.sqlite');
    const kept = await runBackup(target, '--anchors', anchorsFile);
    expect(kept.stderr).toBe('');
    expect(kept.stdout).toMatch(/action log intact, 5 rows .*; anchors: 1 given, 1 matched; the latest anchors row 5\.\n$/);

    await withoutTriggers(store.db, () => cutTail(store.db, 4, { rewriteSequence: true }));
    const cut = join(dir, 'cut.sqlite');
    const refused = await runBackup(cut, '--anchors', anchorsFile);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^Backup failed: the copy's action log is BROKEN from row 4 \(anchors: BROKEN: row 5 was anchored but the log ends at row 3/);
    expect(existsSync(cut)).toBe(false);

    const unreadable = await runBackup(join(dir, 'x.sqlite'), '--anchors', join(dir, 'absent.txt'));
    expect([unreadable.status, unreadable.stderr]).toEqual([2, expect.stringMatching(/^Cannot read the anchors file .*absent\.txt\.\nUsage:/)]);
  });
});
