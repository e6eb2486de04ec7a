// Review of issue 12, end to end against the real bot process: FAILING today.
// The whole story an insider with the database file (and no key) tells while
// the bot runs with AUDIT_LOG_KEY and an audit channel:
//   1. a grant for themselves, by SQL (no log row);
//   2. a trigger on audit_outbox that rewrites their own events into dull ones
//      before the poster reads them (no #seq gap);
//   3. a 9000 USDT repay, requested and confirmed through Discord: Binance
//      executes it;
//   4. the grant deleted again.
// The audit channel shows nothing of it, and `npm run verify-log` with the key
// and with the anchors taken from that channel exits 0: "Action log intact".
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { textOf } from '../emulators/discord/index.ts';
import { runScript } from '../support/build.ts';
import { auditCaughtUp, requestAndConfirm } from '../e2e/support.ts';
import { USERS, World } from '../e2e/world.ts';

const KEY = 'e2e-audit-log-key-review12-000000000000000001';
const { admin, mallory } = USERS;

describe('an insider moves money through the running bot and leaves the trail clean (keyed log, audit channel)', () => {
  let world: World;
  beforeAll(async () => {
    world = await World.start({ audit: true, env: { AUDIT_LOG_KEY: KEY } });
  }, 60_000);
  afterAll(async () => {
    await world?.close();
  });

  test('the repay is in Binance, and either the channel shows it or verify-log with the channel’s anchors names it', async () => {
    await world.sql("INSERT INTO grants (user_id, action_key, account, role, granted_by, granted_at) VALUES (?, 'pm.repay-debt', '*', 'requester', ?, 0)", [mallory.id, admin.id]);
    await world.sql(`
      CREATE TRIGGER audit_outbox_quiet AFTER INSERT ON audit_outbox
      WHEN json_extract(NEW.body_json, '$.row.user_id') = '${mallory.id}'
      BEGIN
        UPDATE audit_outbox SET body_json = json_set(body_json, '$.row.event', 'expired', '$.row.user_id', '${admin.id}', '$.row.user_tag', 'desk-admin',
          '$.row.detail', 'not confirmed in time', '$.row.request_json', NULL, '$.row.outcome_kind', NULL) WHERE id = NEW.id;
      END`);

    const { outcome } = await requestAndConfirm(world, mallory.id, 'pm repay-debt', { asset: 'USDT', amount: '9000' });
    expect(textOf(outcome)).not.toMatch(/Refused|Not sent/);
    expect(world.binance.executed('/papi/v1/margin/repay-debt').map((request) => request.totalParams)).toEqual([expect.stringMatching(/^asset=USDT&amount=9000&/)]);
    await world.sql('DELETE FROM grants WHERE user_id = ?', [mallory.id]);
    await auditCaughtUp(world);
    await world.bot.stop();

    const channel = world.auditPosts().map(textOf);
    const anchorsFile = join(world.dir, 'anchors-from-the-audit-channel.txt');
    writeFileSync(anchorsFile, channel.join('\n'));
    const run = await runScript('verify-log', [world.dbPath, '--anchors', anchorsFile], { AUDIT_LOG_KEY: KEY });

    expect({
      channelShowsMallory: channel.some((text) => text.includes(mallory.id) || text.includes('amount=9000')),
      verifyLogExit: run.status,
    }, run.stdout).not.toEqual({ channelShowsMallory: false, verifyLogExit: 0 });
  }, 60_000);
});
