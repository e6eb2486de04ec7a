// Review of issue 12: attacks that HELD at 2ebbb1b (these tests pass), kept as
// specifications so that a later change cannot quietly reopen them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { Secret } from '../../src/secret.ts';
import { openStore, runLogChecks, type Store } from '../../src/store/index.ts';
import { rowHash } from '../../src/store/log-chain.ts';
import { KEY as KEY_TEXT } from './trail-support.ts';

const ENV = {
  DISCORD_TOKEN: 'x'.repeat(30),
  DISCORD_CLIENT_ID: '123456789012345678',
  BOT_ADMIN_IDS: '123456789012345678',
  BINANCE_API_KEY: 'A'.repeat(20),
  BINANCE_API_SECRET: 's'.repeat(20),
};

function papiUrl(url: string): string | undefined {
  try {
    return loadConfig({ ...ENV, BINANCE_PAPI_URL: url }).binance.baseUrls.papi;
  } catch (error) {
    if (error instanceof ConfigError) return undefined;
    throw error;
  }
}

describe('plain http:// only to the loopback, whatever the spelling', () => {
  it.each([
    'http://127.0.0.1.evil.com',
    'http://localhost.',
    'http://localhost.localdomain',
    'http://127.0.0.1@evil.com',
    'http://[::1]@evil.com',
    'http://evil.com#@127.0.0.1',
    'http://evil.com?@127.0.0.1',
    'http://evil.com\\@127.0.0.1',
    'http://127.0.0.1:80.evil.com',
    'http://localhost%2eevil.com',
    'http://127.0.0.1%09.evil.com',
    'http://[::ffff:127.0.0.1]',
    'http://0.0.0.0',
    'http://127.255.255.254',
  ])('refuses %s', (url) => {
    expect(papiUrl(url)).toBeUndefined();
  });

  it.each(['HTTP://LOCALHOST:8080', 'http://[0:0:0:0:0:0:0:1]', 'http://127.1', 'http://0x7f000001', 'http://2130706433', 'http://%31%32%37.0.0.1', 'http://127.0.0.1\\@evil.com', 'http://user:pw@127.0.0.1'])(
    'accepts %s only because the client then connects to the loopback itself',
    (url) => {
      const accepted = papiUrl(url);
      expect(accepted).toBeDefined();
      // The client connects to new URL(baseUrl).origin (src/binance/client.ts #base): the same parse the check made.
      expect(['127.0.0.1', 'localhost', '[::1]']).toContain(new URL(accepted ?? '').hostname);
    },
  );
});

describe('a forged change row without the key', () => {
  let dir: string;
  let store: Store | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'review12-held-'));
  });
  afterEach(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a grant inserted by SQL with a matching `grant` row appended under a plain hash is named by verify-log with the key', async () => {
    const key = new Secret(KEY_TEXT);
    store = await openStore(join(dir, 'bot.sqlite'), { auditLogKey: key });
    for (let i = 0; i < 3; i++) await store.log.append({ event: 'startup', detail: `row ${i}` });
    const head = await store.db.get<{ seq: number; hash: string }>('SELECT seq, hash FROM action_log ORDER BY seq DESC LIMIT 1');
    const params = JSON.stringify({ user: '100000000000000066', action: 'access.admin', account: '*', role: 'requester', caps: [] });
    const row = {
      seq: (head?.seq ?? 0) + 1, at_ms: Date.now(), event: 'grant', action_id: null, action_key: 'access.admin', user_id: '123456789012345678', user_tag: 'admin',
      guild_id: null, channel_id: null, params_json: params, request_json: null, outcome_kind: null, http_status: null, binance_code: null,
      response_json: null, latency_ms: null, detail: null, dry_run: 0 as const, prev_hash: head?.hash ?? '',
    };
    await store.db.run(
      `INSERT INTO action_log (${Object.keys(row).join(', ')}, hash_scheme, hash) VALUES (${Object.keys(row).map(() => '?').join(', ')}, 'sha256', ?)`,
      [...Object.values(row), rowHash(row, 'sha256', undefined) ?? ''],
    );
    await store.db.run("INSERT INTO grants (user_id, action_key, account, role, granted_by, granted_at) VALUES ('100000000000000066', 'access.admin', '*', 'requester', '123456789012345678', 0)");
    // The bot goes on writing keyed rows after it.
    await store.log.append({ event: 'startup', detail: 'next start' });

    const verdict = await runLogChecks({ db: store.db, key, anchors: undefined });
    expect(verdict).toMatchObject({ status: 'broken', firstBadSeq: row.seq });
  });
});
