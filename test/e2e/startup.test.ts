// Start-up failures: the bot stops at once, says why in one message, and
// never prints a secret or a stack trace.
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { Secret } from '../../src/secret.ts';
import { openStore } from '../../src/store/index.ts';
import { DiscordEmulator } from '../emulators/discord/index.ts';
import { spawnScript } from '../support/build.ts';
import { API_SECRET, APP_ID, CHANNEL_ID, GUILD_ID, USERS } from './world.ts';

const dir = mkdtempSync(join(tmpdir(), 'startup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the start command (async: the local Discord lives in this process and must keep answering). */
async function start(env: Record<string, string>): Promise<{ status: number | null; output: string; ms: number }> {
  const started = Date.now();
  // The cwd is an empty folder, so no .env is read.
  const child = spawnScript('start', [], { env, cwd: dir });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const [status] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { status, output, ms: Date.now() - started };
}

test('an empty environment: exit 2 within seconds, naming every missing variable, no stack trace', async () => {
  const run = await start({});
  expect(run.status).toBe(2);
  expect(run.ms).toBeLessThan(5_000);
  for (const name of ['DISCORD_TOKEN', 'DISCORD_CLIENT_ID', 'BOT_ADMIN_IDS', 'BINANCE_API_KEY']) expect(run.output).toContain(name);
  expect(run.output).not.toMatch(/\n\s+at /);
});

test('a token Discord refuses: exit 1 with a clear line, and the token is not printed', async () => {
  const discord = await DiscordEmulator.start({ token: 'the-right-token', applicationId: APP_ID, guildId: GUILD_ID, channelId: CHANNEL_ID, users: [USERS.admin] });
  try {
    const wrongToken = 'MTAwMDAwMDAwMDAwMDAwMDk5.wrong.token-that-must-not-be-printed';
    const run = await start({
      DISCORD_TOKEN: wrongToken,
      DISCORD_CLIENT_ID: APP_ID,
      DISCORD_API_URL: discord.apiUrl,
      BOT_ADMIN_IDS: USERS.admin.id,
      BINANCE_API_KEY: 'k'.repeat(64),
      BINANCE_API_SECRET: API_SECRET,
      // Nothing listens here: start-up must not hang on Binance either.
      BINANCE_SAPI_URL: 'http://127.0.0.1:9',
      BINANCE_PAPI_URL: 'http://127.0.0.1:9',
      BINANCE_FAPI_URL: 'http://127.0.0.1:9',
      DATABASE_PATH: join(dir, 'bot.sqlite'),
    });
    expect(run.status).toBe(1);
    const { output } = run;
    expect(output).toMatch(/start-up failed/);
    expect(output).not.toContain(wrongToken);
    expect(output).not.toContain(API_SECRET);
  } finally {
    await discord.close();
  }
});

test('a keyed action log and no AUDIT_LOG_KEY, or another key: exit 1 before writing a row, the key not printed', async () => {
  const key = 'audit-log-key-of-the-running-desk-000000000001';
  const path = join(dir, 'keyed.sqlite');
  const store = await openStore(path, { auditLogKey: new Secret(key) });
  await store.log.append({ event: 'requested', detail: 'written under the key' });
  await store.close();
  const env = {
    DISCORD_TOKEN: 'MTAwMDAwMDAwMDAwMDAwMDk5.never.used-because-start-up-stops-first',
    DISCORD_CLIENT_ID: APP_ID,
    BOT_ADMIN_IDS: USERS.admin.id,
    BINANCE_API_KEY: 'k'.repeat(64),
    BINANCE_API_SECRET: API_SECRET,
    DATABASE_PATH: path,
  };
  const withoutKey = await start(env);
  expect(withoutKey.status).toBe(1);
  expect(withoutKey.output).toMatch(/start-up failed.*the action log is keyed \(row 1 was written with AUDIT_LOG_KEY\), but AUDIT_LOG_KEY is not set/s);
  const otherKey = 'a-different-key-than-the-desk-uses-00000000001';
  const wrongKey = await start({ ...env, AUDIT_LOG_KEY: otherKey });
  expect(wrongKey.status).toBe(1);
  expect(wrongKey.output).toMatch(/AUDIT_LOG_KEY does not verify the newest row of the action log \(row 1\)/);
  expect(wrongKey.output).not.toContain(otherKey);
  const reopened = await openStore(path, { auditLogKey: new Secret(key) });
  expect(await reopened.log.verify()).toEqual({ ok: true, rows: 1, lastSeq: 1 });
  await reopened.close();
});
