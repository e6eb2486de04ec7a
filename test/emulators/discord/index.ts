// A local Discord for tests, the demo and the benchmark: the REST API (under
// `<url>/api/v10`, reached through DISCORD_API_URL) and the WebSocket gateway,
// enough for an unmodified discord.js Client to log in, sync its commands and
// answer interactions. A test plays the users: it types slash commands, clicks
// buttons on the messages the bot created, and asks for autocomplete.
//
// It keeps every message's state, records every REST call, and enforces
// Discord's documented rules so that bugs show up as they would in Discord:
// 10062 for a first answer after 3 s, 40060 for a second acknowledgement,
// 50035 for an invalid command, component, message or autocomplete answer,
// 50027 for a webhook call after the token's 15 minutes, 401 for a bad token,
// and APPLICATION_COMMAND_TOO_LARGE for a command over 8,000 characters (its
// longest localizations counted). Interactions carry the user's `locale` and
// the guild's `guild_locale` (en-US unless a test chooses), and the command
// list comes with its localizations only when asked `with_localizations`.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { checkAutocomplete, checkCommands, checkMessage, invalidFormBody, type FieldError } from './rules.ts';

export interface EmulatedUser {
  readonly id: string;
  readonly username: string;
  /** The language of the user's Discord client, sent as every interaction's `locale` (default en-US). */
  readonly locale?: string;
}

export interface DiscordEmulatorOptions {
  readonly token: string;
  readonly applicationId: string;
  readonly guildId: string;
  readonly channelId: string;
  /** A second channel in the desk's guild, for the audit channel (AUDIT_CHANNEL_ID). */
  readonly auditChannelId?: string;
  /** How long Discord remembers a message nonce for enforce_nonce ("the past few minutes"). */
  readonly nonceWindowMs?: number;
  /** The people in the guild (the bot is added by itself). */
  readonly users: readonly EmulatedUser[];
  /** Other guilds the bot is in (to test refusals). */
  readonly otherGuilds?: ReadonlyArray<{ readonly guildId: string; readonly channelId: string }>;
  /** The guild's preferred locale, sent as `guild_locale` (default en-US). */
  readonly guildLocale?: string;
  readonly heartbeatIntervalMs?: number;
  /** Discord's 3 s window for the first answer to an interaction. */
  readonly ackDeadlineMs?: number;
  /** An interaction token's life (15 min in Discord). */
  readonly tokenLifetimeMs?: number;
}

export interface Attachment {
  readonly id: string;
  readonly filename: string;
  readonly size: number;
  readonly contentType: string;
  readonly data: Buffer;
}

export interface MessageVersion {
  readonly at: number;
  readonly content: string;
  readonly embeds: readonly Json[];
  readonly components: readonly Json[];
}

export interface EmulatedMessage {
  readonly id: string;
  readonly channelId: string;
  readonly guildId: string | undefined;
  /** Set for an interaction's answer (its original message or a follow-up). */
  readonly interactionId: string | undefined;
  /** Ephemeral messages are seen (and clicked) only by this user. */
  readonly visibleTo: string | undefined;
  readonly createdAt: number;
  editedAt: number | undefined;
  content: string;
  embeds: Json[];
  components: Json[];
  attachments: Attachment[];
  flags: number;
  /** The nonce it was created with, if any. */
  readonly nonce: string | undefined;
  /** Every state the message has had, the first included. */
  readonly versions: MessageVersion[];
}

export interface Callback {
  readonly type: number;
  readonly at: number;
  /** performance.now() when the callback arrived. */
  readonly hr: number;
  readonly data: Json;
}

export interface RejectedCall {
  readonly at: number;
  readonly status: number;
  readonly code: number;
  readonly message: string;
  readonly method: string;
  readonly path: string;
}

export interface InteractionRecord {
  readonly id: string;
  readonly token: string;
  readonly kind: 'command' | 'component' | 'autocomplete';
  readonly userId: string;
  readonly dispatchedAt: number;
  /** performance.now() just before INTERACTION_CREATE was written to the gateway socket. */
  dispatchedHr: number;
  /** The payload dispatched to the bot. */
  readonly payload: Json;
  /** Accepted acknowledgements (at most one, by Discord's rules). */
  readonly callbacks: Callback[];
  /** Answers Discord refused for this interaction (late, twice, invalid…). */
  readonly rejected: RejectedCall[];
  /** The message a clicked button was on. */
  readonly sourceMessageId: string | undefined;
  /** What `@original` refers to, once acknowledged. */
  originalMessageId: string | undefined;
  readonly followUpIds: string[];
  /** Autocomplete choices, once answered. */
  choices: Json[] | undefined;
}

export interface RecordedCall {
  readonly at: number;
  readonly method: string;
  /** Path under /api/v10, query excluded. */
  readonly path: string;
  readonly query: string;
  readonly body: unknown;
  readonly files: readonly string[];
  readonly authorized: boolean;
  status: number;
}

export type OptionInput = string | number | boolean;

export interface Place {
  readonly guildId?: string;
  readonly channelId?: string;
  /** A direct message to the bot instead of a guild channel. */
  readonly dm?: boolean;
  /**
   * Plays a client with a stale command list: the command may be one registered
   * for another guild (Discord would not offer it here; a bot must still refuse it).
   */
  readonly stale?: boolean;
  /**
   * Which connected gateway session receives the interaction, by the order they
   * identified (0, the default, is the first). With two bot processes on one
   * token, Discord delivers each interaction to one of them; a test picks which.
   */
  readonly session?: number;
  /** The `locale` of this interaction (else the user's, else en-US): what language the user's client is in. */
  readonly locale?: string;
  /** The `guild_locale` of this interaction (else the guild's). */
  readonly guildLocale?: string;
}

type Json = Record<string, unknown>;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Json,
  ) {
    super(String(body.message));
  }
}

const unknownInteraction = () => new HttpError(404, { code: 10062, message: 'Unknown interaction' });
const alreadyAcknowledged = () => new HttpError(400, { code: 40060, message: 'Interaction has already been acknowledged.' });
const unknownMessage = () => new HttpError(404, { code: 10008, message: 'Unknown Message' });
const unknownWebhook = () => new HttpError(404, { code: 10015, message: 'Unknown Webhook' });
const invalidToken = () => new HttpError(401, { code: 50027, message: 'Invalid Webhook Token' });
const unauthorized = () => new HttpError(401, { code: 0, message: '401: Unauthorized' });
const formError = (errors: readonly FieldError[]) => new HttpError(400, invalidFormBody(errors));

const EPHEMERAL = 1 << 6;
const LOADING = 1 << 7;
const DISCORD_EPOCH = 1_420_070_400_000n;
/** Every permission bit Discord's client would show for an owner. */
const ALL_PERMISSIONS = '2251799813685247';

const CALLBACK = { reply: 4, defer: 5, deferUpdate: 6, update: 7, autocomplete: 8 } as const;

export class DiscordEmulator {
  readonly calls: RecordedCall[] = [];
  readonly messages = new Map<string, EmulatedMessage>();
  readonly interactions = new Map<string, InteractionRecord>();
  /** Registered commands by scope: 'global' or a guild id. */
  readonly commands = new Map<string, Json[]>();
  /** The bot's permissions in the guild's channels; a test may take Send Messages away. */
  readonly permissions = { sendMessages: true };
  /** Channels whose new messages Discord refuses for now (see refusePosts), and how. */
  readonly #refusing = new Map<string, 'missing-permission' | 'server-error'>();
  /** Nonces of messages created with enforce_nonce, per channel: the message, and when. */
  readonly #nonces = new Map<string, { messageId: string; at: number }>();
  /** Gateway events: connections, identifies (with whether the token was right), heartbeats. */
  readonly gateway = { connections: 0, identified: 0, badTokens: 0, heartbeats: 0 };

  readonly #options: Required<Omit<DiscordEmulatorOptions, 'otherGuilds' | 'auditChannelId'>> & Pick<DiscordEmulatorOptions, 'otherGuilds' | 'auditChannelId'>;
  readonly #server: Server;
  readonly #wss: WebSocketServer;
  readonly #sockets = new Set<Socket>();
  readonly #sessions = new Set<{ socket: WebSocket; seq: number }>();
  readonly #users = new Map<string, EmulatedUser>();
  #gatewayDown = false;
  #clockOffsetMs = 0;
  #snowflakeCounter = 0n;

  private constructor(options: DiscordEmulatorOptions) {
    this.#options = { heartbeatIntervalMs: 41_250, ackDeadlineMs: 3_000, tokenLifetimeMs: 15 * 60_000, nonceWindowMs: 5 * 60_000, guildLocale: 'en-US', ...options };
    for (const user of options.users) this.#users.set(user.id, user);
    this.#users.set(options.applicationId, { id: options.applicationId, username: 'desk-bot' });
    this.#server = createServer((request, response) => void this.#handle(request, response));
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    this.#wss = new WebSocketServer({ noServer: true });
    this.#server.on('upgrade', (request, socket, head) => {
      if (this.#gatewayDown) return socket.destroy();
      this.#wss.handleUpgrade(request, socket, head, (ws) => this.#gatewaySession(ws));
    });
  }

  static async start(options: DiscordEmulatorOptions, port = 0): Promise<DiscordEmulator> {
    const emulator = new DiscordEmulator(options);
    await new Promise<void>((resolve) => emulator.#server.listen(port, '127.0.0.1', resolve));
    return emulator;
  }

  get #base(): string {
    const { port } = this.#server.address() as AddressInfo;
    return `127.0.0.1:${port}`;
  }

  /** The value for DISCORD_API_URL (discord.js appends /v10). */
  get apiUrl(): string {
    return `http://${this.#base}/api`;
  }

  /** Discord's clock: the local clock, moved by advanceClock(). */
  now(): number {
    return Date.now() + this.#clockOffsetMs;
  }

  /** Moves Discord's clock forward (e.g. past a token's 15 minutes). */
  advanceClock(ms: number): void {
    this.#clockOffsetMs += ms;
  }

  get connectedSessions(): number {
    return this.#sessions.size;
  }

  /** Discord's gateway unreachable: every session is cut and new connections fail until restoreGateway(). REST keeps working. */
  dropGateway(): void {
    this.#gatewayDown = true;
    for (const client of this.#wss.clients) client.terminate();
  }

  restoreGateway(): void {
    this.#gatewayDown = false;
  }

  /**
   * New messages in `channelId` are refused until acceptPosts(): 403 50013
   * Missing Permissions (Send Messages taken away in that channel), or a 503
   * (Discord having trouble). Edits and interaction answers are unaffected.
   */
  refusePosts(channelId: string, how: 'missing-permission' | 'server-error' = 'missing-permission'): void {
    this.#refusing.set(channelId, how);
  }

  acceptPosts(channelId: string): void {
    this.#refusing.delete(channelId);
  }

  /** The messages posted in a channel (not interaction answers), oldest first. */
  channelMessages(channelId: string): EmulatedMessage[] {
    return [...this.messages.values()].filter((message) => message.channelId === channelId && message.interactionId === undefined);
  }

  /** Forgets recorded calls, messages and interactions (registered commands stay). */
  reset(): void {
    this.calls.length = 0;
    this.messages.clear();
    this.interactions.clear();
    this.#nonces.clear();
    this.#clockOffsetMs = 0;
  }

  async close(): Promise<void> {
    for (const client of this.#wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  // ------------------------------------------------------------ the users' side

  /**
   * A user runs a slash command, e.g. slash(id, 'pm repay-debt', { asset: 'BTC' }).
   * Options are typed from the registered definition, as Discord's client does;
   * a missing required option, an unknown name or a value outside the choices
   * throws (Discord's client would not let the user send it).
   */
  slash(userId: string, command: string, options: Readonly<Record<string, OptionInput>> = {}, place: Place = {}): InteractionRecord {
    return this.#commandInteraction('command', userId, command, options, undefined, place);
  }

  /** A user types into an autocompleted option; the bot's choices land in `record.choices`. */
  autocomplete(userId: string, command: string, options: Readonly<Record<string, OptionInput>>, focused: string, place: Place = {}): InteractionRecord {
    return this.#commandInteraction('autocomplete', userId, command, options, focused, place);
  }

  /**
   * A user clicks a button. Discord's client only lets a user click an enabled
   * button on a message they can see; `forged: true` skips those checks, to play
   * a crafted or stale client.
   */
  click(userId: string, messageId: string, customId: string, options: { forged?: boolean; session?: number; locale?: string } = {}): InteractionRecord {
    const message = this.messages.get(messageId);
    if (message === undefined) throw new Error(`no message ${messageId}`);
    const button = buttonsOf(message).find((candidate) => candidate.customId === customId);
    if (options.forged !== true) {
      if (button === undefined) throw new Error(`message ${messageId} has no button ${customId}`);
      if (button.disabled) throw new Error(`the button ${button.label} is disabled`);
      if (message.visibleTo !== undefined && message.visibleTo !== userId) throw new Error(`user ${userId} cannot see ephemeral message ${messageId}`);
    }
    const place = { guildId: message.guildId ?? this.#options.guildId, channelId: message.channelId, ...(options.locale === undefined ? {} : { locale: options.locale }) };
    const record = this.#newInteraction(
      'component',
      userId,
      messageId,
      {
        type: 3,
        data: { custom_id: customId, component_type: 2 },
        message: this.#serialize(message),
        ...this.#placePayload(userId, place),
      },
      options.session,
    );
    return record;
  }

  /** Clicks the button labelled `label` on a message (e.g. 'Confirm'). */
  clickLabel(userId: string, messageId: string, label: string, options: { forged?: boolean; session?: number; locale?: string } = {}): InteractionRecord {
    const message = this.messages.get(messageId);
    const button = message === undefined ? undefined : buttonsOf(message).find((candidate) => candidate.label === label);
    if (button === undefined) throw new Error(`no button labelled ${label} on message ${messageId}`);
    return this.click(userId, messageId, button.customId, options);
  }

  /** The message an interaction's `@original` refers to. */
  original(record: InteractionRecord): EmulatedMessage | undefined {
    return record.originalMessageId === undefined ? undefined : this.messages.get(record.originalMessageId);
  }

  /** Waits for the interaction's first follow-up message (where a deferred click's refusal goes). */
  followUp(record: InteractionRecord, timeoutMs = 5_000): Promise<EmulatedMessage> {
    return this.waitFor(() => {
      const id = record.followUpIds[0];
      return id === undefined ? undefined : this.messages.get(id);
    }, () => `a follow-up to interaction ${record.id} (Discord refused: ${JSON.stringify(record.rejected)})`, timeoutMs);
  }

  /** Waits until `probe` returns something other than undefined/false. */
  async waitFor<T>(probe: () => T | undefined | false, what: string | (() => string), timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value !== undefined && value !== false) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }

  /** Waits for the interaction's first accepted acknowledgement. */
  acknowledged(record: InteractionRecord, timeoutMs = 5_000): Promise<Callback> {
    return this.waitFor(() => record.callbacks[0], () => `an acknowledgement of interaction ${record.id} (Discord refused: ${JSON.stringify(record.rejected)})`, timeoutMs);
  }

  /** Waits until the interaction's original message satisfies `done`, and returns it. */
  settled(record: InteractionRecord, done: (message: EmulatedMessage) => boolean, what = 'the message to settle', timeoutMs = 10_000): Promise<EmulatedMessage> {
    return this.waitFor(() => {
      const message = this.original(record);
      return message !== undefined && done(message) ? message : undefined;
    }, `${what} (interaction ${record.id})`, timeoutMs);
  }

  // ------------------------------------------------------------ interactions

  #commandInteraction(
    kind: 'command' | 'autocomplete',
    userId: string,
    command: string,
    options: Readonly<Record<string, OptionInput>>,
    focused: string | undefined,
    place: Place,
  ): InteractionRecord {
    const [name, ...path] = command.replace(/^\//, '').split(/\s+/);
    const guildId = place.dm === true ? undefined : (place.guildId ?? this.#options.guildId);
    const definition = this.#findCommand(name ?? '', guildId, place.stale === true);
    let level: Json = definition;
    const nesting: Json[] = [];
    for (const step of path) {
      const child = arrayOf(level.options).find((option) => option.name === step && (option.type === 1 || option.type === 2));
      if (child === undefined) throw new Error(`/${name} has no subcommand ${step}`);
      nesting.push(child);
      level = child;
    }
    const resolvedUsers: Json = {};
    const resolvedMembers: Json = {};
    const typed = this.#typeOptions(level, options, focused, kind === 'autocomplete', resolvedUsers, resolvedMembers);
    let tree: Json[] = typed;
    for (const step of [...nesting].reverse()) tree = [{ name: step.name, type: step.type, options: tree }];
    const data: Json = { id: definition.id, name: definition.name, type: 1, options: tree };
    if (guildId !== undefined && definition.guild_id !== undefined) data.guild_id = guildId;
    if (Object.keys(resolvedUsers).length > 0) data.resolved = { users: resolvedUsers, ...(place.dm === true ? {} : { members: resolvedMembers }) };
    return this.#newInteraction(kind, userId, undefined, { type: kind === 'command' ? 2 : 4, data, ...this.#placePayload(userId, place) }, place.session);
  }

  #findCommand(name: string, guildId: string | undefined, stale: boolean): Json {
    const scopes = stale ? [...this.commands.keys()] : guildId === undefined ? ['global'] : [guildId, 'global'];
    for (const scope of scopes) {
      const found = this.commands.get(scope)?.find((command) => command.name === name);
      if (found !== undefined) return found;
    }
    throw new Error(`/${name} is not registered${guildId === undefined ? ' globally' : ` for guild ${guildId} or globally`}`);
  }

  #typeOptions(
    level: Json,
    given: Readonly<Record<string, OptionInput>>,
    focused: string | undefined,
    partial: boolean,
    users: Json,
    members: Json,
  ): Json[] {
    const definitions = arrayOf(level.options);
    for (const key of Object.keys(given)) {
      if (!definitions.some((option) => option.name === key)) throw new Error(`unknown option ${key}; the command has ${definitions.map((o) => o.name).join(', ')}`);
    }
    const typed: Json[] = [];
    for (const option of definitions) {
      const name = String(option.name);
      const value = given[name];
      if (value === undefined) {
        if (option.required === true && !partial) throw new Error(`option ${name} is required`);
        continue;
      }
      const entry: Json = { name, type: option.type };
      if (name === focused) {
        entry.focused = true;
        entry.value = String(value);
        typed.push(entry);
        continue;
      }
      entry.value = this.#typeValue(option, value, users, members);
      typed.push(entry);
    }
    return typed;
  }

  #typeValue(option: Json, value: OptionInput, users: Json, members: Json): OptionInput {
    const name = String(option.name);
    const choices = arrayOf(option.choices);
    if (choices.length > 0 && !choices.some((choice) => choice.value === value)) {
      throw new Error(`option ${name}: ${JSON.stringify(value)} is not one of the choices ${choices.map((c) => JSON.stringify(c.value)).join(', ')}`);
    }
    switch (option.type) {
      case 3: {
        if (typeof value !== 'string') throw new Error(`option ${name} takes a string`);
        const length = [...value].length;
        if (typeof option.min_length === 'number' && length < option.min_length) throw new Error(`option ${name} needs at least ${option.min_length} characters`);
        if (typeof option.max_length === 'number' && length > option.max_length) throw new Error(`option ${name} takes at most ${option.max_length} characters`);
        return value;
      }
      case 4:
      case 10: {
        if (typeof value !== 'number' || (option.type === 4 && !Number.isInteger(value))) throw new Error(`option ${name} takes ${option.type === 4 ? 'an integer' : 'a number'}`);
        if (typeof option.min_value === 'number' && value < option.min_value) throw new Error(`option ${name} is at least ${option.min_value}`);
        if (typeof option.max_value === 'number' && value > option.max_value) throw new Error(`option ${name} is at most ${option.max_value}`);
        return value;
      }
      case 5:
        if (typeof value !== 'boolean') throw new Error(`option ${name} takes true or false`);
        return value;
      case 6: {
        const user = typeof value === 'string' ? this.#users.get(value) : undefined;
        if (user === undefined) throw new Error(`option ${name}: no user ${String(value)} in the guild`);
        users[user.id] = userPayload(user);
        members[user.id] = { roles: [], joined_at: new Date(0).toISOString(), permissions: ALL_PERMISSIONS, flags: 0, pending: false, deaf: false, mute: false };
        return user.id;
      }
      default:
        throw new Error(`option ${name}: type ${String(option.type)} is not emulated`);
    }
  }

  #placePayload(userId: string, place: Place): Json {
    const user: EmulatedUser = this.#users.get(userId) ?? { id: userId, username: `user${userId.slice(-4)}` };
    const locale = place.locale ?? user.locale ?? 'en-US';
    if (place.dm === true) {
      return {
        locale,
        user: userPayload(user),
        channel_id: `9${userId.slice(1)}`,
        channel: { id: `9${userId.slice(1)}`, type: 1, recipients: [userPayload(user)] },
        context: 1,
        authorizing_integration_owners: { '0': '0' },
      };
    }
    const guildId = place.guildId ?? this.#options.guildId;
    const channelId = place.channelId ?? this.#channelOf(guildId);
    return {
      locale,
      guild_id: guildId,
      channel_id: channelId,
      channel: { id: channelId, type: 0, guild_id: guildId, name: 'desk-ops', position: 0, permission_overwrites: [], nsfw: false, parent_id: null },
      member: {
        user: userPayload(user),
        roles: [],
        joined_at: new Date(0).toISOString(),
        permissions: ALL_PERMISSIONS,
        flags: 0,
        pending: false,
        deaf: false,
        mute: false,
        nick: null,
        avatar: null,
        premium_since: null,
        communication_disabled_until: null,
      },
      guild_locale: place.guildLocale ?? (guildId === this.#options.guildId ? this.#options.guildLocale : 'en-US'),
      context: 0,
      authorizing_integration_owners: { '0': guildId },
    };
  }

  #channelOf(guildId: string): string {
    if (guildId === this.#options.guildId) return this.#options.channelId;
    const other = this.#options.otherGuilds?.find((guild) => guild.guildId === guildId);
    if (other === undefined) throw new Error(`the bot is not in guild ${guildId}`);
    return other.channelId;
  }

  #newInteraction(kind: InteractionRecord['kind'], userId: string, sourceMessageId: string | undefined, fields: Json, session = 0): InteractionRecord {
    const id = this.#snowflake();
    const token = `aW50ZXJhY3Rpb246${id}.${randomBytes(24).toString('base64url')}`;
    const payload: Json = {
      id,
      application_id: this.#options.applicationId,
      token,
      version: 1,
      locale: 'en-US',
      app_permissions: ALL_PERMISSIONS,
      entitlements: [],
      attachment_size_limit: 10_485_760,
      ...fields,
    };
    const record: InteractionRecord = {
      id,
      token,
      kind,
      userId,
      dispatchedAt: this.now(),
      dispatchedHr: 0,
      payload,
      callbacks: [],
      rejected: [],
      sourceMessageId,
      originalMessageId: undefined,
      followUpIds: [],
      choices: undefined,
    };
    const target = this.#session(session);
    this.interactions.set(id, record);
    record.dispatchedHr = performance.now();
    this.#dispatch('INTERACTION_CREATE', payload, target);
    return record;
  }

  // ------------------------------------------------------------ gateway

  #session(index: number): { socket: WebSocket; seq: number } {
    const session = [...this.#sessions][index];
    if (session === undefined) {
      throw new Error(this.#sessions.size === 0 ? 'no bot is connected to the gateway' : `no gateway session ${index}: ${this.#sessions.size} connected`);
    }
    return session;
  }

  #dispatch(event: string, data: Json, session: { socket: WebSocket; seq: number }): void {
    session.seq += 1;
    session.socket.send(JSON.stringify({ op: 0, t: event, s: session.seq, d: data }));
  }

  #gatewaySession(socket: WebSocket): void {
    this.gateway.connections += 1;
    const session = { socket, seq: 0 };
    const send = (payload: Json) => socket.send(JSON.stringify(payload));
    send({ op: 10, d: { heartbeat_interval: this.#options.heartbeatIntervalMs }, s: null, t: null });
    socket.on('message', (raw: RawData) => {
      let frame: Json;
      try {
        frame = JSON.parse(raw.toString()) as Json;
      } catch {
        return socket.close(4002, 'Error while decoding payload.');
      }
      switch (frame.op) {
        case 1:
          this.gateway.heartbeats += 1;
          return send({ op: 11, d: null, s: null, t: null });
        case 2: {
          const d = (frame.d ?? {}) as Json;
          if (d.token !== this.#options.token) {
            this.gateway.badTokens += 1;
            return socket.close(4004, 'Authentication failed.');
          }
          this.gateway.identified += 1;
          this.#sessions.add(session);
          session.seq += 1;
          send({ op: 0, t: 'READY', s: session.seq, d: this.#readyPayload() });
          for (const guild of this.#guildPayloads()) {
            session.seq += 1;
            send({ op: 0, t: 'GUILD_CREATE', s: session.seq, d: guild });
          }
          return;
        }
        case 6:
          // No resumable sessions here: ask for a fresh IDENTIFY.
          return send({ op: 9, d: false, s: null, t: null });
        default:
          return;
      }
    });
    socket.on('close', () => this.#sessions.delete(session));
  }

  #botUser(): Json {
    return { id: this.#options.applicationId, username: 'desk-bot', discriminator: '0', global_name: null, avatar: null, bot: true, flags: 0 };
  }

  #readyPayload(): Json {
    return {
      v: 10,
      user: { ...this.#botUser(), verified: true, mfa_enabled: true },
      guilds: this.#guildIds().map((id) => ({ id, unavailable: true })),
      session_id: randomBytes(16).toString('hex'),
      resume_gateway_url: `ws://${this.#base}/gateway`,
      shard: [0, 1],
      application: { id: this.#options.applicationId, flags: 0 },
      private_channels: [],
      relationships: [],
      presences: [],
      user_settings: {},
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
    };
  }

  #guildIds(): string[] {
    return [this.#options.guildId, ...(this.#options.otherGuilds ?? []).map((guild) => guild.guildId)];
  }

  #guildPayloads(): Json[] {
    const guilds = [{ guildId: this.#options.guildId, channelId: this.#options.channelId }, ...(this.#options.otherGuilds ?? [])];
    const channel = (id: string, name: string, position: number) => ({ id, type: 0, name, position, permission_overwrites: [], nsfw: false, parent_id: null, topic: null, rate_limit_per_user: 0 });
    return guilds.map(({ guildId, channelId }) => ({
      id: guildId,
      name: guildId === this.#options.guildId ? 'Trading desk' : `Guild ${guildId}`,
      icon: null,
      owner_id: this.#options.users[0]?.id ?? this.#options.applicationId,
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      mfa_level: 0,
      nsfw_level: 0,
      premium_tier: 0,
      premium_progress_bar_enabled: false,
      preferred_locale: guildId === this.#options.guildId ? this.#options.guildLocale : 'en-US',
      features: [],
      emojis: [],
      stickers: [],
      roles: [{ id: guildId, name: '@everyone', permissions: ALL_PERMISSIONS, position: 0, color: 0, hoist: false, managed: false, mentionable: false, flags: 0 }],
      joined_at: new Date(0).toISOString(),
      large: false,
      unavailable: false,
      member_count: this.#users.size,
      voice_states: [],
      members: [{ user: this.#botUser(), roles: [], joined_at: new Date(0).toISOString(), deaf: false, mute: false, flags: 0 }],
      channels: [
        channel(channelId, 'desk-ops', 0),
        ...(guildId === this.#options.guildId && this.#options.auditChannelId !== undefined ? [channel(this.#options.auditChannelId, 'audit', 1)] : []),
      ],
      threads: [],
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
      system_channel_id: null,
    }));
  }

  // ------------------------------------------------------------ REST

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const arrivedHr = performance.now();
    const url = new URL(request.url ?? '/', `http://${this.#base}`);
    const method = request.method ?? 'GET';
    const raw = await readBody(request);
    const path = url.pathname.replace(/^\/api\/v10/, '');
    const authorized = request.headers.authorization === `Bot ${this.#options.token}`;
    const call: RecordedCall = { at: this.now(), method, path, query: url.search, body: undefined, files: [], authorized, status: 0 };
    this.calls.push(call);
    let status = 200;
    let body: unknown;
    try {
      const parsed = await parseBody(request.headers['content-type'], raw);
      (call as { body: unknown }).body = parsed.json;
      (call as { files: readonly string[] }).files = parsed.files.map((file) => file.filename);
      const result = this.#route(method, path, url.searchParams, parsed, authorized, arrivedHr);
      status = result.status;
      body = result.body;
    } catch (error) {
      if (!(error instanceof HttpError)) {
        status = 500;
        body = { code: 0, message: `emulator error: ${error instanceof Error ? error.message : String(error)}` };
      } else {
        status = error.status;
        body = error.body;
      }
      this.#noteRejected(path, method, status, body);
    }
    call.status = status;
    if (status === 204) {
      response.writeHead(204).end();
      return;
    }
    const text = JSON.stringify(body ?? {});
    response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
  }

  #noteRejected(path: string, method: string, status: number, body: unknown): void {
    const match = /^\/(?:interactions\/(\d+)\/|webhooks\/\d+\/)([^/]+)/.exec(path);
    if (match === null) return;
    const record = match[1] !== undefined ? this.interactions.get(match[1]) : [...this.interactions.values()].find((candidate) => candidate.token === match[2]);
    const { code, message } = (body ?? {}) as { code?: number; message?: string };
    record?.rejected.push({ at: this.now(), status, code: code ?? 0, message: message ?? '', method, path });
  }

  #route(method: string, path: string, query: URLSearchParams, parsed: ParsedBody, authorized: boolean, arrivedHr: number): { status: number; body?: unknown } {
    const parts = path.split('/').filter((part) => part.length > 0).map((part) => decodeURIComponent(part));
    const needAuth = () => {
      if (!authorized) throw unauthorized();
    };
    const route = `${method} /${parts.map((part, index) => (/^\d+$/.test(part) || (parts[index - 1] === 'interactions' || parts[index - 2] === 'interactions' || parts[index - 2] === 'webhooks') ? ':' : part)).join('/')}`;
    switch (route) {
      case 'GET /gateway':
        return { status: 200, body: { url: `ws://${this.#base}/gateway` } };
      case 'GET /gateway/bot':
        needAuth();
        return {
          status: 200,
          body: { url: `ws://${this.#base}/gateway`, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 86_400_000, max_concurrency: 1 } },
        };
      case 'GET /users/@me':
        needAuth();
        return { status: 200, body: this.#botUser() };
      case 'GET /applications/:/commands':
      case 'GET /applications/:/guilds/:/commands': {
        needAuth();
        const commands = this.commands.get(parts[3] ?? 'global') ?? [];
        // Without with_localizations Discord leaves the localization maps out of a command list.
        return { status: 200, body: query.get('with_localizations') === 'true' ? commands : commands.map(withoutLocalizations) };
      }
      case 'PUT /applications/:/commands':
      case 'PUT /applications/:/guilds/:/commands': {
        needAuth();
        const scope = parts.length === 5 ? (parts[3] ?? '') : 'global';
        if (parts[1] !== this.#options.applicationId) throw new HttpError(403, { code: 50001, message: 'Missing Access' });
        const errors = checkCommands(parsed.json);
        if (errors.length > 0) throw formError(errors);
        const saved = (parsed.json as Json[]).map((command) => ({
          id: this.#snowflake(),
          application_id: this.#options.applicationId,
          version: this.#snowflake(),
          type: 1,
          ...(scope === 'global' ? {} : { guild_id: scope }),
          ...command,
        }));
        this.commands.set(scope, saved);
        return { status: 200, body: saved };
      }
      case 'POST /interactions/:/:/callback':
        return this.#callback(parts[1] ?? '', parts[2] ?? '', parsed, query.get('with_response') === 'true', arrivedHr);
      case 'POST /webhooks/:/:':
        return { status: 200, body: this.#followUp(parts[2] ?? '', parsed) };
      case 'GET /webhooks/:/:/messages/:':
      case 'GET /webhooks/:/:/messages/@original':
        return { status: 200, body: this.#serialize(this.#webhookMessage(parts[2] ?? '', parts[4] ?? '')) };
      case 'PATCH /webhooks/:/:/messages/:':
      case 'PATCH /webhooks/:/:/messages/@original':
        return { status: 200, body: this.#serialize(this.#edit(this.#webhookMessage(parts[2] ?? '', parts[4] ?? ''), parsed)) };
      case 'DELETE /webhooks/:/:/messages/:':
      case 'DELETE /webhooks/:/:/messages/@original':
        this.messages.delete(this.#webhookMessage(parts[2] ?? '', parts[4] ?? '').id);
        return { status: 204 };
      case 'GET /channels/:': {
        needAuth();
        const guild = this.#guildOfChannel(parts[1] ?? '');
        const name = parts[1] === this.#options.auditChannelId ? 'audit' : 'desk-ops';
        return { status: 200, body: { id: parts[1], type: 0, guild_id: guild, name, position: 0, permission_overwrites: [], nsfw: false, parent_id: null } };
      }
      case 'POST /channels/:/messages': {
        needAuth();
        const channelId = parts[1] ?? '';
        const refusing = this.#refusing.get(channelId);
        if (!this.permissions.sendMessages || refusing === 'missing-permission') throw new HttpError(403, { code: 50013, message: 'Missing Permissions' });
        if (refusing === 'server-error') throw new HttpError(503, { code: 0, message: '503: Service Unavailable' });
        const guildId = this.#guildOfChannel(channelId);
        return { status: 200, body: this.#serialize(this.#createWithNonce(parsed, channelId, guildId)) };
      }
      case 'GET /channels/:/messages/:':
        needAuth();
        return { status: 200, body: this.#serialize(this.#channelMessage(parts[1] ?? '', parts[3] ?? '')) };
      case 'PATCH /channels/:/messages/:':
        needAuth();
        return { status: 200, body: this.#serialize(this.#edit(this.#channelMessage(parts[1] ?? '', parts[3] ?? ''), parsed)) };
      default:
        throw new HttpError(404, { code: 0, message: `404: Not Found (the emulator has no ${route})` });
    }
  }

  /**
   * A channel message, with Discord's nonce rules: a nonce is an integer or a
   * string of at most 25 characters; with enforce_nonce, a nonce this author
   * used in the past few minutes returns that message, and none is created.
   */
  #createWithNonce(parsed: ParsedBody, channelId: string, guildId: string): EmulatedMessage {
    const data = (parsed.json ?? {}) as Json;
    const nonce = data.nonce;
    if (nonce !== undefined && nonce !== null && !(Number.isInteger(nonce) || (typeof nonce === 'string' && nonce.length <= 25))) {
      throw formError([{ path: 'nonce', code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be an integer or a string of at most 25 characters.' }]);
    }
    const key = nonce === undefined || nonce === null ? undefined : `${channelId}:${String(nonce)}`;
    if (key !== undefined && data.enforce_nonce === true) {
      const seen = this.#nonces.get(key);
      const existing = seen === undefined ? undefined : this.messages.get(seen.messageId);
      if (seen !== undefined && existing !== undefined && this.now() - seen.at <= this.#options.nonceWindowMs) return existing;
    }
    const message = this.#create(parsed, { channelId, guildId, interactionId: undefined, visibleTo: undefined, flags: 0 });
    if (key !== undefined) this.#nonces.set(key, { messageId: message.id, at: this.now() });
    return message;
  }

  #guildOfChannel(channelId: string): string {
    if (channelId === this.#options.channelId || channelId === this.#options.auditChannelId) return this.#options.guildId;
    const other = this.#options.otherGuilds?.find((guild) => guild.channelId === channelId);
    if (other === undefined) throw new HttpError(404, { code: 10003, message: 'Unknown Channel' });
    return other.guildId;
  }

  #channelMessage(channelId: string, messageId: string): EmulatedMessage {
    const message = this.messages.get(messageId);
    if (message === undefined || message.channelId !== channelId || message.visibleTo !== undefined) throw unknownMessage();
    return message;
  }

  #callback(id: string, token: string, parsed: ParsedBody, withResponse: boolean, arrivedHr: number): { status: number; body?: unknown } {
    const record = this.interactions.get(id);
    if (record === undefined) throw unknownInteraction();
    if (record.token !== token) throw new HttpError(401, { code: 50027, message: 'Invalid Webhook Token' });
    if (record.callbacks.length > 0) throw alreadyAcknowledged();
    if (this.now() - record.dispatchedAt > this.#options.ackDeadlineMs) throw unknownInteraction();
    const body = (parsed.json ?? {}) as Json;
    const type = body.type;
    const data = (body.data ?? {}) as Json;
    const wrongType = () => formError([{ path: 'type', code: 'INTERACTION_CALLBACK_TYPE_INVALID', message: `Callback type ${String(type)} is not valid for this interaction` }]);
    const place = this.#recordPlace(record);
    switch (type) {
      case CALLBACK.reply:
      case CALLBACK.defer: {
        if (record.kind === 'autocomplete') throw wrongType();
        const flags = typeof data.flags === 'number' ? data.flags : 0;
        const ephemeral = (flags & EPHEMERAL) !== 0;
        const message =
          type === CALLBACK.reply
            ? this.#create({ json: data, files: parsed.files }, { ...place, interactionId: record.id, visibleTo: ephemeral ? record.userId : undefined, flags: flags & EPHEMERAL })
            : this.#create({ json: {}, files: [] }, { ...place, interactionId: record.id, visibleTo: ephemeral ? record.userId : undefined, flags: (flags & EPHEMERAL) | LOADING }, true);
        record.originalMessageId = message.id;
        break;
      }
      case CALLBACK.deferUpdate:
      case CALLBACK.update: {
        if (record.kind !== 'component' || record.sourceMessageId === undefined) throw wrongType();
        const source = this.messages.get(record.sourceMessageId);
        if (source === undefined) throw unknownMessage();
        if (type === CALLBACK.update) this.#edit(source, { json: data, files: parsed.files });
        record.originalMessageId = source.id;
        break;
      }
      case CALLBACK.autocomplete: {
        if (record.kind !== 'autocomplete') throw wrongType();
        const errors = checkAutocomplete(data);
        if (errors.length > 0) throw formError(errors);
        record.choices = arrayOf(data.choices);
        break;
      }
      default:
        throw wrongType();
    }
    record.callbacks.push({ type: Number(type), at: this.now(), hr: arrivedHr, data });
    if (!withResponse) return { status: 204 };
    const message = this.original(record);
    return {
      status: 200,
      body: {
        interaction: { id: record.id, type: record.payload.type, response_message_id: message?.id, response_message_loading: type === CALLBACK.defer, response_message_ephemeral: message?.visibleTo !== undefined },
        resource: { type, ...(message === undefined ? {} : { message: this.#serialize(message) }) },
      },
    };
  }

  #recordPlace(record: InteractionRecord): { channelId: string; guildId: string | undefined } {
    return { channelId: String(record.payload.channel_id), guildId: typeof record.payload.guild_id === 'string' ? record.payload.guild_id : undefined };
  }

  #interactionByToken(token: string): InteractionRecord {
    const record = [...this.interactions.values()].find((candidate) => candidate.token === token);
    if (record === undefined) throw unknownWebhook();
    if (this.now() - record.dispatchedAt > this.#options.tokenLifetimeMs) throw invalidToken();
    return record;
  }

  #followUp(token: string, parsed: ParsedBody): Json {
    const record = this.#interactionByToken(token);
    if (record.callbacks.length === 0 || record.kind === 'autocomplete') throw unknownWebhook();
    const data = (parsed.json ?? {}) as Json;
    const flags = typeof data.flags === 'number' ? data.flags : 0;
    const ephemeral = (flags & EPHEMERAL) !== 0;
    const message = this.#create(parsed, { ...this.#recordPlace(record), interactionId: record.id, visibleTo: ephemeral ? record.userId : undefined, flags: flags & EPHEMERAL });
    record.followUpIds.push(message.id);
    return this.#serialize(message);
  }

  #webhookMessage(token: string, messageId: string): EmulatedMessage {
    const record = this.#interactionByToken(token);
    const id = messageId === '@original' ? record.originalMessageId : messageId;
    const message = id === undefined ? undefined : this.messages.get(id);
    if (message === undefined) throw unknownMessage();
    if (messageId !== '@original' && !record.followUpIds.includes(message.id) && record.originalMessageId !== message.id) throw unknownMessage();
    return message;
  }

  #create(
    parsed: ParsedBody,
    where: { channelId: string; guildId: string | undefined; interactionId: string | undefined; visibleTo: string | undefined; flags: number },
    allowEmpty = false,
  ): EmulatedMessage {
    const data = (parsed.json ?? {}) as Json;
    const { errors, empty } = checkMessage(data, { partial: allowEmpty, files: parsed.files.length });
    if (errors.length > 0) throw formError(errors);
    if (empty) throw new HttpError(400, { code: 50006, message: 'Cannot send an empty message' });
    const now = this.now();
    const message: EmulatedMessage = {
      id: this.#snowflake(),
      channelId: where.channelId,
      guildId: where.guildId,
      interactionId: where.interactionId,
      visibleTo: where.visibleTo,
      createdAt: now,
      editedAt: undefined,
      content: typeof data.content === 'string' ? data.content : '',
      embeds: arrayOf(data.embeds),
      components: arrayOf(data.components),
      attachments: parsed.files.map((file) => ({ ...file, id: this.#snowflake() })),
      flags: where.flags,
      nonce: typeof data.nonce === 'string' || typeof data.nonce === 'number' ? String(data.nonce) : undefined,
      versions: [],
    };
    message.versions.push(versionOf(message, now));
    this.messages.set(message.id, message);
    return message;
  }

  #edit(message: EmulatedMessage, parsed: ParsedBody): EmulatedMessage {
    const data = (parsed.json ?? {}) as Json;
    const { errors } = checkMessage(data, { partial: true, files: parsed.files.length });
    if (errors.length > 0) throw formError(errors);
    if (typeof data.content === 'string' || data.content === null) message.content = typeof data.content === 'string' ? data.content : '';
    if (Array.isArray(data.embeds)) message.embeds = data.embeds as Json[];
    if (Array.isArray(data.components)) message.components = data.components as Json[];
    if (Array.isArray(data.attachments)) {
      const keep = new Set(arrayOf(data.attachments).map((attachment) => String(attachment.id)));
      message.attachments = message.attachments.filter((attachment) => keep.has(attachment.id));
    }
    message.attachments.push(...parsed.files.map((file) => ({ ...file, id: this.#snowflake() })));
    message.flags &= ~LOADING;
    const now = this.now();
    message.editedAt = now;
    if (message.content.length === 0 && message.embeds.length === 0 && message.components.length === 0 && message.attachments.length === 0) {
      throw new HttpError(400, { code: 50006, message: 'Cannot send an empty message' });
    }
    message.versions.push(versionOf(message, now));
    return message;
  }

  #serialize(message: EmulatedMessage): Json {
    const interaction = message.interactionId === undefined ? undefined : this.interactions.get(message.interactionId);
    return {
      id: message.id,
      type: interaction === undefined ? 0 : interaction.kind === 'component' && interaction.sourceMessageId === message.id ? 0 : 20,
      channel_id: message.channelId,
      ...(message.guildId === undefined ? {} : { guild_id: message.guildId }),
      author: this.#botUser(),
      content: message.content,
      embeds: message.embeds.map((embed) => ({ type: 'rich', ...embed })),
      components: message.components,
      attachments: message.attachments.map((attachment) => ({
        id: attachment.id,
        filename: attachment.filename,
        size: attachment.size,
        content_type: attachment.contentType,
        url: `http://${this.#base}/attachments/${message.channelId}/${attachment.id}/${attachment.filename}`,
        proxy_url: `http://${this.#base}/attachments/${message.channelId}/${attachment.id}/${attachment.filename}`,
      })),
      flags: message.flags,
      ...(message.nonce === undefined ? {} : { nonce: message.nonce }),
      timestamp: new Date(message.createdAt).toISOString(),
      edited_timestamp: message.editedAt === undefined ? null : new Date(message.editedAt).toISOString(),
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      pinned: false,
      ...(interaction === undefined ? {} : { webhook_id: this.#options.applicationId, application_id: this.#options.applicationId }),
    };
  }

  #snowflake(): string {
    this.#snowflakeCounter += 1n;
    return String(((BigInt(this.now()) - DISCORD_EPOCH) << 22n) | (this.#snowflakeCounter & 0x3fffffn));
  }
}

// ------------------------------------------------------------ helpers for tests

export interface ButtonView {
  readonly customId: string;
  readonly label: string;
  readonly style: number;
  readonly disabled: boolean;
}

export function buttonsOf(message: EmulatedMessage | MessageVersion): ButtonView[] {
  return message.components.flatMap((row) =>
    arrayOf(row.components).map((button) => ({
      customId: String(button.custom_id ?? ''),
      label: String(button.label ?? ''),
      style: Number(button.style),
      disabled: button.disabled === true,
    })),
  );
}

/** Everything a reader sees in a message, as one text (content, embed titles, fields, footers). */
export function textOf(message: EmulatedMessage | MessageVersion): string {
  const parts: string[] = [message.content];
  for (const embed of message.embeds) {
    const author = embed.author as Json | undefined;
    const footer = embed.footer as Json | undefined;
    parts.push(String(author?.name ?? ''), String(embed.title ?? ''), String(embed.description ?? ''));
    for (const field of arrayOf(embed.fields)) parts.push(`${String(field.name)}: ${String(field.value)}`);
    parts.push(String(footer?.text ?? ''));
  }
  return parts.filter((part) => part.length > 0).join('\n');
}

export function colourOf(message: EmulatedMessage | MessageVersion): number | undefined {
  const colour = message.embeds[0]?.color;
  return typeof colour === 'number' ? colour : undefined;
}

function userPayload(user: EmulatedUser): Json {
  return { id: user.id, username: user.username, discriminator: '0', global_name: user.username, avatar: null, public_flags: 0 };
}

function versionOf(message: EmulatedMessage, at: number): MessageVersion {
  return { at, content: message.content, embeds: message.embeds, components: message.components };
}

function arrayOf(value: unknown): Json[] {
  return Array.isArray(value) ? (value.filter((item) => typeof item === 'object' && item !== null) as Json[]) : [];
}

interface ParsedBody {
  readonly json: unknown;
  readonly files: ReadonlyArray<Omit<Attachment, 'id'>>;
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/** JSON, or multipart/form-data with `payload_json` and `files[n]` as discord.js sends attachments. */
async function parseBody(contentType: string | undefined, raw: Buffer): Promise<ParsedBody> {
  if (raw.length === 0) return { json: undefined, files: [] };
  if (contentType?.startsWith('multipart/form-data') === true) {
    const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
    const files: Array<Omit<Attachment, 'id'>> = [];
    let json: unknown;
    for (const [name, value] of form.entries()) {
      if (name === 'payload_json' && typeof value === 'string') json = JSON.parse(value);
      else if (typeof value !== 'string') {
        const data = Buffer.from(await value.arrayBuffer());
        files.push({ filename: value.name, size: data.length, contentType: value.type || 'application/octet-stream', data });
      }
    }
    return { json, files };
  }
  try {
    return { json: JSON.parse(raw.toString('utf8')), files: [] };
  } catch {
    throw new HttpError(400, { code: 50109, message: 'The request body contains invalid JSON.' });
  }
}

/** A command (or option, or choice) as a list without `with_localizations` shows it: no localization maps. */
function withoutLocalizations(node: Json): Json {
  const { name_localizations: _names, description_localizations: _descriptions, ...rest } = node;
  const copy: Json = { ...rest };
  if (Array.isArray(rest.options)) copy.options = rest.options.map((option: Json) => withoutLocalizations(option));
  if (Array.isArray(rest.choices)) copy.choices = rest.choices.map((choice: Json) => withoutLocalizations(choice));
  return copy;
}
