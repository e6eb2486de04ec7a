// Review of issue 12. "npm run verify-log opens the file
// read-only and changes nothing" (issue 12, README) — except after a crash.
//
// Database.openReadOnly (src/store/database.ts:70) decides "a bot is running"
// from the existence of `<db>-wal`. A bot that was killed (OOM, kill -9, a power
// cut) leaves its -wal and -shm behind with nobody running. verify-log then
// opens in plain `mode=ro`, and SQLite rebuilds the WAL index: it rewrites the
// -shm, and when the -shm is missing (a copy of the file and its -wal, as an
// investigator takes them) it CREATES one, owned by whoever runs verify-log —
// the situation the immutable open was written to avoid. Now, with a -wal
// beside the file, verify-log reads a private, consistent copy of the file and
// its -wal (src/store/private-copy.ts) and only reads the originals.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.ts';
import { ROOT, runScript } from '../support/build.ts';

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'review12-crash-'));
  path = join(dir, 'bot.sqlite');
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A bot's database whose last process was killed mid-run: its -wal and -shm left behind, no process on it. */
async function crashedBot(): Promise<void> {
  const store = await openStore(path);
  for (let i = 1; i <= 5; i++) await store.log.append({ event: 'requested', userId: 'u1', actionKey: 'pm.repay-debt', detail: `row ${i}` });
  await store.close();
  // A second "bot process" (its own node, the same sqlite3) writes, then dies by SIGKILL before closing.
  const script = `
    const sqlite3 = require(${JSON.stringify(join(ROOT, 'node_modules', 'sqlite3'))});
    const db = new sqlite3.Database(${JSON.stringify(path)});
    db.serialize(() => {
      db.run("INSERT INTO leases (name, holder, until_ms) VALUES ('audit-poster', 'crashed:1', 0)");
      db.get('SELECT 1', () => process.kill(process.pid, 'SIGKILL'));
    });`;
  spawnSync(process.execPath, ['-e', script], { cwd: dir });
}

/** Each file beside the database: its bytes' hash and its modification time. */
function folder(): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((name) => [name, `${createHash('sha256').update(readFileSync(join(dir, name))).digest('hex')} ${statSync(join(dir, name), { bigint: true }).mtimeNs}`]),
  );
}

describe('verify-log on the database of a bot that was killed (no bot running)', () => {
  it('changes no file beside the database (the -shm included)', async () => {
    await crashedBot();
    const before = folder();
    expect(Object.keys(before)).toEqual(['bot.sqlite', 'bot.sqlite-shm', 'bot.sqlite-wal']);

    const run = await runScript('verify-log', [path], {});
    expect(run.status, run.stderr).toBe(0);
    expect(folder()).toEqual(before);
  });

  it('creates no -shm beside a database copied with its -wal', async () => {
    await crashedBot();
    unlinkSync(`${path}-shm`);
    const before = folder();

    const run = await runScript('verify-log', [path], {});
    expect(run.status, run.stderr).toBe(0);
    expect(Object.keys(folder())).toEqual(Object.keys(before));
  });

  it('on a running bot’s database, reads the rows still only in its -wal', async () => {
    const store = await openStore(path);
    try {
      for (let i = 1; i <= 3; i++) await store.log.append({ event: 'requested', userId: 'u1', actionKey: 'pm.repay-debt', detail: `row ${i}` });
      const run = await runScript('verify-log', [path], {});
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/chain +ok +3 rows \(1 to 3\)/);
    } finally {
      await store.close();
    }
  });
});
