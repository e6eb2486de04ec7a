import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Database } from './database.ts';
import { MIGRATIONS, migrate } from './migrations.ts';
import { openStore, type Store } from './index.ts';

let dir: string;
let store: Store;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'store-test-'));
  store = await openStore(join(dir, 'nested', 'folder', 'bot.sqlite'));
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const newAction = (expiresAt: number) => ({
  actionKey: 'futures.margin-type',
  requesterId: '100000000000000001',
  requesterTag: 'alice',
  guildId: '200000000000000001',
  channelId: '300000000000000001',
  optionsJson: '{"symbol":"BTCUSDT"}',
  requestJson: '{"path":"/fapi/v1/marginType"}',
  expiresAt,
});

describe('database', () => {
  it('creates its folder and opens with WAL, a busy timeout and foreign keys on', async () => {
    expect(await store.db.get<{ journal_mode: string }>('PRAGMA journal_mode')).toEqual({ journal_mode: 'wal' });
    expect(await store.db.get<{ foreign_keys: number }>('PRAGMA foreign_keys')).toEqual({ foreign_keys: 1 });
    expect(await store.db.get<{ timeout: number }>('PRAGMA busy_timeout')).toEqual({ timeout: 5000 });
  });

  it('applies each migration once, in order, and records it', async () => {
    const versions = await store.db.all<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(versions.map((row) => row.version)).toEqual(MIGRATIONS.map((migration) => migration.version));
    expect(await migrate(store.db)).toEqual([]);
  });

  it('rolls a failing migration back completely and keeps the version where it was', async () => {
    const broken = [...MIGRATIONS, { version: 99, name: 'broken', sql: 'CREATE TABLE half_done (x); INSERT INTO no_such_table VALUES (1);' }];
    await expect(migrate(store.db, broken)).rejects.toThrow(/no_such_table/);
    expect(await store.db.get("SELECT name FROM sqlite_master WHERE name = 'half_done'")).toBeUndefined();
    expect(await store.db.get<{ v: number }>('SELECT MAX(version) AS v FROM schema_migrations')).toEqual({ v: MIGRATIONS.at(-1)?.version });
  });

  it('refuses a database written by a newer version of the bot', async () => {
    await store.db.run("INSERT INTO schema_migrations VALUES (42, 'future', 0)");
    await expect(migrate(store.db)).rejects.toThrow(`schema version 42, newer than this bot knows (${MIGRATIONS.at(-1)?.version})`);
  });

  it('keeps transactions whole while other statements run concurrently', async () => {
    await store.db.exec('CREATE TABLE counter (n INTEGER)');
    await store.db.run('INSERT INTO counter VALUES (0)');
    const increments = Array.from({ length: 20 }, () =>
      store.db.transaction(async (tx) => {
        const row = await tx.get<{ n: number }>('SELECT n FROM counter');
        await new Promise((resolve) => setImmediate(resolve));
        await tx.run('UPDATE counter SET n = ?', [(row?.n ?? 0) + 1]);
      }),
    );
    const reads = Array.from({ length: 20 }, () => store.db.get('SELECT n FROM counter'));
    await Promise.all([...increments, ...reads]);
    expect(await store.db.get('SELECT n FROM counter')).toEqual({ n: 20 });
  });

  it('rejects use after close with a clear error', async () => {
    const db = await Database.open(join(dir, 'other.sqlite'));
    await db.close();
    await expect(db.get('SELECT 1')).rejects.toThrow('the database is closed');
  });
});

describe('pending actions', () => {
  it('lets exactly one of many concurrent claims win, across two connections', async () => {
    const now = Date.now();
    const action = await store.db.transaction((tx) => store.pending.create(tx, newAction(now + 60_000), now));
    const second = await openStore(store.db.path);
    try {
      const claims = await Promise.all(
        Array.from({ length: 10 }, (_, i) => {
          const s = i % 2 === 0 ? store : second;
          return s.db.transaction((tx) => s.pending.claimForExecution(tx, action.id, now, 'host:1:a'));
        }),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
    } finally {
      await second.close();
    }
    expect((await store.pending.get(action.id))?.state).toBe('executing');
  });

  it('does not claim an expired action, and expires due ones in one sweep', async () => {
    const now = Date.now();
    const action = await store.db.transaction((tx) => store.pending.create(tx, newAction(now - 1), now - 60_000));
    expect(await store.db.transaction((tx) => store.pending.claimForExecution(tx, action.id, now, 'host:1:a'))).toBe(false);
    const expired = await store.db.transaction((tx) => store.pending.expireDue(tx, now));
    expect(expired.map((a) => a.id)).toEqual([action.id]);
    expect((await store.pending.get(action.id))?.state).toBe('expired');
  });

  it('never lets the requester approve their own request', async () => {
    const now = Date.now();
    const action = await store.db.transaction((tx) => store.pending.create(tx, newAction(now + 60_000), now));
    expect(await store.db.transaction((tx) => store.pending.requestApproval(tx, action.id, now, now + 60_000))).toBe(true);
    const self = { id: action.requesterId, tag: 'alice' };
    expect(await store.db.transaction((tx) => store.pending.claimApproved(tx, action.id, self, now, 'host:1:a'))).toBe(false);
    const other = { id: '100000000000000002', tag: 'bob' };
    expect(await store.db.transaction((tx) => store.pending.claimApproved(tx, action.id, other, now, 'host:1:a'))).toBe(true);
    expect(await store.pending.get(action.id)).toMatchObject({ state: 'executing', approverId: other.id });
  });

  it('rejects a state outside the enum at the database level', async () => {
    await expect(store.db.run("INSERT INTO pending_actions (id, action_key, requester_id, requester_tag, options_json, request_json, state, created_at, expires_at) VALUES ('x', 'k', 'u', 't', '{}', '{}', 'bogus', 0, 0)")).rejects.toThrow(/CHECK constraint failed/);
  });
});

describe('grants and policies', () => {
  it('grants, lists with caps, revokes, and sets policies', async () => {
    const now = Date.now();
    await store.db.transaction(async (tx) => {
      await store.grants.grant(tx, { userId: 'u1', actionKey: 'pm.repay-debt', grantedBy: 'admin', limit: { asset: 'BTC', maxAmount: '0.5' } }, now);
      await store.grants.grant(tx, { userId: 'u1', actionKey: 'pm.repay-debt', grantedBy: 'admin', limit: { asset: 'USDT', maxAmount: '1000' } }, now);
      await store.grants.grant(tx, { userId: 'u2', actionKey: 'audit.read', grantedBy: 'admin' }, now);
      await store.grants.setPolicy(tx, 'pm.repay-debt', 1, 'admin', now);
    });
    expect(await store.grants.get('u1', 'pm.repay-debt')).toMatchObject({
      limits: [
        { asset: 'BTC', maxAmount: '0.5' },
        { asset: 'USDT', maxAmount: '1000' },
      ],
    });
    expect((await store.grants.list()).map((g) => `${g.userId}:${g.actionKey}`)).toEqual(['u1:pm.repay-debt', 'u2:audit.read']);
    expect(await store.grants.approvalsRequired('pm.repay-debt')).toBe(1);
    expect(await store.grants.approvalsRequired('futures.margin-type')).toBe(0);
    expect(await store.db.transaction((tx) => store.grants.revoke(tx, 'u1', 'pm.repay-debt'))).toBe(true);
    expect(await store.db.all('SELECT * FROM grant_limits')).toEqual([]);
    expect(await store.grants.hasAny('u1')).toBe(false);
  });
});

describe('action log', () => {
  it('chains every row to the one before and verifies the chain', async () => {
    for (const event of ['requested', 'confirmed', 'sent', 'outcome'] as const) {
      await store.log.append({ event, actionId: 'a1', actionKey: 'pm.repay-debt', userId: 'u1', params: { asset: 'BTC', amount: '0.1' } });
    }
    const rows = await store.log.forAction('a1');
    expect(rows.map((row) => row.seq)).toEqual([1, 2, 3, 4]);
    expect(rows[1]?.prev_hash).toBe(rows[0]?.hash);
    expect(await store.log.verify()).toEqual({ ok: true, rows: 4, lastSeq: 4 });
  });

  it('is append-only: UPDATE and DELETE are refused', async () => {
    await store.log.append({ event: 'requested' });
    await expect(store.db.run("UPDATE action_log SET detail = 'x'")).rejects.toThrow(/append-only/);
    await expect(store.db.run('DELETE FROM action_log')).rejects.toThrow(/append-only/);
  });

  it('names the first edited row, and the first deleted one, even the last', async () => {
    for (let i = 0; i < 6; i++) await store.log.append({ event: 'requested', detail: `row ${i + 1}` });
    await store.db.exec('DROP TRIGGER action_log_no_update; DROP TRIGGER action_log_no_delete;');

    await store.db.run("UPDATE action_log SET detail = 'forged' WHERE seq = 3");
    expect(await store.log.verify()).toMatchObject({ ok: false, seq: 3, reason: expect.stringMatching(/edited/) });
    await store.db.run("UPDATE action_log SET detail = 'row 3' WHERE seq = 3");
    expect(await store.log.verify()).toMatchObject({ ok: true });

    await store.db.run('DELETE FROM action_log WHERE seq = 6');
    expect(await store.log.verify()).toMatchObject({ ok: false, seq: 6, reason: expect.stringMatching(/last written, is missing/) });

    await store.db.run('DELETE FROM action_log WHERE seq = 2');
    expect(await store.log.verify()).toMatchObject({ ok: false, seq: 2, reason: expect.stringMatching(/row 2 is missing/) });
  });

  it('filters recent rows by user and action key, newest first', async () => {
    await store.log.append({ event: 'requested', userId: 'u1', actionKey: 'a' });
    await store.log.append({ event: 'requested', userId: 'u2', actionKey: 'a' });
    await store.log.append({ event: 'requested', userId: 'u1', actionKey: 'b' });
    expect((await store.log.recent({ userId: 'u1', limit: 10 })).map((row) => row.seq)).toEqual([3, 1]);
    expect((await store.log.recent({ actionKey: 'a', limit: 10 })).map((row) => row.seq)).toEqual([2, 1]);
    expect((await store.log.recent({ limit: 2 })).map((row) => row.seq)).toEqual([3, 2]);
    expect((await store.log.recent({ userId: 'u1', actionKey: 'a', limit: 10 })).map((row) => row.seq)).toEqual([1]);
    expect((await store.log.recent({ maxSeq: 2, limit: 10 })).map((row) => row.seq)).toEqual([2, 1]);
  });

  it('answers /audit from the indexes, not a scan of the whole log', async () => {
    const plan = async (where: string) =>
      (await store.db.all<{ detail: string }>(`EXPLAIN QUERY PLAN SELECT * FROM action_log ${where} ORDER BY seq DESC LIMIT 20`, ['x'])).map((row) => row.detail).join(' | ');
    expect(await plan('WHERE user_id = ?')).toMatch(/USING INDEX action_log_user/);
    expect(await plan('WHERE action_key = ?')).toMatch(/USING INDEX action_log_key/);
  });
});
