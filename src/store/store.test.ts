import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Database } from './database.ts';
import { MIGRATIONS, migrate } from './migrations.ts';
import { writeLegacyRows } from '../../test/support/tamper.ts';
import { Secret } from '../secret.ts';
import { ANY_ACCOUNT, grantParams, legacyGrantParams, legacyPolicyParams, legacyRevokeParams, LOG_EVENTS, openStore, runLogChecks, type Cap, type Store } from './index.ts';

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
  account: 'main',
  approvalsRequired: 0 as const,
  amountAsset: null as string | null,
  amount: null as string | null,
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
    const known = Math.max(...MIGRATIONS.map((migration) => migration.version));
    await expect(migrate(store.db)).rejects.toThrow(`schema version 42, newer than this bot knows (${known})`);
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

  it('rejects a statement SQLite cannot prepare, naming it, and goes on serving the calls after it', async () => {
    const missingTable = /no such table: no_such_table \(in: (SELECT|INSERT)/;
    await expect(store.db.get('SELECT x FROM no_such_table')).rejects.toThrow(missingTable);
    await expect(store.db.all('SELECT x FROM no_such_table WHERE x = ?', [1])).rejects.toMatchObject({ code: 'SQLITE_ERROR', message: expect.stringMatching(missingTable) });
    await expect(store.db.run('INSERT INTO no_such_table VALUES (?)', [1])).rejects.toThrow(missingTable);
    // Inside a transaction: the transaction rolls back and the write lock is released.
    await expect(
      store.db.transaction(async (tx) => {
        await tx.run("INSERT INTO schema_migrations VALUES (100, 'rolled back', 0)");
        await tx.get('SELECT missing_column FROM schema_migrations');
      }),
    ).rejects.toThrow(/no such column: missing_column/);
    expect(await store.db.get('SELECT version FROM schema_migrations WHERE version = 100')).toBeUndefined();
    const other = await openStore(store.db.path);
    try {
      await other.db.transaction((tx) => tx.run("INSERT INTO schema_migrations VALUES (101, 'after', 0)"));
    } finally {
      await other.close();
    }
    // The same text fails again on its own (it was not kept half-prepared); the connection still works.
    await expect(store.db.get('SELECT x FROM no_such_table')).rejects.toThrow(missingTable);
    expect(await store.db.get('SELECT COUNT(*) AS n FROM schema_migrations WHERE version = 101')).toEqual({ n: 1 });
  });
});

describe('migrating a database written at version 5', () => {
  /** A version-5 database with grants, caps (one of them '*'), a policy, an action and log rows. */
  async function versionFive(path: string, logRows: number): Promise<Database> {
    const db = await Database.open(path);
    await migrate(db, MIGRATIONS.filter((migration) => migration.version <= 5));
    await db.exec(`
      INSERT INTO grants VALUES ('u1', 'pm.repay-debt', 'root', 1), ('u2', 'audit.read', 'root', 2);
      INSERT INTO grant_limits VALUES ('u1', 'pm.repay-debt', 'BTC', '0.5'), ('u1', 'pm.repay-debt', '*', '100');
      INSERT INTO policies VALUES ('pm.repay-debt', 1, 'root', 3);
      INSERT INTO pending_actions (id, action_key, requester_id, requester_tag, options_json, request_json, state, created_at, expires_at)
        VALUES ('a1', 'pm.repay-debt', 'u1', 'alice', '{}', '{}', 'completed', 4, 5);
    `);
    // Rows as that version wrote them: no hash_scheme column, hashes of the sha256-v1 form.
    await writeLegacyRows(db, logRows);
    return db;
  }

  it('keeps every row, its hash, the indexes, the triggers and the issued numbers; the chain still verifies', async () => {
    const path = join(dir, 'v5.sqlite');
    const old = await versionFive(path, 7);
    const before = await old.all<{ seq: number; hash: string }>('SELECT seq, hash FROM action_log ORDER BY seq');
    await old.close();

    const migrated = await openStore(path);
    try {
      expect(await migrated.db.all('SELECT seq, hash FROM action_log ORDER BY seq')).toEqual(before);
      expect(await migrated.log.verify()).toEqual({ ok: true, rows: 7, lastSeq: 7 });
      expect(await migrated.db.get("SELECT seq FROM sqlite_sequence WHERE name = 'action_log'")).toEqual({ seq: 7 });
      const objects = await migrated.db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE tbl_name = 'action_log' AND type IN ('index', 'trigger') ORDER BY name");
      expect(objects.map((o) => o.name)).toEqual([
        'action_log_action',
        'action_log_event',
        'action_log_key',
        'action_log_no_delete',
        'action_log_no_update',
        'action_log_reconciled',
        'action_log_unknown_outcomes',
        'action_log_user',
      ]);
      await expect(migrated.db.run("UPDATE action_log SET detail = 'x'")).rejects.toThrow(/append-only/);
      // The next row continues the chain under the recorded scheme; an event outside log_events is refused by the foreign key.
      await migrated.log.append({ event: 'freeze', params: { reason: 'test' } });
      expect(await migrated.log.verify()).toEqual({ ok: true, rows: 8, lastSeq: 8 });
      await expect(migrated.log.append({ event: 'bogus' as never })).rejects.toThrow(/FOREIGN KEY constraint failed/);
      expect((await migrated.log.recent({ limit: 10 })).map((row) => row.hash_scheme).reverse()).toEqual([...Array<string>(7).fill('sha256-v1'), 'sha256']);
      expect((await migrated.db.all<{ name: string }>('SELECT name FROM log_events')).map((row) => row.name).sort()).toEqual([...LOG_EVENTS].sort());

      // Grants move to account '*' as requesters; the '*' cap stays, for the authorizer to refuse.
      expect(await migrated.grants.list()).toMatchObject([
        { userId: 'u1', actionKey: 'pm.repay-debt', account: '*', role: 'requester', grantedBy: 'root', caps: [{ asset: '*', maxAmount: '100', dailyMax: null }, { asset: 'BTC', maxAmount: '0.5', dailyMax: null }] },
        { userId: 'u2', actionKey: 'audit.read', account: '*', role: 'requester', caps: [] },
      ]);
      expect(await migrated.grants.policies()).toEqual([{ actionKey: 'pm.repay-debt', account: '*', approvals: 1, setBy: 'root', setAt: 3 }]);
      expect(await migrated.pending.get('a1')).toMatchObject({ account: 'main', approvalsRequired: 0, amountAsset: null, closedReason: null });
      // The caps' foreign key now points at the rebuilt grants table: a revoke still removes them.
      await migrated.db.transaction((tx) => migrated.grants.revoke(tx, 'u1', 'pm.repay-debt'));
      expect(await migrated.db.all('SELECT * FROM grant_caps')).toEqual([]);
    } finally {
      await migrated.close();
    }

    // Keyed from here on: verify-log's checks accept the three schemes in order, each row checked.
    const key = new Secret('audit-log-key-for-tests-only-00000000000000001');
    const keyed = await openStore(path, { auditLogKey: key });
    try {
      const head = await keyed.db.get<{ seq: number; hash: string }>('SELECT seq, hash FROM action_log ORDER BY seq DESC LIMIT 1');
      await keyed.log.assertKeyFits(head);
      await keyed.log.append({ event: 'unfreeze' });
      const verdict = await runLogChecks({ db: keyed.db, key, anchors: undefined });
      expect(verdict.results.map((result) => [result.name, result.status])).toEqual([
        ['chain', 'ok'],
        ['anchors', 'skipped'],
        // This fixture's grants and policy were written by SQL, not by the bot: the log explains none of them.
        ['access', 'broken'],
        ['schema', 'ok'],
      ]);
      expect(verdict.results[2]?.notes).toEqual(
        expect.arrayContaining([
          'the grant of `audit.read` of <@u2> (requester, no caps) is in the grants table, but no log row grants it',
          'the policy of `pm.repay-debt` (approvals: 1) is in the policies table, but no log row sets it',
        ]),
      );
      expect(verdict.results[0]?.summary).toMatch(/^9 rows \(1 to 9\): 7 plain SHA-256 \(written before rows named their scheme\); 1 plain SHA-256; 1 HMAC-SHA256, checked with AUDIT_LOG_KEY;/);
    } finally {
      await keyed.close();
    }
  });

  it('names the shapes of the access rows written before the migration, for a replay of the log', () => {
    // As /access wrote them up to version 5 (JSON drops an absent limit).
    expect(legacyGrantParams.parse(JSON.parse('{"user":"u1","action":"pm.repay-debt","limit":{"asset":"*","maxAmount":"100"}}'))).toEqual({
      user: 'u1',
      action: 'pm.repay-debt',
      limit: { asset: '*', maxAmount: '100' },
    });
    expect(legacyGrantParams.parse(JSON.parse('{"user":"u1","action":"audit.read"}')).limit).toBeUndefined();
    expect(legacyRevokeParams.parse({ user: 'u1', action: 'audit.read' })).toEqual({ user: 'u1', action: 'audit.read' });
    expect(legacyPolicyParams.parse({ action: 'pm.repay-debt', approvals: 1 }).approvals).toBe(1);
    // The current shapes say more, so an old row is never mistaken for a new one.
    expect(grantParams.safeParse({ user: 'u1', action: 'audit.read' }).success).toBe(false);
  });

  it('keeps a deleted tail visible: the highest number issued survives the rebuild', async () => {
    const path = join(dir, 'v5-tampered.sqlite');
    const old = await versionFive(path, 5);
    await old.exec('DROP TRIGGER action_log_no_delete');
    await old.run('DELETE FROM action_log WHERE seq = 5');
    await old.close();
    const migrated = await openStore(path);
    try {
      expect(await migrated.log.verify()).toMatchObject({ ok: false, seq: 5, reason: expect.stringMatching(/last written, is missing/) });
    } finally {
      await migrated.close();
    }
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
  const put = (userId: string, actionKey: string, caps: Cap[] = [], extra: { account?: string; role?: 'requester' | 'approver' } = {}) =>
    store.db.transaction((tx) =>
      store.grants.put(tx, { userId, actionKey, account: extra.account ?? ANY_ACCOUNT, role: extra.role ?? 'requester', caps }, 'admin', Date.now()),
    );

  it('writes a whole grant: role and exactly its caps; lists, revokes with its caps', async () => {
    await put('u1', 'pm.repay-debt', [{ asset: 'BTC', maxAmount: '0.5', dailyMax: '2' }, { asset: 'USDT', maxAmount: '1000', dailyMax: null }]);
    await put('u2', 'audit.read');
    expect(await store.grants.get('u1', 'pm.repay-debt')).toMatchObject({
      account: '*',
      role: 'requester',
      caps: [
        { asset: 'BTC', maxAmount: '0.5', dailyMax: '2' },
        { asset: 'USDT', maxAmount: '1000', dailyMax: null },
      ],
    });
    // A re-grant replaces the caps, it does not add to them.
    await put('u1', 'pm.repay-debt', [{ asset: 'ETH', maxAmount: null, dailyMax: '3' }], { role: 'approver' });
    expect(await store.grants.get('u1', 'pm.repay-debt')).toMatchObject({ role: 'approver', caps: [{ asset: 'ETH', maxAmount: null, dailyMax: '3' }] });
    expect((await store.grants.list()).map((g) => `${g.userId}:${g.actionKey}:${g.account}`)).toEqual(['u1:pm.repay-debt:*', 'u2:audit.read:*']);
    expect(await store.db.transaction((tx) => store.grants.revoke(tx, 'u1', 'pm.repay-debt'))).toBe(true);
    expect(await store.db.all('SELECT * FROM grant_caps')).toEqual([]);
    expect(await store.grants.hasAny('u1')).toBe(false);
  });

  it('refuses a cap row with neither a per-request nor a daily amount, and a role outside the enum', async () => {
    await expect(put('u1', 'pm.repay-debt', [{ asset: 'BTC', maxAmount: null, dailyMax: null }])).rejects.toThrow(/CHECK constraint failed/);
    await expect(store.db.run("INSERT INTO grants (user_id, action_key, account, role, granted_by, granted_at) VALUES ('u', 'k', '*', 'boss', 'a', 0)")).rejects.toThrow(
      /CHECK constraint failed/,
    );
  });

  it("the strictest row holds: an account row can narrow the * row, never widen it, for grants and policies", async () => {
    // An approver on every account, a requester row on 'futures': the approver role wins there too.
    await put('u1', 'futures.margin-type', [], { role: 'approver' });
    await put('u1', 'futures.margin-type', [], { account: 'futures', role: 'requester' });
    expect((await store.grants.get('u1', 'futures.margin-type', 'futures'))?.role).toBe('approver');
    expect((await store.grants.get('u1', 'futures.margin-type', 'main'))?.role).toBe('approver');
    // A requester on every account, an approver row on 'sub1': narrowed on sub1 only.
    await put('u2', 'futures.margin-type');
    await put('u2', 'futures.margin-type', [], { account: 'sub1', role: 'approver' });
    expect((await store.grants.get('u2', 'futures.margin-type', 'sub1'))?.role).toBe('approver');
    expect((await store.grants.get('u2', 'futures.margin-type', 'main'))?.role).toBe('requester');
    expect(await store.grants.getExact('u1', 'futures.margin-type', 'main')).toBeUndefined();

    // Caps combine per asset with the smaller limit; an asset one capped row lacks is refused (left out).
    await put('u3', 'pm.repay-debt', [{ asset: 'BNB', maxAmount: '5', dailyMax: '10' }, { asset: 'BTC', maxAmount: '1', dailyMax: null }]);
    await put('u3', 'pm.repay-debt', [{ asset: 'BNB', maxAmount: '8', dailyMax: '4' }, { asset: 'ETH', maxAmount: '2', dailyMax: null }], { account: 'main' });
    expect(await store.grants.get('u3', 'pm.repay-debt', 'main')).toMatchObject({ capped: true, caps: [{ asset: 'BNB', maxAmount: '5', dailyMax: '4' }] });
    // An uncapped account row under a capped '*' row: the '*' caps hold.
    await put('u4', 'pm.repay-debt', [{ asset: 'BNB', maxAmount: '1', dailyMax: null }]);
    await put('u4', 'pm.repay-debt', [], { account: 'main' });
    expect(await store.grants.get('u4', 'pm.repay-debt', 'main')).toMatchObject({ capped: true, caps: [{ asset: 'BNB', maxAmount: '1', dailyMax: null }] });
    // Two capped rows with no asset in common: capped, and nothing allowed.
    await put('u5', 'pm.repay-debt', [{ asset: 'BNB', maxAmount: '1', dailyMax: null }]);
    await put('u5', 'pm.repay-debt', [{ asset: 'BTC', maxAmount: '1', dailyMax: null }], { account: 'main' });
    expect(await store.grants.get('u5', 'pm.repay-debt', 'main')).toMatchObject({ capped: true, caps: [] });

    await store.db.transaction(async (tx) => {
      await store.grants.setPolicy(tx, { actionKey: 'pm.repay-debt', account: '*', approvals: 1 }, 'admin', 0);
      await store.grants.setPolicy(tx, { actionKey: 'pm.repay-debt', account: 'sub1', approvals: 0 }, 'admin', 0);
      await store.grants.setPolicy(tx, { actionKey: 'futures.margin-type', account: 'sub1', approvals: 1 }, 'admin', 0);
    });
    expect(await store.grants.approvalsRequired('pm.repay-debt')).toBe(1);
    expect(await store.grants.approvalsRequired('pm.repay-debt', 'main')).toBe(1);
    expect(await store.grants.approvalsRequired('pm.repay-debt', 'sub1')).toBe(1);
    expect(await store.grants.approvalsRequired('futures.margin-type', 'sub1')).toBe(1);
    expect(await store.grants.approvalsRequired('futures.margin-type', 'main')).toBe(0);
    expect(await store.grants.policyExact('pm.repay-debt', 'main')).toBeUndefined();
    expect((await store.grants.policies()).map((p) => `${p.actionKey}:${p.account}=${p.approvals}`)).toEqual([
      'futures.margin-type:sub1=1',
      'pm.repay-debt:*=1',
      'pm.repay-debt:sub1=0',
    ]);
  });

  it("a revoke on '*' removes the grant on every account; one account's revoke only that row", async () => {
    await put('u1', 'pm.repay-debt');
    await put('u1', 'pm.repay-debt', [], { account: 'main' });
    await put('u1', 'pm.repay-debt', [], { account: 'sub1' });
    expect(await store.db.transaction((tx) => store.grants.revoke(tx, 'u1', 'pm.repay-debt', 'sub1'))).toBe(true);
    expect((await store.grants.everyRow('u1', 'pm.repay-debt')).map((g) => g.account)).toEqual(['*', 'main']);
    expect(await store.db.transaction((tx) => store.grants.revoke(tx, 'u1', 'pm.repay-debt'))).toBe(true);
    expect(await store.grants.everyRow('u1', 'pm.repay-debt')).toEqual([]);
    expect(await store.db.transaction((tx) => store.grants.revoke(tx, 'u1', 'pm.repay-debt'))).toBe(false);
  });
});

describe('proposals', () => {
  const open = (expiresAt: number) =>
    store.db.transaction((tx) =>
      store.proposals.create(
        tx,
        {
          kind: 'policy',
          changeJson: '{"kind":"policy","action":"pm.repay-debt","account":"*","approvals":0}',
          basisJson: '{"approvals":1}',
          targetUserId: null,
          needsRoot: false,
          makerId: 'maker',
          makerTag: 'maker',
          guildId: null,
          channelId: null,
          expiresAt,
        },
        Date.now(),
      ),
    );

  it('closes exactly once under concurrent clicks from two connections; never approved by its maker', async () => {
    const now = Date.now();
    const proposal = await open(now + 60_000);
    expect(await store.db.transaction((tx) => store.proposals.close(tx, proposal.id, 'approved', { id: 'maker', tag: 'maker' }, now))).toBe(false);
    const second = await openStore(store.db.path);
    try {
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => {
          const s = i % 2 === 0 ? store : second;
          return s.db.transaction((tx) => s.proposals.close(tx, proposal.id, i % 3 === 0 ? 'rejected' : 'approved', { id: `checker${i}`, tag: 'c' }, now));
        }),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    } finally {
      await second.close();
    }
    expect((await store.proposals.get(proposal.id))?.state).toMatch(/approved|rejected/);
  });

  it('expires due ones; an open one is cancelled once, with why', async () => {
    const now = Date.now();
    const due = await open(now - 1);
    const live = await open(now + 60_000);
    expect((await store.db.transaction((tx) => store.proposals.expireDue(tx, now))).map((p) => p.id)).toEqual([due.id]);
    expect(await store.db.transaction((tx) => store.proposals.close(tx, due.id, 'approved', { id: 'c', tag: 'c' }, now))).toBe(false);
    expect((await store.proposals.open(now)).map((p) => p.id)).toEqual([live.id]);
    expect((await store.db.transaction((tx) => store.proposals.allOpen(tx))).map((p) => p.id)).toEqual([live.id]);
    const closed = await store.db.transaction((tx) => store.proposals.cancel(tx, live.id, 'frozen by x: y', now));
    expect([closed?.id, closed?.state, closed?.closedReason]).toEqual([live.id, 'cancelled', 'frozen by x: y']);
    expect(await store.db.transaction((tx) => store.proposals.cancel(tx, live.id, 'again', now))).toBeUndefined();
  });
});

describe('the freeze state', () => {
  it('engages once (the first one stands) and releases only the freeze it names', async () => {
    const first = { reason: 'leak', byId: 'u1', byTag: 'alice', since: 1_000 };
    expect(await store.db.transaction((tx) => store.freeze.engage(tx, first))).toBe(true);
    expect(await store.db.transaction((tx) => store.freeze.engage(tx, { ...first, reason: 'other', since: 2_000 }))).toBe(false);
    expect(await store.freeze.current()).toEqual(first);
    expect(await store.db.transaction((tx) => store.freeze.release(tx, 999))).toBe(false);
    expect(await store.db.transaction((tx) => store.freeze.release(tx, 1_000))).toBe(true);
    expect(await store.freeze.current()).toBeUndefined();
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
