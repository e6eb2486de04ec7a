// Review of issue 12, end to end against the real bot process. The whole story
// an insider with the database file (and no key) told while the bot ran with
// AUDIT_LOG_KEY and an audit channel:
//   1. a grant for themselves, by SQL (no log row);
//   2. a trigger on audit_outbox that rewrites their own events into dull ones
//      before the poster reads them (no #seq gap);
//   3. a 9000 USDT repay, requested and confirmed through Discord: Binance
//      executed it;
//   4. the grant deleted again.
// The audit channel showed nothing of it, and `npm run verify-log` with the key
// and with the anchors taken from that channel exited 0: "Action log intact".
//
// It first asserted that the repay reached Binance and then that the channel
// or verify-log named it. Now the bot checks its database before every step
// (src/store/trail.ts): the planted trigger and the grant the log does not
// explain refuse the request, nothing reaches Binance, the finding is posted
// to the audit channel (straight, not through the outbox), and verify-log with
// the channel's anchors still names the trigger after the grant is gone.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { textOf } from '../emulators/discord/index.ts';
import { runScript } from '../support/build.ts';
import { auditCaughtUp } from '../e2e/support.ts';
import { USERS, World } from '../e2e/world.ts';

const KEY = 'e2e-audit-log-key-review12-000000000000000001';
const { admin, mallory } = USERS;

describe('an insider tries to move money through the running bot and leave the trail clean (keyed log, audit channel)', () => {
  let world: World;
  beforeAll(async () => {
    world = await World.start({ audit: true, env: { AUDIT_LOG_KEY: KEY } });
  }, 60_000);
  afterAll(async () => {
    await world?.close();
  });

  test('the repay is refused before anything reaches Binance, the channel says why, and verify-log with the channel’s anchors names the trigger', async () => {
    await world.sql("INSERT INTO grants (user_id, action_key, account, role, granted_by, granted_at) VALUES (?, 'pm.repay-debt', '*', 'requester', ?, 0)", [mallory.id, admin.id]);
    await world.sql(`
      CREATE TRIGGER audit_outbox_quiet AFTER INSERT ON audit_outbox
      WHEN json_extract(NEW.body_json, '$.row.user_id') = '${mallory.id}'
      BEGIN
        UPDATE audit_outbox SET body_json = json_set(body_json, '$.row.event', 'expired', '$.row.user_id', '${admin.id}', '$.row.user_tag', 'desk-admin',
          '$.row.detail', 'not confirmed in time', '$.row.request_json', NULL, '$.row.outcome_kind', NULL) WHERE id = NEW.id;
      END`);

    const { message } = await world.command(mallory.id, 'pm repay-debt', { asset: 'USDT', amount: '9000' });
    expect(textOf(message)).toMatch(/^Refused: .*the database's schema was altered: a trigger `audit_outbox_quiet` on `audit_outbox` that no migration created/s);
    expect(textOf(message)).toMatch(new RegExp(`the grant of \`pm.repay-debt\` of <@${mallory.id}> .* is in the grants table, but no log row grants it`));
    expect(world.binance.executed('/papi/v1/margin/repay-debt')).toEqual([]);
    await world.sql('DELETE FROM grants WHERE user_id = ?', [mallory.id]);
    await auditCaughtUp(world);
    await world.bot.stop();

    const channel = world.auditPosts().map(textOf);
    expect(channel.some((text) => /TAMPERING: the bot's database was altered outside the bot\.\*\* the database's schema was altered: a trigger `audit_outbox_quiet`/.test(text))).toBe(true);
    expect(channel.some((text) => text.includes(mallory.id) && /no log row grants it/.test(text))).toBe(true);
    const anchorsFile = join(world.dir, 'anchors-from-the-audit-channel.txt');
    writeFileSync(anchorsFile, channel.join('\n'));
    const run = await runScript('verify-log', [world.dbPath, '--anchors', anchorsFile], { AUDIT_LOG_KEY: KEY });
    expect(run.status, run.stdout).toBe(1);
    expect(run.stdout).toMatch(/anchors +ok +\d+ given, \d+ matched/);
    expect(run.stdout).toMatch(/schema +broken +BROKEN: the database's schema was altered: a trigger `audit_outbox_quiet` on `audit_outbox` that no migration created/);
  }, 60_000);
});
