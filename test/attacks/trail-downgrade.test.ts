// Review of issue 12. "A keyed chain recomputed without the key" was caught
// only when the insider left at least one keyed row.
//
// The issue asks that verify-log "catches … a keyed chain recomputed without
// the key", and the README says: "With the key: rows after the latest anchor
// cannot be edited or forged without the key either; a chain recomputed
// without it fails at the first forged row." Recompute EVERY row as plain
// SHA-256 (from row 1) and the scheme order check (log-chain.ts RANK) has
// nothing to compare against: verify-log with the key says `ok` with a note
// (log-checks.ts:64-69), exit 0. The bot then starts on the forged chain with
// its key (ActionLog.assertKeyFits, action-log.ts:233, looks only at the head,
// which is now plain), keeps writing keyed rows after it, and its start-up
// anchor vouches for the forgery from then on. Now, given the key, verify-log
// calls a log with no keyed row broken from row 1, and the bot will not start
// with its key on a log whose head is not keyed unless the operator names that
// head (AUDIT_LOG_KEY_ADOPT): nothing in the database can tell a never-keyed
// log from one relabelled plain.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Secret } from '../../src/secret.ts';
import { openStore, runLogChecks, type Store } from '../../src/store/index.ts';
import { forgeChainFrom, withoutTriggers } from '../support/tamper.ts';
import { KEY as KEY_TEXT } from './trail-support.ts';

const KEY = new Secret(KEY_TEXT);

let dir: string;
let path: string;
let store: Store | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'review12-downgrade-'));
  path = join(dir, 'bot.sqlite');
});
afterEach(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a keyed log recomputed whole without the key', () => {
  it('is named by verify-log with the key, and the keyed bot refuses to start on it', async () => {
    // The bot, keyed from its first row: a 5000 USDT repay by mallory, sent.
    store = await openStore(path, { auditLogKey: KEY });
    await store.log.append({ event: 'startup', detail: 'log chain keyed (HMAC-SHA256)' });
    await store.log.append({ event: 'requested', userId: '100000000000000066', actionKey: 'pm.repay-debt', params: { asset: 'USDT', amount: '5000' } });
    await store.log.append({ event: 'sent', userId: '100000000000000066', actionKey: 'pm.repay-debt' });
    await store.log.append({ event: 'shutdown', detail: 'stopped cleanly' });
    await store.close();
    store = undefined;

    // The insider, bot stopped, no key: mallory's request becomes alice's, every hash recomputed as plain SHA-256.
    const insider = await openStore(path);
    await withoutTriggers(insider.db, () => forgeChainFrom(insider.db, 1, {}, 'sha256'));
    await withoutTriggers(insider.db, () => forgeChainFrom(insider.db, 2, { user_id: '100000000000000002' }, 'sha256'));
    await withoutTriggers(insider.db, () => forgeChainFrom(insider.db, 3, { user_id: '100000000000000002' }, 'sha256'));
    await insider.close();

    // verify-log's checks with the key (no anchors: the rows after the latest anchor are what the key is for).
    const reader = await openStore(path, { auditLogKey: KEY });
    const verdict = await runLogChecks({ db: reader.db, key: KEY, anchors: undefined });
    const chain = verdict.results.find((result) => result.name === 'chain');
    // A keyed bot's rows were relabelled plain without the key: this must not read as intact.
    expect({ status: verdict.status, chain: chain?.status }).toEqual({ status: 'broken', chain: 'broken' });
    // And the bot, started again with its key, must not extend (and anchor) the forged chain.
    await expect(reader.log.assertKeyFits()).rejects.toThrow();
    await reader.close();
  });
});
