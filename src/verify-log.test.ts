// `npm run verify-log`, run as operators run it (its own process), against
// databases attacked the way someone with write access to the file would.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cutTail, forgeChainFrom, withoutTriggers } from '../test/support/tamper.ts';
import { runScript } from '../test/support/build.ts';
import { Secret } from './secret.ts';
import { formatAnchor } from './store/anchors.ts';
import { openStore, type Store } from './store/index.ts';

const KEY = 'audit-log-key-for-tests-only-00000000000000001';

let dir: string;
let path: string;
let store: Store | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'verify-log-'));
  path = join(dir, 'bot.sqlite');
});

afterEach(async () => {
  await store?.close();
  store = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the script as `npm run verify-log` does (the compiled command), in this test's folder (no .env but its own) with only the given environment. */
async function verifyLog(args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string; err: string }> {
  const run = await runScript('verify-log', args, env, { cwd: dir });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

/** A bot's log of `count` rows, left open (as while the bot runs). */
async function botWith(count: number, key?: string): Promise<Store> {
  store = await openStore(path, { auditLogKey: key === undefined ? undefined : new Secret(key) });
  for (let i = 1; i <= count; i++) await store.log.append({ event: 'requested', userId: 'u1', actionKey: 'pm.repay-debt', detail: `row ${i}` });
  return store;
}

/** Anchors as the audit channel would have posted them, for rows `seqs`. */
async function anchorsFile(open: Store, seqs: readonly number[]): Promise<string> {
  const rows = await open.db.all<{ seq: number; hash: string }>(`SELECT seq, hash FROM action_log WHERE seq IN (${seqs.join(', ')}) ORDER BY seq`);
  const file = join(dir, 'anchors.txt');
  writeFileSync(file, `# from the audit channel\n${rows.map((row) => `\`${formatAnchor(row)}\``).join('\n')}\n`);
  return file;
}

function fingerprint(file: string): { sha256: string; mtimeMs: number; size: number } {
  const stat = statSync(file);
  return { sha256: createHash('sha256').update(readFileSync(file)).digest('hex'), mtimeMs: stat.mtimeMs, size: stat.size };
}

describe('npm run verify-log', () => {
  it("changes nothing in a stopped bot's database: not a byte, not the mtime, no -wal or -shm left behind", async () => {
    const bot = await botWith(5);
    const anchors = await anchorsFile(bot, [5]);
    await bot.close();
    store = undefined;
    const before = { file: fingerprint(path), folder: readdirSync(dir).sort() };

    const result = await verifyLog([path, '--anchors', anchors]);
    expect(result.code, result.err).toBe(0);
    expect(result.out).toContain(`Action log ${path} (opened read-only, no AUDIT_LOG_KEY):`);
    expect(result.out).toMatch(/chain +ok +5 rows \(1 to 5\): 5 plain SHA-256; head 5 [0-9a-f]{64}/);
    expect(result.out).toMatch(/anchors +ok +1 given, 1 matched; the latest anchors row 5/);
    expect(result.out).toContain('Action log intact');
    expect({ file: fingerprint(path), folder: readdirSync(dir).sort() }).toEqual(before);
  });

  it('checks a live WAL database while the bot runs, seeing its latest rows, and writes nothing', async () => {
    const bot = await botWith(7, KEY);
    const schema = await bot.db.all('SELECT version FROM schema_migrations');
    const before = { main: fingerprint(path), wal: fingerprint(`${path}-wal`) };

    const result = await verifyLog([path], { AUDIT_LOG_KEY: KEY });
    expect(result.code, result.err).toBe(0);
    expect(result.out).toMatch(/chain +ok +7 rows \(1 to 7\): 7 HMAC-SHA256, checked with AUDIT_LOG_KEY/);
    expect({ main: fingerprint(path), wal: fingerprint(`${path}-wal`) }).toEqual(before);
    // The bot goes on writing as before.
    await bot.log.append({ event: 'requested' });
    expect(await bot.db.all('SELECT version FROM schema_migrations')).toEqual(schema);
    expect(await bot.log.verify()).toEqual({ ok: true, rows: 8, lastSeq: 8 });
  });

  it('catches a truncated tail, triggers dropped and re-created and sqlite_sequence rewritten, with an anchor past the end', async () => {
    const bot = await botWith(10);
    const anchors = await anchorsFile(bot, [4, 10]);
    await withoutTriggers(bot.db, () => cutTail(bot.db, 9, { rewriteSequence: true }));
    expect(await bot.log.verify()).toMatchObject({ ok: true, rows: 8 }); // the chain alone is fooled

    const result = await verifyLog([path, '--anchors', anchors]);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/chain +ok +8 rows/);
    expect(result.out).toMatch(/anchors +broken +BROKEN: row 10 was anchored but the log ends at row 8: rows 9 to 10 at least were deleted/);
    expect(result.out).toContain('Action log BROKEN: the first row that cannot be trusted is row 9.');
  });

  it('catches a row rewritten before an anchor with every later hash recomputed', async () => {
    const bot = await botWith(10);
    const anchors = await anchorsFile(bot, [4, 10]);
    await withoutTriggers(bot.db, () => forgeChainFrom(bot.db, 6, { detail: 'nothing happened here', user_id: 'u2' }, 'sha256'));
    expect(await bot.log.verify()).toMatchObject({ ok: true, rows: 10 });

    const result = await verifyLog([path, '--anchors', anchors]);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/anchors +broken +BROKEN: row 10 does not have the anchored hash: a row from 5 to 10 was rewritten/);
    expect(result.out).toContain('note: Anchors up to row 4 matched.');
    expect(result.out).toContain('the first row that cannot be trusted is row 5.');
  });

  it('catches a keyed chain recomputed without the key: at the first forged row with the key, and by the anchors even when every row was relabelled plain', async () => {
    const bot = await botWith(6, KEY);
    const anchors = await anchorsFile(bot, [6]);
    await withoutTriggers(bot.db, () => forgeChainFrom(bot.db, 3, { detail: 'forged' }, 'sha256'));
    const partly = await verifyLog([path], { AUDIT_LOG_KEY: KEY });
    expect(partly.code).toBe(1);
    expect(partly.out).toMatch(/chain +broken +BROKEN at row 3: it is hashed with sha256 after rows hashed with hmac-sha256/);

    await withoutTriggers(bot.db, () => forgeChainFrom(bot.db, 1, {}, 'sha256'));
    const wholly = await verifyLog([path, '--anchors', anchors], { AUDIT_LOG_KEY: KEY });
    expect(wholly.code).toBe(1);
    // Given the key, a log with no keyed row is broken from row 1 by itself; the anchors say it too.
    expect(wholly.out).toMatch(/chain +broken +BROKEN at row 1: AUDIT_LOG_KEY was given but none of the 6 rows is keyed/);
    expect(wholly.out).toMatch(/anchors +broken +BROKEN: row 6 does not have the anchored hash/);
    expect(wholly.out).toContain('the first row that cannot be trusted is row 1.');
  });

  it('says a keyed chain cannot be checked without its key (exit 2), and takes the key from .env', async () => {
    const bot = await botWith(3, KEY);
    const withoutKey = await verifyLog([path]);
    expect(withoutKey.code).toBe(2);
    expect(withoutKey.out).toMatch(/chain +incomplete +3 rows \(1 to 3\): 3 HMAC-SHA256, NOT checked: no AUDIT_LOG_KEY/);
    expect(withoutKey.out).toContain('3 keyed rows (from row 1) cannot be checked without AUDIT_LOG_KEY');
    expect(withoutKey.out).toContain('Action log NOT fully checked');

    writeFileSync(join(dir, '.env'), `DATABASE_PATH=${path}\nAUDIT_LOG_KEY=${KEY}\n`);
    const fromDotEnv = await verifyLog([]);
    expect(fromDotEnv.code, fromDotEnv.err).toBe(0);
    expect(fromDotEnv.out).toContain('AUDIT_LOG_KEY given');
    expect(`${withoutKey.out}${fromDotEnv.out}${fromDotEnv.err}`).not.toContain(KEY);
    await bot.log.append({ event: 'requested' });
  });

  it('answers usage errors with exit 2: no database, an unknown option, a bad anchors file, a short key', async () => {
    await (await botWith(1)).close();
    store = undefined;
    const missing = await verifyLog([join(dir, 'absent.sqlite')]);
    expect([missing.code, missing.err]).toEqual([2, expect.stringMatching(/^No database at .*absent\.sqlite/)]);
    expect(readdirSync(dir)).not.toContain('absent.sqlite');
    expect((await verifyLog([path, '--anchor', 'x'])).code).toBe(2);
    writeFileSync(join(dir, 'bad.txt'), '1 abc\n');
    const badAnchors = await verifyLog([path, '--anchors', join(dir, 'bad.txt')]);
    expect([badAnchors.code, badAnchors.err]).toEqual([2, expect.stringContaining('line 1 is not "seq hash"')]);
    const shortKey = await verifyLog([path], { AUDIT_LOG_KEY: 'short' });
    expect([shortKey.code, shortKey.err]).toEqual([2, expect.stringContaining('AUDIT_LOG_KEY: must be at least 32 characters')]);
  });
});
