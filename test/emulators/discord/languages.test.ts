// The local Discord's languages, checked with an unmodified discord.js Client:
// it refuses a command over Discord's 8,000-character budget (counting the
// longest localization of each field) and a localization that breaks a
// field's own rule, with Discord's error shape; it lists localizations only
// when asked; and interactions carry the user's `locale` and the guild's
// `guild_locale`, as a test chooses.
import { Client, DiscordAPIError, Events, GatewayIntentBits, Routes, type Interaction } from 'discord.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DiscordEmulator } from './index.ts';
import { commandSize, COMMAND_SIZE_LIMIT } from './rules.ts';

const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc5.test.languages-token';
const APP = '123456789012345679';
const GUILD = '223456789012345679';
const CHANNEL = '323456789012345670';
const EN = { id: '423456789012345671', username: 'trader' };
const ZH = { id: '423456789012345672', username: 'jiaoyiyuan', locale: 'zh-CN' };

let emulator: DiscordEmulator;
let client: Client;

const ping = {
  name: 'ping',
  description: 'Replies',
  description_localizations: { 'en-US': 'Replies', 'zh-CN': '回复' },
  options: [
    {
      type: 3,
      name: 'side',
      description: 'Which side',
      description_localizations: { 'zh-CN': '哪一边' },
      required: false,
      choices: [{ name: 'ISOLATED', name_localizations: { 'zh-CN': 'ISOLATED（逐仓）' }, value: 'ISOLATED' }],
    },
  ],
};

beforeAll(async () => {
  emulator = await DiscordEmulator.start({
    token: TOKEN,
    applicationId: APP,
    guildId: GUILD,
    channelId: CHANNEL,
    users: [EN, ZH],
    guildLocale: 'zh-CN',
    heartbeatIntervalMs: 200,
  });
  client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: emulator.apiUrl } });
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(TOKEN);
  await ready;
});

afterAll(async () => {
  await client?.destroy();
  await emulator?.close();
});

/** 25 subcommands of 3 options: 101 descriptions of 60 English characters, and of 100 Chinese ones when `chinese`. */
function wide(chinese: boolean) {
  const described = () => ({ description: 'x'.repeat(60), ...(chinese ? { description_localizations: { 'zh-CN': '字'.repeat(100) } } : {}) });
  const options = (count: number) => Array.from({ length: count }, (_, index) => ({ type: 3, name: `o${index}`, ...described() }));
  return {
    name: 'big',
    ...described(),
    options: Array.from({ length: 25 }, (_, index) => ({ type: 1, name: `s${index}`, ...described(), options: options(3) })),
  };
}

async function register(commands: unknown[]): Promise<unknown> {
  return client.rest.put(Routes.applicationGuildCommands(APP, GUILD), { body: commands }).catch((error: unknown) => error);
}

describe('registering localized commands', () => {
  test('a command within 8,000 characters is registered with its localizations', async () => {
    expect(await register([ping])).toBeInstanceOf(Array);
    const listed = (await client.rest.get(Routes.applicationGuildCommands(APP, GUILD), {
      query: new URLSearchParams({ with_localizations: 'true' }),
    })) as Array<typeof ping>;
    expect(listed[0]?.description_localizations).toEqual(ping.description_localizations);
    expect(listed[0]?.options[0]?.choices[0]?.name_localizations).toEqual({ 'zh-CN': 'ISOLATED（逐仓）' });
  });

  test('lists the localization maps only when asked with_localizations, as Discord does', async () => {
    const plain = (await client.rest.get(Routes.applicationGuildCommands(APP, GUILD))) as Array<Record<string, unknown>>;
    expect(plain[0]).not.toHaveProperty('description_localizations');
    expect(JSON.stringify(plain)).not.toContain('逐仓');
  });

  test('counts the longest localization of each field: English that fits, made too large by its Chinese, is refused 400 APPLICATION_COMMAND_TOO_LARGE', async () => {
    expect(commandSize(wide(false))).toBeLessThanOrEqual(COMMAND_SIZE_LIMIT);
    expect(commandSize(wide(true))).toBeGreaterThan(COMMAND_SIZE_LIMIT);
    expect(await register([wide(false)])).toBeInstanceOf(Array);
    const registered = emulator.commands.get(GUILD);
    const result = await register([ping, wide(true)]);
    expect(result).toBeInstanceOf(DiscordAPIError);
    expect((result as DiscordAPIError).status).toBe(400);
    expect((result as DiscordAPIError).rawError).toEqual({
      code: 50035,
      message: 'Invalid Form Body',
      errors: { 1: { _errors: [{ code: 'APPLICATION_COMMAND_TOO_LARGE', message: `Command exceeds maximum size (${COMMAND_SIZE_LIMIT})` }] } },
    });
    expect(emulator.commands.get(GUILD)).toBe(registered);
    await register([ping]);
  });

  const badLocalizations: ReadonlyArray<[string, unknown, RegExp]> = [
    [
      'a description localization over 100 characters',
      { ...ping, description_localizations: { 'zh-CN': '字'.repeat(101) } },
      /"description_localizations":\{"zh-CN":\{"_errors":\[\{"code":"BASE_TYPE_BAD_LENGTH"/,
    ],
    ['an empty description localization', { ...ping, description_localizations: { 'zh-CN': '' } }, /BASE_TYPE_BAD_LENGTH/],
    ['a locale Discord does not have', { ...ping, description_localizations: { zh: '回复' } }, /"zh":\{"_errors":\[\{"code":"BASE_TYPE_CHOICES"/],
    ['a locale written with an underscore', { ...ping, description_localizations: { zh_CN: '回复' } }, /"zh_CN":\{"_errors":\[\{"code":"BASE_TYPE_CHOICES"/],
    [
      'an option name localization with a space',
      { ...ping, options: [{ ...ping.options[0], name_localizations: { 'zh-CN': '哪 一边' } }] },
      /APPLICATION_COMMAND_INVALID_NAME/,
    ],
    [
      'a choice label localization over 100 characters',
      { ...ping, options: [{ ...ping.options[0], choices: [{ name: 'ISOLATED', name_localizations: { 'zh-CN': '逐'.repeat(101) }, value: 'ISOLATED' }] }] },
      /"choices":\{"0":\{"name_localizations":\{"zh-CN":\{"_errors":\[\{"code":"BASE_TYPE_BAD_LENGTH"/,
    ],
  ];
  for (const [what, command, error] of badLocalizations) {
    test(`${what}: 400 (50035) naming the field, nothing registered`, async () => {
      const before = emulator.commands.get(GUILD);
      const result = await register([command]);
      expect(result).toBeInstanceOf(DiscordAPIError);
      expect(Number((result as DiscordAPIError).code)).toBe(50035);
      expect(JSON.stringify((result as DiscordAPIError).rawError)).toMatch(error);
      expect(emulator.commands.get(GUILD)).toBe(before);
    });
  }
});

describe('the languages an interaction carries', () => {
  async function received(send: () => void): Promise<Interaction> {
    const arrived = new Promise<Interaction>((resolve) => client.once(Events.InteractionCreate, resolve));
    send();
    return arrived;
  }

  test("the user's locale (en-US unless their client says otherwise) and the guild's guild_locale", async () => {
    const english = await received(() => emulator.slash(EN.id, 'ping'));
    expect([english.locale, english.guildLocale]).toEqual(['en-US', 'zh-CN']);
    const chinese = await received(() => emulator.slash(ZH.id, 'ping'));
    expect([chinese.locale, chinese.guildLocale]).toEqual(['zh-CN', 'zh-CN']);
  });

  test('a test can choose both for one interaction, a click included', async () => {
    const chosen = await received(() => emulator.slash(EN.id, 'ping', {}, { locale: 'zh-CN', guildLocale: 'de' }));
    expect([chosen.locale, chosen.guildLocale]).toEqual(['zh-CN', 'de']);
    const record = emulator.interactions.get(chosen.id);
    expect(record?.payload).toMatchObject({ locale: 'zh-CN', guild_locale: 'de' });
    if (!chosen.isChatInputCommand()) throw new Error('expected a slash command');
    await chosen.reply({ content: 'ok', components: [{ type: 1, components: [{ type: 2, style: 2, label: 'Go', custom_id: 'go' }] }] });
    const message = await emulator.waitFor(() => (record === undefined ? undefined : emulator.original(record)), 'the reply');
    const click = await received(() => emulator.clickLabel(EN.id, message.id, 'Go', { locale: 'ja' }));
    expect(click.locale).toBe('ja');
  });
});
