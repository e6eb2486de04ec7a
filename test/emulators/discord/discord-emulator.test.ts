// The local Discord checked with an unmodified discord.js Client in this
// process: it logs in, and the emulator refuses what Discord refuses, with
// Discord's codes. (The bot's own scenarios are in test/e2e.)
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Client, DiscordAPIError, Events, GatewayIntentBits, Routes, type ChatInputCommandInteraction, type Interaction } from 'discord.js';
import { DiscordEmulator, textOf, type InteractionRecord } from './index.ts';

const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.test.emulator-token';
const APP = '123456789012345678';
const GUILD = '223456789012345678';
const CHANNEL = '323456789012345678';
const AUDIT = '323456789012345679';
const USER = { id: '423456789012345678', username: 'trader' };

let emulator: DiscordEmulator;
let client: Client;
let handler: (interaction: ChatInputCommandInteraction) => Promise<unknown> = async () => undefined;

const ping = { name: 'ping', description: 'Replies', options: [{ type: 3, name: 'text', description: 'What to say', required: false }] };

beforeAll(async () => {
  emulator = await DiscordEmulator.start({ token: TOKEN, applicationId: APP, guildId: GUILD, channelId: CHANNEL, auditChannelId: AUDIT, users: [USER], heartbeatIntervalMs: 200 });
  client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: emulator.apiUrl } });
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(TOKEN);
  await ready;
  await client.rest.put(Routes.applicationGuildCommands(APP, GUILD), { body: [ping] });
});

afterAll(async () => {
  await client?.destroy();
  await emulator?.close();
});

/** Runs `/ping` through the gateway and returns what the handler returned or threw. */
async function run(body: (interaction: ChatInputCommandInteraction) => Promise<unknown>): Promise<{ record: InteractionRecord; result: unknown }> {
  let settle: (value: unknown) => void = () => undefined;
  const done = new Promise((resolve) => (settle = resolve));
  handler = (interaction) => body(interaction).then(settle, settle);
  client.removeAllListeners(Events.InteractionCreate);
  client.on(Events.InteractionCreate, (interaction: Interaction) => {
    if (interaction.isChatInputCommand()) void handler(interaction);
  });
  const record = emulator.slash(USER.id, 'ping', { text: 'hi' });
  return { record, result: await done };
}

function codeOf(result: unknown): number | undefined {
  return result instanceof DiscordAPIError ? Number(result.code) : undefined;
}

describe('the gateway', () => {
  test('READY and GUILD_CREATE reach the client; heartbeats are acknowledged', async () => {
    expect(client.user?.id).toBe(APP);
    expect(client.guilds.cache.get(GUILD)?.channels.cache.has(CHANNEL)).toBe(true);
    await emulator.waitFor(() => emulator.gateway.heartbeats >= 2, 'two heartbeats', 3_000);
    expect(client.ws.ping).toBeGreaterThanOrEqual(0);
  });

  test('a wrong token is refused', async () => {
    const intruder = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: emulator.apiUrl } });
    await expect(intruder.login('wrong-token')).rejects.toThrow();
    await intruder.destroy();
  });

  test('slash options arrive typed, in their subcommand', async () => {
    const { record, result } = await run(async (interaction) => interaction.options.getString('text'));
    expect(result).toBe('hi');
    expect(record.payload.type).toBe(2);
    expect(() => emulator.slash(USER.id, 'ping', { nope: 'x' })).toThrow(/unknown option/);
    expect(() => emulator.slash(USER.id, 'pong')).toThrow(/not registered/);
  });
});

describe('two bot processes on one token', () => {
  test('each interaction goes to the gateway session the test picks (the first by default)', async () => {
    const second = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: emulator.apiUrl } });
    const ready = new Promise<void>((resolve) => second.once(Events.ClientReady, () => resolve()));
    await second.login(TOKEN);
    await ready;
    try {
      expect(emulator.connectedSessions).toBe(2);
      const seen: string[] = [];
      client.removeAllListeners(Events.InteractionCreate);
      client.on(Events.InteractionCreate, (interaction) => void seen.push(`first:${interaction.id}`));
      second.on(Events.InteractionCreate, (interaction) => void seen.push(`second:${interaction.id}`));
      const toSecond = emulator.slash(USER.id, 'ping', {}, { session: 1 });
      const toFirst = emulator.slash(USER.id, 'ping');
      await emulator.waitFor(() => seen.length === 2, 'both interactions');
      expect(seen.sort()).toEqual([`first:${toFirst.id}`, `second:${toSecond.id}`].sort());
      expect(() => emulator.slash(USER.id, 'ping', {}, { session: 2 })).toThrow(/no gateway session 2: 2 connected/);
    } finally {
      await second.destroy();
    }
  });
});

describe("Discord's rules", () => {
  test('the first answer after 3 s: 404 Unknown interaction (10062)', async () => {
    const { record, result } = await run(async (interaction) => {
      emulator.advanceClock(3_001);
      return interaction.reply('too late').catch((error: unknown) => error);
    });
    expect(codeOf(result)).toBe(10062);
    expect(record.callbacks).toEqual([]);
    expect(record.rejected[0]).toMatchObject({ status: 404, code: 10062 });
  });

  test('a second acknowledgement: 400 (40060)', async () => {
    const { result } = await run(async (interaction) => {
      const route = Routes.interactionCallback(interaction.id, interaction.token);
      await client.rest.post(route, { body: { type: 4, data: { content: 'one' } }, auth: false });
      return client.rest.post(route, { body: { type: 5 }, auth: false }).catch((error: unknown) => error);
    });
    expect(codeOf(result)).toBe(40060);
  });

  test('a follow-up after the 15-minute token life fails (50027)', async () => {
    const { result } = await run(async (interaction) => {
      await interaction.reply('now');
      emulator.advanceClock(15 * 60_000 + 1);
      return interaction.followUp('much later').catch((error: unknown) => error);
    });
    expect(codeOf(result)).toBe(50027);
  });

  const tooBig: ReadonlyArray<[string, Record<string, unknown>]> = [
    ['content over 2000', { content: 'x'.repeat(2001) }],
    ['an embed description over 4096', { embeds: [{ description: 'x'.repeat(4097) }] }],
    ['embeds over 6000 in total', { embeds: [{ description: 'x'.repeat(4000) }, { description: 'x'.repeat(2001) }] }],
    ['26 embed fields', { embeds: [{ fields: Array.from({ length: 26 }, (_, i) => ({ name: `f${i}`, value: 'v' })) }] }],
    ['a custom_id over 100', { components: [{ type: 1, components: [{ type: 2, style: 1, label: 'x', custom_id: 'x'.repeat(101) }] }] }],
    ['six action rows', { components: Array.from({ length: 6 }, (_, i) => ({ type: 1, components: [{ type: 2, style: 1, label: 'x', custom_id: `b${i}` }] })) }],
    ['six buttons in a row', { components: [{ type: 1, components: Array.from({ length: 6 }, (_, i) => ({ type: 2, style: 1, label: 'x', custom_id: `b${i}` })) }] }],
    ['two buttons with one custom_id', { components: [{ type: 1, components: [0, 1].map(() => ({ type: 2, style: 1, label: 'x', custom_id: 'same' })) }] }],
  ];
  for (const [what, data] of tooBig) {
    test(`${what}: 400 Invalid Form Body (50035)`, async () => {
      const { record, result } = await run(async (interaction) =>
        client.rest.post(Routes.interactionCallback(interaction.id, interaction.token), { body: { type: 4, data }, auth: false }).catch((error: unknown) => error),
      );
      expect(codeOf(result)).toBe(50035);
      expect(JSON.stringify((result as DiscordAPIError).rawError)).toMatch(/_errors/);
      expect(record.callbacks).toEqual([]);
    });
  }

  test('an empty message: 400 (50006)', async () => {
    const { result } = await run(async (interaction) =>
      client.rest.post(Routes.interactionCallback(interaction.id, interaction.token), { body: { type: 4, data: { content: '' } }, auth: false }).catch((error: unknown) => error),
    );
    expect(codeOf(result)).toBe(50006);
  });

  const badCommands: ReadonlyArray<[string, unknown]> = [
    ['an upper-case name', { name: 'Ping', description: 'd' }],
    ['a name with a space', { name: 'two words', description: 'd' }],
    ['a description over 100', { name: 'long', description: 'x'.repeat(101) }],
    ['an empty description', { name: 'empty', description: '' }],
    ['26 options', { name: 'many', description: 'd', options: Array.from({ length: 26 }, (_, i) => ({ type: 3, name: `o${i}`, description: 'd' })) }],
    ['a required option after an optional one', { name: 'order', description: 'd', options: [{ type: 3, name: 'a', description: 'd' }, { type: 3, name: 'b', description: 'd', required: true }] }],
    ['26 choices', { name: 'choices', description: 'd', options: [{ type: 3, name: 'c', description: 'd', choices: Array.from({ length: 26 }, (_, i) => ({ name: `n${i}`, value: `v${i}` })) }] }],
  ];
  for (const [what, command] of badCommands) {
    test(`a command with ${what}: 400 (50035), nothing registered`, async () => {
      const before = emulator.commands.get(GUILD);
      const result = await client.rest.put(Routes.applicationGuildCommands(APP, GUILD), { body: [ping, command] }).catch((error: unknown) => error);
      expect(codeOf(result)).toBe(50035);
      expect(emulator.commands.get(GUILD)).toBe(before);
    });
  }

  test('autocomplete with 26 choices: 400 (50035)', async () => {
    await client.rest.put(Routes.applicationGuildCommands(APP, GUILD), {
      body: [ping, { name: 'pick', description: 'd', options: [{ type: 3, name: 'what', description: 'd', autocomplete: true }] }],
    });
    let result: unknown;
    const answered = new Promise<void>((resolve) => {
      client.removeAllListeners(Events.InteractionCreate);
      client.on(Events.InteractionCreate, (interaction) => {
        if (!interaction.isAutocomplete()) return;
        const choices = Array.from({ length: 26 }, (_, i) => ({ name: `n${i}`, value: `v${i}` }));
        void client.rest
          .post(Routes.interactionCallback(interaction.id, interaction.token), { body: { type: 8, data: { choices } }, auth: false })
          .catch((error: unknown) => (result = error))
          .finally(resolve);
      });
    });
    const record = emulator.autocomplete(USER.id, 'pick', { what: 'v' }, 'what');
    await answered;
    expect(codeOf(result)).toBe(50035);
    expect(record.choices).toBeUndefined();
    await client.rest.put(Routes.applicationGuildCommands(APP, GUILD), { body: [ping] });
  });
});

describe('message state', () => {
  test('attachments arrive through multipart; edits keep a history', async () => {
    const { record } = await run(async (interaction) => {
      await interaction.reply({ content: 'report', files: [{ attachment: Buffer.from('a,b\n1,2\n'), name: 'report.csv' }] });
      await interaction.editReply({ content: 'report (edited)' });
    });
    const message = emulator.original(record);
    expect(message?.attachments.map((attachment) => [attachment.filename, attachment.data.toString()])).toEqual([['report.csv', 'a,b\n1,2\n']]);
    expect(message?.versions.map((version) => version.content)).toEqual(['report', 'report (edited)']);
    expect(textOf(message ?? { at: 0, content: '', embeds: [], components: [] })).toBe('report (edited)');
  });

  test('a channel message can be posted, read and edited by the bot', async () => {
    const channel = await client.channels.fetch(CHANNEL);
    if (channel === null || !channel.isSendable()) throw new Error('channel not sendable');
    const sent = await channel.send({ content: 'hello', components: [{ type: 1, components: [{ type: 2, style: 1, label: 'Go', custom_id: 'go' }] }] });
    await sent.edit({ content: 'hello again' });
    const stored = emulator.messages.get(sent.id);
    expect(stored?.versions.map((version) => version.content)).toEqual(['hello', 'hello again']);
    expect(stored?.visibleTo).toBeUndefined();
    // A user can click its button; the click carries the message.
    let clickedOn: string | undefined;
    const clicked = new Promise<void>((resolve) => {
      client.removeAllListeners(Events.InteractionCreate);
      client.on(Events.InteractionCreate, (interaction) => {
        if (!interaction.isButton()) return;
        clickedOn = interaction.message.id;
        void interaction.deferUpdate().then(() => resolve());
      });
    });
    const click = emulator.clickLabel(USER.id, sent.id, 'Go');
    await clicked;
    expect(clickedOn).toBe(sent.id);
    expect(click.callbacks.map((callback) => callback.type)).toEqual([6]);
  });
});

describe('the audit channel: a second channel, nonces, refusals', () => {
  test('is a channel of the desk’s guild the bot sees', () => {
    expect(client.guilds.cache.get(GUILD)?.channels.cache.get(AUDIT)?.name).toBe('audit');
  });

  test('enforce_nonce: a post repeated with the same nonce returns the first message and creates none (as Discord documents); without it, two', async () => {
    const body = { content: '#1 requested', nonce: 'n0nce-0123456789abcdefgh', enforce_nonce: true };
    const first = (await client.rest.post(Routes.channelMessages(AUDIT), { body })) as { id: string; nonce?: string };
    const again = (await client.rest.post(Routes.channelMessages(AUDIT), { body })) as { id: string };
    expect(again.id).toBe(first.id);
    expect(first.nonce).toBe(body.nonce);
    expect(emulator.channelMessages(AUDIT).filter((message) => message.content === '#1 requested')).toHaveLength(1);

    const loose = { content: '#2 requested', nonce: 'another-nonce' };
    await client.rest.post(Routes.channelMessages(AUDIT), { body: loose });
    await client.rest.post(Routes.channelMessages(AUDIT), { body: loose });
    expect(emulator.channelMessages(AUDIT).filter((message) => message.content === '#2 requested')).toHaveLength(2);
  });

  test('remembers a nonce for a few minutes only', async () => {
    const body = { content: '#3 requested', nonce: 'nonce-for-minutes', enforce_nonce: true };
    const first = (await client.rest.post(Routes.channelMessages(AUDIT), { body })) as { id: string };
    emulator.advanceClock(6 * 60_000);
    const later = (await client.rest.post(Routes.channelMessages(AUDIT), { body })) as { id: string };
    expect(later.id).not.toBe(first.id);
    emulator.advanceClock(-6 * 60_000);
  });

  test('refuses a nonce longer than 25 characters with 50035', async () => {
    const result = await client.rest.post(Routes.channelMessages(AUDIT), { body: { content: 'x', nonce: 'n'.repeat(26), enforce_nonce: true } }).catch((error: unknown) => error);
    expect(codeOf(result)).toBe(50035);
  });

  test('refuses posts in one channel for a while: 50013 Missing Permissions, or a 503; the other channel keeps working', async () => {
    emulator.refusePosts(AUDIT);
    const refused = await client.rest.post(Routes.channelMessages(AUDIT), { body: { content: 'while refused' } }).catch((error: unknown) => error);
    expect(codeOf(refused)).toBe(50013);
    expect((await client.rest.post(Routes.channelMessages(CHANNEL), { body: { content: 'desk channel' } })) as { id: string }).toHaveProperty('id');
    emulator.refusePosts(AUDIT, 'server-error');
    const direct = await fetch(`${emulator.apiUrl}/v10/channels/${AUDIT}/messages`, {
      method: 'POST',
      headers: { authorization: `Bot ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'while down' }),
    });
    expect(direct.status).toBe(503);
    emulator.acceptPosts(AUDIT);
    await client.rest.post(Routes.channelMessages(AUDIT), { body: { content: 'after' } });
    expect(emulator.channelMessages(AUDIT).map((message) => message.content)).not.toContain('while refused');
    expect(emulator.channelMessages(AUDIT).map((message) => message.content)).toContain('after');
  });
});
