// The keyed chain, attacked the way someone with write access to the file
// would: rows edited and the chain recomputed, with or without the key.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Secret } from '../secret.ts';
import { Database } from './database.ts';
import { openStore, type Store } from './index.ts';
import { walkChain } from './log-chain.ts';
import { MIGRATIONS, migrate } from './migrations.ts';
import { forgeChainFrom, rowsOf, withoutTriggers, writeLegacyRows } from '../../test/support/tamper.ts';

const KEY = new Secret('audit-log-key-for-tests-only-00000000000000001');
const OTHER_KEY = new Secret('another-key-the-attacker-guessed-000000000001');

let dir: string;
let path: string;
const stores: Store[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'log-chain-'));
  path = join(dir, 'bot.sqlite');
});

afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function open(key?: Secret): Promise<Store> {
  const store = await openStore(path, { auditLogKey: key });
  stores.push(store);
  return store;
}

async function append(store: Store, count: number, from = 1): Promise<void> {
  for (let i = 0; i < count; i++) await store.log.append({ event: 'requested', userId: 'u1', detail: `row ${from + i}` });
}

describe('the keyed chain', () => {
  it('hashes each new row with HMAC-SHA256 under AUDIT_LOG_KEY, naming the scheme in the row', async () => {
    const store = await open(KEY);
    await append(store, 3);
    const rows = await rowsOf(store.db);
    expect(rows.map((row) => row.hash_scheme)).toEqual(['hmac-sha256', 'hmac-sha256', 'hmac-sha256']);
    expect(await store.log.verify()).toEqual({ ok: true, rows: 3, lastSeq: 3 });
    // Without the key the same rows cannot be checked, and the verdict says so.
    expect(await (await open()).log.verify()).toMatchObject({ ok: false, seq: 1, reason: expect.stringMatching(/cannot be checked without it/) });
  });

  it('catches a keyed row edited and the chain recomputed without the key, whatever the forger labels it', async () => {
    const store = await open(KEY);
    await append(store, 6);
    // Recomputed as plain SHA-256 from row 3: plain rows after keyed ones.
    await withoutTriggers(store.db, () => forgeChainFrom(store.db, 3, { detail: 'forged' }, 'sha256'));
    expect(await walkChain(store.db, KEY)).toMatchObject({ failure: { seq: 3, reason: expect.stringMatching(/hashed with sha256 after rows hashed with hmac-sha256 \(keyed from row 1\)/) } });

    // Still labelled HMAC, under a guessed key: the HMAC does not match.
    await withoutTriggers(store.db, () => forgeChainFrom(store.db, 3, { detail: 'forged' }, 'hmac-sha256', OTHER_KEY));
    expect(await store.log.verify()).toMatchObject({ ok: false, seq: 3, reason: expect.stringMatching(/HMAC does not match under AUDIT_LOG_KEY/) });
    // Under the forger's key it is the genuine rows that fail: the proof rests on the key.
    expect((await walkChain(store.db, OTHER_KEY)).failure).toMatchObject({ seq: 1 });
  });

  it('refuses plain-hash rows after keyed rows: the bot ran without the key', async () => {
    await append(await open(KEY), 3);
    await append(await open(), 2, 4);
    expect(await walkChain((await open(KEY)).db, KEY)).toMatchObject({ failure: { seq: 4, reason: expect.stringMatching(/bot ran without AUDIT_LOG_KEY/) } });
  });

  it('will not start writing to a keyed log without the key, or under another key', async () => {
    await append(await open(KEY), 2);
    await expect((await open()).log.assertKeyFits()).rejects.toThrow(/the action log is keyed \(row 2 was written with AUDIT_LOG_KEY\), but AUDIT_LOG_KEY is not set/);
    await expect((await open(OTHER_KEY)).log.assertKeyFits()).rejects.toThrow(/AUDIT_LOG_KEY does not verify the newest row of the action log \(row 2\)/);
    await expect((await open(KEY)).log.assertKeyFits()).resolves.toBeUndefined();
    // A plain log starts being keyed only when the operator names its head: a keyed log relabelled plain looks the same.
    rmSync(path);
    await append(await open(), 2);
    const keyed = await open(KEY);
    await expect(keyed.log.assertKeyFits()).rejects.toThrow(/AUDIT_LOG_KEY is set, but the action log's newest row \(row 2\) is not keyed.*AUDIT_LOG_KEY_ADOPT=2:[0-9a-f]{64}/s);
    const head = (await rowsOf(keyed.db))[1];
    await expect(keyed.log.assertKeyFits({ seq: 2, hash: head?.hash ?? '' })).resolves.toBeUndefined();
    // Named for another head (a later downgrade, the variable left set), it does not count.
    await expect(keyed.log.assertKeyFits({ seq: 1, hash: head?.hash ?? '' })).rejects.toThrow(/is not keyed/);
    // Once a keyed row is written, the variable no longer matters.
    await append(keyed, 1, 3);
    await expect(keyed.log.assertKeyFits()).resolves.toBeUndefined();
  });

  it('keeps rows written before the scheme column valid, and chains new plain and keyed rows after them', async () => {
    // A database as the bot left it before migration 11, with rows it wrote then.
    const old = await Database.open(path);
    await migrate(old, MIGRATIONS.filter((migration) => migration.version <= 5));
    await writeLegacyRows(old, 3);
    await old.close();

    const store = await open();
    await append(store, 2, 4);
    await append(await open(KEY), 2, 6);
    expect((await rowsOf(store.db)).map((row) => row.hash_scheme)).toEqual(['sha256-v1', 'sha256-v1', 'sha256-v1', 'sha256', 'sha256', 'hmac-sha256', 'hmac-sha256']);
    expect(await walkChain(store.db, KEY)).toMatchObject({
      rows: 7,
      failure: undefined,
      firstKeyedSeq: 6,
      schemes: { 'sha256-v1': 3, sha256: 2, 'hmac-sha256': 2 },
    });
    // A forger cannot pass a new row off as an old one.
    await withoutTriggers(store.db, () => forgeChainFrom(store.db, 5, { detail: 'forged' }, 'sha256-v1'));
    expect(await walkChain(store.db, KEY)).toMatchObject({ failure: { seq: 5, reason: expect.stringMatching(/hashed with sha256-v1 after rows hashed with sha256/) } });
  });
});
