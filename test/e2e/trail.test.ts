// The insider-proof trail, end to end against the real bot process: each test
// is an attack made by someone with write access to the database file (or by
// someone without any grant), and checks what Discord showed (the audit
// channel included), what Binance received and what the log holds.
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Database } from '../../src/store/database.ts';
import { textOf } from '../emulators/discord/index.ts';
import { runScript } from '../support/build.ts';
import { cutTail, forgeChainFrom, withoutTriggers } from '../support/tamper.ts';
import { actionIdOf, auditCaughtUp, isSettled, postedSeqs, postsSince, requestAndConfirm, settle } from './support.ts';
import { AUDIT_CHANNEL_ID, CHANNEL_ID, USERS, World } from './world.ts';

const { admin, mallory } = USERS;
const KEY = 'e2e-audit-log-key-0000000000000000000000000001';

describe('an insider rewrites a pending action, the audit channel goes down, a stranger floods the bot (AUDIT_CHANNEL_ID set)', () => {
  let world: World;
  beforeAll(async () => {
    world = await World.start({ audit: true });
  }, 60_000);
  afterAll(async () => {
    await world?.close();
  });

  test('the 0.01 BTC repay rewritten to a market BUY of 100 BTC: nothing reaches Binance, a tamper row, the audit post', async () => {
    const { message: confirmation } = await world.command(admin.id, 'pm repay-debt', { asset: 'BTC', amount: '0.01' });
    expect(textOf(confirmation)).toMatch(/repay-debt\nasset=BTC\namount=0\.01\n/);
    const actionId = actionIdOf(confirmation);
    // The insider, with the file: the request becomes an order, everything else stays.
    await world.sql(
      `UPDATE pending_actions SET request_json = json_set(request_json, '$.path', '/papi/v1/um/order',
         '$.params', json('[["symbol","BTCUSDT"],["side","BUY"],["type","MARKET"],["quantity","100"]]')) WHERE id = ?`,
      [actionId],
    );
    const since = Date.now();
    const click = world.discord.clickLabel(admin.id, confirmation.id, 'Confirm');
    await world.discord.acknowledged(click);
    const shown = await world.discord.settled(click, isSettled, 'the click’s answer');
    expect(textOf(shown)).toMatch(/does not match what was requested and logged.*Nothing was sent/s);

    await settle(300);
    expect(postsSince(world, since)).toEqual([]);
    expect(world.binance.requests.filter((request) => request.path === '/papi/v1/um/order' || request.path === '/papi/v1/margin/repay-debt')).toEqual([]);
    const rows = (await world.log()).filter((row) => row.action_id === actionId);
    expect(rows.map((row) => row.event)).toEqual(['requested', 'tamper']);
    expect(rows[1]).toMatchObject({ user_id: admin.id, action_key: 'pm.repay-debt' });
    expect(rows[1]?.detail).toContain('request: stored POST /papi/v1/um/order symbol=BTCUSDT&side=BUY&type=MARKET&quantity=100, logged and rebuilt POST /papi/v1/margin/repay-debt asset=BTC&amount=0.01');
    const [state] = await world.rows<{ state: string }>('SELECT state FROM pending_actions WHERE id = ?', [actionId]);
    expect(state?.state).toBe('cancelled');

    const post = await world.discord.waitFor(() => world.auditPosts().find((message) => /TAMPERING/.test(textOf(message))), 'the audit post of the tamper row');
    expect(textOf(post)).toMatch(new RegExp(`^\\*\\*#${rows[1]?.seq}\\*\\* 🚨 \\*\\*TAMPERING\\*\\* · \`pm.repay-debt\` · by <@${admin.id}>`));
    expect(textOf(post)).toContain('/papi/v1/um/order');
    // Announced there, not in the desk's channel (the audit channel is where announcements go).
    expect(world.discord.channelMessages(CHANNEL_ID).filter((message) => /TAMPERING/.test(textOf(message)))).toEqual([]);
  });

  test('the audit channel unavailable for a while (Send Messages taken away): nothing is lost, every event arrives once, in order', async () => {
    const before = await auditCaughtUp(world);
    world.discord.refusePosts(AUDIT_CHANNEL_ID);
    await requestAndConfirm(world, admin.id, 'futures margin-type', { symbol: 'ETHUSDT', 'margin-type': 'ISOLATED' });
    await world.command(admin.id, 'access grant', { user: USERS.bob.id, action: 'audit.read' });
    await requestAndConfirm(world, admin.id, 'pm repay-negative-balance');
    await world.bot.waitForLine((line) => line.message.startsWith('the audit channel refused a post'));
    const { message: status } = await world.command(admin.id, 'status');
    expect(textOf(status)).toMatch(new RegExp(`Audit channel <#${AUDIT_CHANNEL_ID}>: \\*\\*\\d+ waiting\\*\\*, the oldest for \\d+ s; last error: 50013 Missing Permissions \\(HTTP 403\\)`));
    const waiting = (await world.log()).length - before.length;
    expect(waiting).toBeGreaterThanOrEqual(8);
    expect(postedSeqs(world.auditPosts())).toEqual(before);

    world.discord.acceptPosts(AUDIT_CHANNEL_ID);
    const logged = await auditCaughtUp(world, 40_000);
    const posted = postedSeqs(world.auditPosts());
    expect(posted).toEqual(logged);
    // The root admin's grant is announced in the audit channel, as the row it wrote, and not in the desk's channel.
    expect(world.auditPosts().map(textOf)).toContainEqual(
      expect.stringMatching(new RegExp(`🔐 \\*\\*access: grant\\*\\* · \`audit.read\` · by <@${admin.id}> \\(desk-admin\\)\\ngrant \`audit.read\` to <@${USERS.bob.id}> as requester`)),
    );
    expect(world.discord.channelMessages(CHANNEL_ID).filter((message) => /Access changed/.test(textOf(message)))).toEqual([]);
    const { message: after } = await world.command(admin.id, 'status');
    expect(textOf(after)).toContain(`Audit channel <#${AUDIT_CHANNEL_ID}>: every event posted`);
    expect(textOf(after)).toContain('Log chain NOT keyed');
  }, 60_000);

  test('30 invalid inputs and 10 refused commands: answered each time, the log grows by counters only, nothing is posted', async () => {
    await auditCaughtUp(world);
    const rowsBefore = (await world.log()).length;
    const postsBefore = world.auditPosts().length;
    const answers = await Promise.all([
      ...Array.from({ length: 30 }, (_, i) => world.command(mallory.id, 'pm repay-debt', { asset: 'BTC', amount: `=cmd|' /C calc'!A${i}` })),
      ...Array.from({ length: 10 }, () => world.command(mallory.id, 'pm repay-negative-balance')),
    ]);
    expect(answers.filter(({ message }) => /invalid options/.test(textOf(message)))).toHaveLength(30);
    expect(answers.filter(({ message }) => /^Refused: you have not been granted/.test(textOf(message)))).toHaveLength(10);
    await settle(1_500); // the counters are written within a second

    expect((await world.log()).length).toBe(rowsBefore);
    const counts = await world.rows<{ user_id: string; kind: string; count: number }>('SELECT user_id, kind, SUM(count) AS count FROM refusal_counts GROUP BY user_id, kind ORDER BY kind');
    expect(counts).toEqual([
      { user_id: mallory.id, kind: 'invalid', count: 30 },
      { user_id: mallory.id, kind: 'refused', count: 10 },
    ]);
    expect(JSON.stringify(await world.rows('SELECT * FROM refusal_counts'))).not.toContain('calc');
    expect(world.auditPosts()).toHaveLength(postsBefore);

    const { message: status } = await world.command(admin.id, 'status');
    expect(textOf(status)).toContain(`Turned down, people without a grant (last hour; counted, not logged): 40 from 1 person: <@${mallory.id}> 40 (30 invalid)`);
  });
});

/** A copy of the stopped bot's database, attacked by `attack` (with a plain connection, as an insider would). */
async function attackedCopy(world: World, name: string, attack?: (db: Database) => Promise<void>): Promise<string> {
  const copy = join(world.dir, `${name}.sqlite`);
  copyFileSync(world.dbPath, copy);
  if (attack !== undefined) {
    const db = await Database.open(copy);
    try {
      await attack(db);
    } finally {
      await db.close();
    }
  }
  return copy;
}

/**
 * A session through the bot with the audit channel (a restart in the middle),
 * then the bot stopped; the anchors collected from the channel's posts, copied
 * whole (the words around each anchor included) into a file.
 */
async function sessionWithAnchors(world: World): Promise<{ anchorsFile: string; restartAnchor: number; head: number }> {
  await requestAndConfirm(world, admin.id, 'futures margin-type', { symbol: 'BTCUSDT', 'margin-type': 'ISOLATED' });
  await world.command(admin.id, 'access grant', { user: USERS.alice.id, action: 'futures.margin-type' });
  await world.restart();
  await requestAndConfirm(world, USERS.alice.id, 'futures margin-type', { symbol: 'ETHUSDT', 'margin-type': 'ISOLATED' });
  await requestAndConfirm(world, admin.id, 'pm repay-negative-balance');
  await world.bot.stop();
  const text = world.auditPosts().map(textOf).join('\n');
  const anchorsFile = join(world.dir, 'anchors-from-the-audit-channel.txt');
  writeFileSync(anchorsFile, text);
  const anchors = [...text.matchAll(/`(\d+) [0-9a-f]{64}`/g)].map((match) => Number(match[1]));
  const head = (await world.log()).at(-1)?.seq ?? 0;
  // Anchored: the start-ups, the shutdown before the restart, and the final shutdown (the head).
  expect(anchors.at(-1)).toBe(head);
  const restartAnchor = anchors.filter((seq) => seq < head).at(-1) ?? 0;
  expect(restartAnchor).toBeGreaterThan(2);
  return { anchorsFile, restartAnchor, head };
}

describe('a log anchored outside the database: anchors taken from the audit channel’s posts (keyed chain)', () => {
  let world: World;
  let session: { anchorsFile: string; restartAnchor: number; head: number };
  beforeAll(async () => {
    world = await World.start({ audit: true, env: { AUDIT_LOG_KEY: KEY } });
    session = await sessionWithAnchors(world);
  }, 90_000);
  afterAll(async () => {
    await world?.close();
  });
  const verify = (path: string) => runScript('verify-log', [path, '--anchors', session.anchorsFile], { AUDIT_LOG_KEY: KEY });

  test('the untouched copy passes, every anchor matched', async () => {
    const run = await verify(await attackedCopy(world, 'untouched'));
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`anchors +ok +(\\d+) given, \\1 matched; the latest anchors row ${session.head}`));
    expect(run.stdout).toMatch(/access +ok +1 grants, 0 policies, not frozen/);
  });

  test('a truncated tail (triggers dropped and re-created, sqlite_sequence rewritten) is caught, naming the first missing row', async () => {
    const cutAt = session.head - 2;
    const run = await verify(await attackedCopy(world, 'truncated', (db) => withoutTriggers(db, () => cutTail(db, cutAt, { rewriteSequence: true }))));
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/chain +ok/);
    expect(run.stdout).toContain(`row ${session.head} was anchored but the log ends at row ${cutAt - 1}`);
    expect(run.stdout).toContain(`the first row that cannot be trusted is row ${cutAt}.`);
  });

  test('a row edited and every later hash recomputed without the key is caught at that row', async () => {
    const edited = session.restartAnchor + 1;
    const run = await verify(await attackedCopy(world, 'recomputed', (db) => withoutTriggers(db, () => forgeChainFrom(db, edited, { detail: 'nothing happened' }, 'sha256'))));
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`chain +broken +BROKEN at row ${edited}: it is hashed with sha256 after rows hashed with hmac-sha256`));
    expect(run.stdout).toContain(`row ${session.head} does not have the anchored hash: a row from ${edited} to ${session.head} was rewritten`);
    expect(run.stdout).toContain(`the first row that cannot be trusted is row ${edited}.`);
  });

  test('a grant inserted by SQL is caught: the log does not explain it', async () => {
    const run = await verify(
      await attackedCopy(world, 'granted', (db) =>
        db.run("INSERT INTO grants (user_id, action_key, account, role, granted_by, granted_at) VALUES (?, 'pm-pro.bankruptcy-repay', '*', 'requester', ?, 0)", [mallory.id, admin.id]).then(() => undefined),
      ),
    );
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/chain +ok/);
    expect(run.stdout).toContain(`access   broken     BROKEN: the grants, policies or freeze do not match the log: the grant of \`pm-pro.bankruptcy-repay\` of <@${mallory.id}> (requester, no caps) is in the grants table, but no log row grants it`);
    expect(run.stdout).toContain('Action log BROKEN: the tables of who may do what (grants, policies, the freeze) are not what the log explains');
  });
});

describe('a log anchored outside the database (unkeyed chain: only the anchors catch a recomputed chain)', () => {
  let world: World;
  let session: { anchorsFile: string; restartAnchor: number; head: number };
  beforeAll(async () => {
    world = await World.start({ audit: true });
    session = await sessionWithAnchors(world);
  }, 90_000);
  afterAll(async () => {
    await world?.close();
  });
  const verify = (path: string) => runScript('verify-log', [path, '--anchors', session.anchorsFile], {});

  test('the untouched copy passes; a row edited and the whole chain after it recomputed fools the chain but not the anchors', async () => {
    expect((await verify(await attackedCopy(world, 'untouched'))).status).toBe(0);
    const edited = session.restartAnchor + 1;
    const run = await verify(await attackedCopy(world, 'recomputed', (db) => withoutTriggers(db, () => forgeChainFrom(db, edited, { detail: 'nothing happened' }, 'sha256'))));
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/chain +ok/);
    expect(run.stdout).toContain(`row ${session.head} does not have the anchored hash: a row from ${edited} to ${session.head} was rewritten`);
    expect(run.stdout).toContain(`the first row that cannot be trusted is row ${edited}.`);
  });

  test('a truncated tail is caught the same way', async () => {
    const cutAt = session.head - 1;
    const run = await verify(await attackedCopy(world, 'truncated', (db) => withoutTriggers(db, () => cutTail(db, cutAt, { rewriteSequence: true }))));
    expect(run.status).toBe(1);
    expect(run.stdout).toContain(`the first row that cannot be trusted is row ${cutAt}.`);
  });
});

describe('rate limits that hold under pressure, end to end', () => {
  let world: World;
  beforeAll(async () => {
    world = await World.start();
  }, 60_000);
  afterAll(async () => {
    await world?.close();
  });

  test('10 concurrent Confirm clicks against room for 8: at most 8 reach Binance, the others are refused before sending, no 429', async () => {
    // One minute's window for the whole test: Binance's counters (and the bot's) start again each minute.
    const left = 60_000 - (world.binance.serverNow() % 60_000);
    if (left < 25_000) await settle(left + 250);
    // Other clients spent the window: 2386 of fapi's 2400. The bot learns it from the first read of the next
    // confirmation (symbolConfig, 5: 2391), which also stops its other reads (above their share); its POST makes 2392.
    world.binance.setUsed('fapi', 'x-mbx-used-weight-1m', 2386);
    const first = await requestAndConfirm(world, admin.id, 'futures margin-type', { symbol: 'BTCUSDT', 'margin-type': 'CROSSED' });
    expect(textOf(first.outcome)).not.toContain('Not sent');
    const symbols = ['BTCUSDT', 'ETHUSDT', 'BNBUSDT', 'SOLUSDT', 'XRPUSDT'];
    const confirmations = await Promise.all(
      symbols.flatMap((symbol) => ['ISOLATED', 'CROSSED'].map((marginType) => world.command(admin.id, 'futures margin-type', { symbol, 'margin-type': marginType }))),
    );
    const since = Date.now();
    const clicks = confirmations.map(({ message }) => world.discord.clickLabel(admin.id, message.id, 'Confirm'));
    const outcomes = await Promise.all(clicks.map((click) => world.discord.settled(click, isSettled, 'an outcome', 15_000)));

    const sent = postsSince(world, since).filter((request) => request.path === '/fapi/v1/marginType');
    expect(sent.length).toBeLessThanOrEqual(8);
    expect(sent.length).toBeGreaterThanOrEqual(7); // 8, unless the bot's own clock sync spent one
    expect(sent.filter((request) => request.status === 429 || request.status === 418)).toEqual([]);
    const refused = outcomes.filter((message) => /Not sent/.test(textOf(message)));
    expect(refused).toHaveLength(10 - sent.length);
    for (const message of refused) expect(textOf(message)).toMatch(/x-mbx-used-weight-1m is at \d+ of 2400; this call adds 1/);
    const rows = (await world.log()).filter((row) => row.event === 'outcome' && row.at_ms >= since);
    expect(rows.filter((row) => row.outcome_kind === 'rate-limited' && row.http_status === null)).toHaveLength(10 - sent.length);
    expect(world.binance.used('fapi', 'x-mbx-used-weight-1m')).toBeLessThanOrEqual(2400);
  }, 90_000);
});
