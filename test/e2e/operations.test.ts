// Running it unattended: `npm run health` against the real bot process (live,
// gateway lost and back, killed), and `npm run backup` taken during a burst of
// actions, verified, restored, and a bot started on it. The operator scripts
// run as their npm scripts do, on the built dist/.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { HEARTBEAT_STALE_MS } from '../../src/actions/service.ts';
import { Database } from '../../src/store/index.ts';
import { textOf } from '../emulators/discord/index.ts';
import { runScript } from '../support/build.ts';
import { BotProcess } from './bot-process.ts';
import { isSettled, requestAndConfirm } from './support.ts';
import { USERS, World } from './world.ts';

const { admin } = USERS;
let world: World | undefined;

afterEach(async () => {
  await world?.close();
  world = undefined;
});

const health = (dbPath: string) => runScript('health', [], { DATABASE_PATH: dbPath });

/** Runs `npm run health` until `done` says so; returns that run and when it came. */
async function healthUntil(dbPath: string, done: (run: Awaited<ReturnType<typeof health>>) => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await health(dbPath);
    if (done(run)) return { run, at: Date.now() };
    if (Date.now() > deadline)
      throw new Error(`health never changed: last answer ${run.status}: ${run.stdout}${run.stderr}\n${world?.bot.output.slice(-4000)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('npm run health', () => {
  test('0 for a live bot; 1 naming the gateway while Discord is unreachable, 0 again once it is back', async () => {
    world = await World.start();
    const live = await health(world.dbPath);
    expect(live.stderr).toBe('');
    expect(live.status).toBe(0);
    expect(live.stdout).toMatch(/^healthy: \S+ beat \d+\.\d s ago; Discord gateway connected for \d+\.\d s \(Ready, ping -?\d+ ms\)\.\n$/);

    world.discord.dropGateway();
    const down = await healthUntil(world.dbPath, (run) => run.status !== 0, 6_000);
    expect(down.run.status).toBe(1);
    expect(down.run.stdout).toBe('');
    expect(down.run.stderr).toMatch(/^unhealthy: \S+ is running \(beat \d+\.\d s ago\) but its Discord gateway is disconnected \(\w+\) for \d+\.\d s\.\n$/);

    world.discord.restoreGateway();
    // discord.js retries on its own schedule (every half second or so, longer after a failed handshake).
    const back = await healthUntil(world.dbPath, (run) => run.status === 0, 20_000);
    expect(back.run.stdout).toMatch(/^healthy: /);
    expect(world.discord.gateway.identified).toBe(2);
  }, 60_000);

  test('non-zero within the heartbeat window after kill -9, saying the process stopped without a clean shutdown', async () => {
    world = await World.start();
    expect((await health(world.dbPath)).status).toBe(0);
    await world.bot.kill();
    const killedAt = Date.now();
    const dead = await healthUntil(world.dbPath, (run) => run.status !== 0, HEARTBEAT_STALE_MS + 5_000);
    expect(dead.run.status).toBe(1);
    expect(dead.run.stderr).toMatch(
      /^unhealthy: no bot process has beaten in the last 10\.0 s on .*, which stopped without a clean shutdown \(crashed, killed or hung\)\.\n$/,
    );
    // The last beat came before the kill, so the window ends at most 10 s after it (plus one health run's polling).
    expect(dead.at - killedAt).toBeLessThanOrEqual(HEARTBEAT_STALE_MS + 1_500);
  }, 60_000);
});

describe('npm run backup', () => {
  test('a backup taken during a burst of actions verifies, restores, and a bot starts on it and goes on', async () => {
    world = await World.start();
    const w = world;
    const count = async () => (await w.rows<{ n: number }>('SELECT COUNT(*) AS n FROM action_log'))[0]?.n ?? 0;
    let backupDone = false;
    const symbols = ['BTCUSDT', 'ETHUSDT', 'BNBUSDT', 'SOLUSDT'];
    // Four lanes of request → Confirm → Binance → outcome, until the backup has finished.
    const lane = async (symbol: string) => {
      let actions = 0;
      for (let round = 0; !backupDone || actions === 0; round += 1) {
        const { outcome } = await requestAndConfirm(w, admin.id, 'futures margin-type', { symbol, 'margin-type': round % 2 === 0 ? 'ISOLATED' : 'CROSSED' });
        expect(isSettled(outcome)).toBe(true);
        actions += 1;
      }
      return actions;
    };
    const lanes = symbols.map((symbol) => lane(symbol));
    await w.discord.waitFor(() => w.binance.requests.filter((request) => request.method === 'POST').length >= 4, 'the burst to reach Binance');

    const rowsAtLaunch = await count();
    const target = join(w.dir, 'backups', 'bot-mid-burst.sqlite');
    const made = await runScript('backup', [target], { DATABASE_PATH: w.dbPath });
    backupDone = true;
    const actions = await Promise.all(lanes);
    const rowsAfter = await count();
    expect(made.stderr).toBe('');
    expect(made.status).toBe(0);
    const backupRows = Number(/action log intact, (\d+) rows/.exec(made.stdout)?.[1]);
    expect(rowsAfter).toBeGreaterThan(rowsAtLaunch);
    expect(backupRows).toBeGreaterThanOrEqual(rowsAtLaunch);
    expect(backupRows).toBeLessThanOrEqual(rowsAfter);
    expect(actions.every((done) => done >= 1)).toBe(true);

    // The copy is one committed state: every claimed action's 'confirmed' row came with its claim.
    const copy = await Database.openReadOnly(target);
    try {
      const unclaimed = await copy.all(
        `SELECT log.action_id FROM action_log log JOIN pending_actions action ON action.id = log.action_id
          WHERE log.event = 'confirmed' AND action.state = 'pending'`,
      );
      expect(unclaimed).toEqual([]);
    } finally {
      await copy.close();
    }
    const verified = await runScript('verify-log', [target], {});
    expect(verified.status, verified.stderr).toBe(0);
    expect(verified.stdout).toMatch(new RegExp(`\\n  chain +ok +${backupRows} rows \\(1 to ${backupRows}\\)`));
    expect(verified.stdout).toMatch(/\nAction log intact: every check passed\.\n$/);

    // Restore: stop the bot, put the copy in place of the database, start the bot on it.
    await w.bot.stop();
    const restored = join(w.dir, 'restored', 'bot.sqlite');
    mkdirSync(join(w.dir, 'restored'));
    copyFileSync(target, restored);
    w.bot = await BotProcess.start({ ...w.env, DATABASE_PATH: restored }, w.dir);
    expect((await healthUntil(restored, (run) => run.status === 0, 5_000)).run.stdout).toMatch(/^healthy: /);
    const after = await requestAndConfirm(w, admin.id, 'futures margin-type', { symbol: 'XRPUSDT', 'margin-type': 'ISOLATED' });
    expect(textOf(after.outcome)).toMatch(/^✅/);
    const chain = await runScript('verify-log', [restored], {});
    expect(chain.status, chain.stderr).toBe(0);
    const rows = Number(/\n {2}chain +ok +(\d+) rows/.exec(chain.stdout)?.[1]);
    expect(rows).toBeGreaterThan(backupRows);
  }, 90_000);
});
