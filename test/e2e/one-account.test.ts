// A one-account desk (`main` alone), through the real bot: the `account`
// options are there all the same (the contract: a command or script written
// with `account:main`, or an `/access grant … account:*`, runs on every desk).
// `account:main` runs and is signed with main's key; `account:*` grants on
// every account; an account the bot does not have is refused as invalid
// input, naming the accounts it has, and nothing is stored or sent.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { textOf } from '../emulators/discord/index.ts';
import { postsSince, requestAndConfirm, shownConfirmation } from './support.ts';
import { API_KEY, GUILD_ID, USERS, World } from './world.ts';

const { admin, alice } = USERS;

let world: World;
beforeAll(async () => {
  world = await World.start();
});
afterAll(async () => {
  await world?.close();
});

/** The option JSON Discord holds for /command subcommand. */
function registeredOptions(command: string, subcommand: string): Array<{ name: string; required?: boolean; autocomplete?: boolean; choices?: Array<{ value: string }> }> {
  const definition = world.discord.commands.get(GUILD_ID)?.find((candidate) => candidate.name === command) as
    | { options?: Array<{ name: string; options?: unknown[] }> }
    | undefined;
  return (definition?.options?.find((option) => option.name === subcommand)?.options ?? []) as ReturnType<typeof registeredOptions>;
}

describe('one account (main alone): the account options are there, and hold', () => {
  test('every money-moving command registers `account` (optional, suggested); /access and /audit theirs', () => {
    for (const [command, subcommand] of [
      ['pm', 'repay-debt'],
      ['pm', 'repay-negative-balance'],
      ['pm-pro', 'auto-repay-futures'],
      ['pm-pro', 'bankruptcy-repay'],
      ['futures', 'margin-type'],
    ] as const) {
      expect(registeredOptions(command, subcommand).find((option) => option.name === 'account'), `/${command} ${subcommand}`).toMatchObject({
        required: false,
        autocomplete: true,
      });
    }
    for (const subcommand of ['grant', 'revoke', 'policy']) {
      expect(registeredOptions('access', subcommand).find((option) => option.name === 'account')?.choices?.map((choice) => choice.value)).toEqual(['*', 'main']);
    }
    expect(registeredOptions('audit', 'recent').map((option) => option.name)).toContain('account');
  });

  test('suggests main as the account, to someone who holds the action', async () => {
    const typed = world.discord.autocomplete(admin.id, 'pm repay-debt', { asset: 'BTC', account: '' }, 'account');
    await world.discord.waitFor(() => typed.choices, 'the account suggestions');
    expect(typed.choices?.map((choice) => choice.value)).toEqual(['main']);
  });

  test('accepts `account:main` on a command: confirmed, sent once, signed with main’s key', async () => {
    const since = Date.now();
    const repay = await requestAndConfirm(world, admin.id, 'pm repay-debt', { asset: 'BTC', amount: '0.1', account: 'main' });
    expect(textOf(shownConfirmation(repay.confirmation))).toContain('Account: **main**');
    expect(textOf(repay.outcome)).toMatch(/^✅ Done: \/pm repay-debt/);
    expect(postsSince(world, since).map((request) => [request.path, request.apiKey, request.signatureValid])).toEqual([['/papi/v1/margin/repay-debt', API_KEY, true]]);
  });

  test('accepts `/access grant … account:*`: the grant holds on main', async () => {
    const granted = await world.command(admin.id, 'access grant', { user: alice.id, action: 'futures.margin-type', account: '*' });
    expect(textOf(granted.message)).toMatch(/^Done: grant `futures\.margin-type` to <@\d+>/);
    const since = Date.now();
    const margin = await requestAndConfirm(world, alice.id, 'futures margin-type', { symbol: 'BTCUSDT', 'margin-type': 'ISOLATED', account: 'main' });
    expect(textOf(margin.outcome)).toMatch(/^✅ Done: \/futures margin-type/);
    expect(postsSince(world, since).map((request) => [request.path, request.apiKey])).toEqual([['/fapi/v1/marginType', API_KEY]]);
  });

  test('refuses `account:nope` as invalid input naming the accounts it has, in the reader’s language; nothing is stored or sent', async () => {
    const since = Date.now();
    const before = (await world.log()).length;
    const { message } = await world.command(admin.id, 'pm repay-debt', { asset: 'BTC', amount: '0.1', account: 'nope' });
    expect(textOf(message)).toBe("Nothing was sent: the command has invalid options.\n• `account` `nope` is not one of this bot's accounts: main");
    expect(message.components ?? []).toEqual([]);
    const { message: chinese } = await world.command(admin.id, 'futures margin-type', { symbol: 'BTCUSDT', 'margin-type': 'CROSSED', account: 'nope' }, { locale: 'zh-CN' });
    expect(textOf(chinese)).toBe('未发送任何请求：命令的选项无效。\n• `account` `nope` 不是本机器人的账户：main');
    expect(postsSince(world, since)).toEqual([]);
    // Two `invalid` rows, in English, and no request stored.
    const rows = (await world.log()).slice(before);
    expect(rows.map((row) => row.event)).toEqual(['invalid', 'invalid']);
    expect(rows[0]?.detail).toBe("• `account` `nope` is not one of this bot's accounts: main");
  });
});
