// The built-in commands: /access (grants and approval policies), /audit (the
// action log, with a CSV copy) and /status (Binance health, clock, limits,
// pending and UNKNOWN actions). Each checks its own grant first.
import { statSync } from 'node:fs';
import { MessageFlags, type ButtonInteraction, type ChatInputCommandInteraction, type InteractionEditReplyOptions } from 'discord.js';
import type { z } from 'zod';
import type { Authorizer } from '../actions/authorization.ts';
import type { EndpointDeclaration } from '../actions/endpoint.ts';
import { OperatorError } from '../actions/errors.ts';
import type { Actor } from '../actions/service.ts';
import { FAMILIES, FAMILY_SPECS, type BinanceClient } from '../binance/index.ts';
import type { LogRow, Store } from '../store/index.ts';
import { toCsv } from './csv.ts';
import { COLOURS, discordTime, embed, noticeMessage, truncate, type MessageBody } from './render.ts';
import { pageButtons, slicePage, type PageState } from './pages.ts';
import { replyInTime, type ReplyBody } from './respond.ts';
import type { BuiltinSchemas } from './slash-commands.ts';
import { optionValues } from './slash-options.ts';

export interface AdminCommandsOptions {
  readonly store: Store;
  readonly authorizer: Authorizer;
  readonly binance: BinanceClient;
  readonly endpoints: readonly EndpointDeclaration[];
  readonly schemas: BuiltinSchemas;
  readonly adminIds: ReadonlySet<string>;
  readonly startedAt: number;
  readonly version: string;
  readonly now?: () => number;
}

const DEFAULT_AUDIT_ROWS = 20;
const AUDIT_PAGE_ROWS = 15;
const GRANTS_PAGE_LINES = 20;

export class AdminCommands {
  readonly #now: () => number;

  constructor(private readonly options: AdminCommandsOptions) {
    this.#now = options.now ?? Date.now;
  }

  async access(interaction: ChatInputCommandInteraction, actor: Actor): Promise<void> {
    const sub = interaction.options.getSubcommand();
    await replyInTime(interaction, async () => {
      await this.#require(actor, 'access.admin');
      const { schemas } = this.options;
      const raw = optionValues(interaction.options.data);
      switch (sub) {
        case 'grant':
          return this.#grant(actor, parse(schemas.access.grant, raw));
        case 'revoke':
          return this.#revoke(actor, parse(schemas.access.revoke, raw));
        case 'list':
          return this.#list(parse(schemas.access.list, raw));
        case 'policy':
          return this.#policy(actor, parse(schemas.access.policy, raw));
        default:
          throw new OperatorError('invalid', `Unknown subcommand /access ${sub}.`);
      }
    });
  }

  async audit(interaction: ChatInputCommandInteraction, actor: Actor): Promise<void> {
    await replyInTime(interaction, async () => {
      await this.#require(actor, 'audit.read');
      const filter = parse(this.options.schemas.audit.recent, optionValues(interaction.options.data));
      const limit = filter.limit ?? DEFAULT_AUDIT_ROWS;
      const rows = await this.options.store.log.recent({ userId: filter.user, actionKey: filter.action, limit });
      const query = { user: filter.user, action: filter.action, limit, anchor: rows[0]?.seq ?? 0 };
      return { ...auditPage(rows, query, 0), files: [{ attachment: Buffer.from(auditCsv(rows), 'utf8'), name: 'audit.csv' }] };
    });
  }

  /** ‹ Newer / Older › on a paginated list: the grant is checked again, then the message shows that page. */
  async page(interaction: ButtonInteraction, actor: Actor, state: PageState): Promise<void> {
    if (state.kind === 'audit') {
      await this.#require(actor, 'audit.read');
      const [anchor, limit, user, action] = state.args;
      const query = { user: user === '-' ? undefined : user, action: action === '-' ? undefined : action, limit: Number(limit), anchor: Number(anchor) };
      const rows = await this.options.store.log.recent({ userId: query.user, actionKey: query.action, maxSeq: query.anchor, limit: query.limit });
      await interaction.update(auditPage(rows, query, state.page));
      return;
    }
    await this.#require(actor, 'access.admin');
    const [user] = state.args;
    await interaction.update(await this.#grantsPage(user === '-' ? undefined : user, state.page));
  }

  async status(interaction: ChatInputCommandInteraction, actor: Actor): Promise<void> {
    if (!(await this.options.authorizer.isKnownUser(actor.id))) {
      await interaction.reply({ ...noticeMessage('Refused: /status is for users who hold at least one grant.'), flags: MessageFlags.Ephemeral });
      return;
    }
    // Pinging three hosts can take longer than Discord's 3 s: defer first.
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    await interaction.editReply((await this.#statusMessage()) as InteractionEditReplyOptions);
  }

  async #require(actor: Actor, actionKey: 'access.admin' | 'audit.read'): Promise<void> {
    const decision = await this.options.authorizer.check(actor.id, actionKey);
    if (!decision.allowed) {
      await this.options.store.log.append({ event: 'refused', actionKey, userId: actor.id, userTag: actor.tag, guildId: actor.guildId, channelId: actor.channelId, detail: decision.reason });
      throw new OperatorError('refused', `Refused: ${decision.reason}.`);
    }
  }

  async #grant(actor: Actor, input: z.output<BuiltinSchemas['access']['grant']>): Promise<ReplyBody> {
    const { store, endpoints } = this.options;
    const endpoint = endpoints.find((candidate) => candidate.actionKey === input.action);
    if (input.asset !== undefined && input['max-amount'] === undefined) {
      throw new OperatorError('invalid', '`asset` needs `max-amount`: it names the asset the cap applies to.');
    }
    if (input['max-amount'] !== undefined && endpoint?.amount === undefined) {
      const capped = endpoints.filter((candidate) => candidate.amount !== undefined).map((candidate) => `\`${candidate.actionKey}\``);
      throw new OperatorError('invalid', `\`max-amount\` applies only to amount-bearing actions (${capped.join(', ')}), not \`${input.action}\`.`);
    }
    const limit = input['max-amount'] === undefined ? undefined : { asset: input.asset ?? '*', maxAmount: input['max-amount'] };
    await store.db.transaction(async (tx) => {
      await store.grants.grant(tx, { userId: input.user, actionKey: input.action, grantedBy: actor.id, limit }, this.#now());
      await store.log.appendIn(tx, { event: 'grant', actionKey: input.action, ...who(actor), params: { user: input.user, action: input.action, limit } });
    });
    const grant = await store.grants.get(input.user, input.action);
    const caps = grant?.limits.length ? ` Caps per request: ${grant.limits.map((l) => `${l.maxAmount} ${l.asset === '*' ? '(any other asset)' : l.asset}`).join(', ')}; assets without a cap are refused.` : '';
    const admin = this.options.adminIds.has(input.user) ? ' (They are in BOT_ADMIN_IDS and hold every action anyway.)' : '';
    return noticeMessage(`Granted \`${input.action}\` to <@${input.user}>.${caps}${admin}`, COLOURS.success);
  }

  async #revoke(actor: Actor, input: z.output<BuiltinSchemas['access']['revoke']>): Promise<ReplyBody> {
    const { store } = this.options;
    if (this.options.adminIds.has(input.user)) {
      throw new OperatorError('refused', `<@${input.user}> is in BOT_ADMIN_IDS and holds every action; that can only be changed in the bot's configuration.`);
    }
    const removed = await store.db.transaction(async (tx) => {
      const done = await store.grants.revoke(tx, input.user, input.action);
      if (done) await store.log.appendIn(tx, { event: 'revoke', actionKey: input.action, ...who(actor), params: { user: input.user, action: input.action } });
      return done;
    });
    if (!removed) throw new OperatorError('invalid', `<@${input.user}> had no grant of \`${input.action}\`; nothing changed.`);
    return noticeMessage(`Revoked \`${input.action}\` from <@${input.user}>. Their open confirmations of it will be refused at the click.`, COLOURS.success);
  }

  async #list(input: z.output<BuiltinSchemas['access']['list']>): Promise<ReplyBody> {
    const body = await this.#grantsPage(input.user, 0);
    if (body.components.length === 0) return body;
    // More than one page: the whole list as CSV too.
    const grants = await this.options.store.grants.list(input.user);
    const csv = toCsv(
      ['user_id', 'action_key', 'limits', 'granted_by', 'granted_at'],
      grants.map((g) => [g.userId, g.actionKey, g.limits.map((l) => `${l.asset}<=${l.maxAmount}`).join(' '), g.grantedBy, new Date(g.grantedAt).toISOString()]),
    );
    return { ...body, files: [{ attachment: Buffer.from(csv, 'utf8'), name: 'grants.csv' }] };
  }

  async #grantsPage(user: string | undefined, page: number): Promise<MessageBody> {
    const { store, adminIds } = this.options;
    const grants = await store.grants.list(user);
    const policies = await store.grants.policies();
    const lines = grants.map(
      (grant) =>
        `<@${grant.userId}> \`${grant.actionKey}\`${grant.limits.length ? ` (caps: ${grant.limits.map((l) => `${l.maxAmount} ${l.asset}`).join(', ')})` : ''} — by <@${grant.grantedBy}> ${discordTime(grant.grantedAt, 'R')}`,
    );
    const shown = slicePage(lines, page, GRANTS_PAGE_LINES);
    const admins = [...adminIds].filter((id) => user === undefined || id === user).map((id) => `<@${id}>`);
    const policyLines = policies.map((policy) => `\`${policy.actionKey}\`: ${policy.approvals === 1 ? 'needs a second person' : 'requester alone'}`);
    return {
      embeds: [
        embed({
          title: `${user === undefined ? 'Grants' : 'Grants of one user'}${shown.pageCount > 1 ? ` (${lines.length}, page ${shown.page + 1} of ${shown.pageCount})` : ''}`,
          description: shown.items.length ? shown.items.join('\n') : 'No grants.',
          color: COLOURS.pending,
          fields: [
            { name: 'BOT_ADMIN_IDS (every action)', value: truncate(admins.join(' ') || '—', 1024) },
            { name: 'Approval policies', value: truncate(policyLines.join('\n') || 'None: every action runs on its requester’s confirmation.', 1024) },
          ],
        }),
      ],
      components: pageButtons({ kind: 'grants', page: shown.page, args: [user ?? '-'] }, shown.pageCount),
    };
  }

  async #policy(actor: Actor, input: z.output<BuiltinSchemas['access']['policy']>): Promise<ReplyBody> {
    const { store } = this.options;
    const approvals = input.approvals === 1 ? 1 : 0;
    await store.db.transaction(async (tx) => {
      await store.grants.setPolicy(tx, input.action, approvals, actor.id, this.#now());
      await store.log.appendIn(tx, { event: 'policy', actionKey: input.action, ...who(actor), params: { action: input.action, approvals } });
    });
    return noticeMessage(
      approvals === 1
        ? `\`${input.action}\` now needs a second person: after the requester confirms, someone else who holds it must Approve.`
        : `\`${input.action}\` now runs on its requester's confirmation alone.`,
      COLOURS.success,
    );
  }

  async #statusMessage(): Promise<MessageBody> {
    const { binance, store, startedAt, version } = this.options;
    const now = this.#now();
    const [health, pending, unknown] = await Promise.all([
      Promise.all(FAMILIES.map((family) => binance.health(family))),
      store.pending.countOpen(now),
      store.log.unknownOutcomes(5),
    ]);
    const familyFields = health.map((h) => ({
      name: `${h.reachable ? '🟢' : '🔴'} ${FAMILY_SPECS[h.family].label}`,
      value: [
        h.reachable ? `answers in ${h.roundTripMs} ms` : `not reachable: ${h.error ?? 'no answer'}`,
        `clock offset ${h.clockOffsetMs} ms${h.clockSyncedAt === undefined ? ' (never synced)' : `, synced ${discordTime(h.clockSyncedAt, 'R')}`}`,
        ...h.usage.filter((u) => u.limit !== undefined).map((u) => `${u.header}: ${u.used} / ${u.limit}`),
        ...(h.blocked !== undefined && h.blocked.until > Date.now()
          ? [`${h.blocked.banned ? '🚫 IP BANNED' : '⏳ rate-limited'} until ${discordTime(h.blocked.until, 'T')}`]
          : []),
      ].join('\n'),
    }));
    const unknownLines = unknown.map(
      (row) => `#${row.seq} \`${row.action_key ?? '?'}\` by ${row.user_tag ?? row.user_id ?? '?'} ${discordTime(row.at_ms, 'R')}`,
    );
    return {
      embeds: [
        embed({
          title: 'Bot status',
          description: binance.dryRun ? '🧪 **DRY-RUN**: requests are built and signed but never sent.' : undefined,
          color: health.every((h) => h.reachable) ? COLOURS.success : COLOURS.unknown,
          fields: [
            ...familyFields,
            { name: 'Bot', value: `version ${version}, up since ${discordTime(startedAt, 'R')}`, inline: true },
            { name: 'Database', value: `${formatBytes(databaseBytes(store.db.path))}`, inline: true },
            { name: 'Pending confirmations', value: String(pending), inline: true },
            { name: 'Latest UNKNOWN outcomes (check these in Binance)', value: unknownLines.join('\n') || 'None.' },
          ],
        }),
      ],
      components: [],
    };
  }
}

function parse<Schema extends z.ZodType>(schema: Schema, raw: Record<string, unknown>): z.output<Schema> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => `• \`${String(issue.path[0] ?? 'options')}\` ${issue.message}`);
  throw new OperatorError('invalid', `Invalid options:\n${lines.join('\n')}`);
}

function who(actor: Actor) {
  return { userId: actor.id, userTag: actor.tag, guildId: actor.guildId, channelId: actor.channelId };
}


const AUDIT_COLUMNS = [
  'seq',
  'at_ms',
  'event',
  'action_id',
  'action_key',
  'user_id',
  'user_tag',
  'guild_id',
  'channel_id',
  'params_json',
  'request_json',
  'outcome_kind',
  'http_status',
  'binance_code',
  'response_json',
  'latency_ms',
  'detail',
  'dry_run',
  'prev_hash',
  'hash',
] as const satisfies ReadonlyArray<keyof LogRow>;

interface AuditQuery {
  readonly user: string | undefined;
  readonly action: string | undefined;
  readonly limit: number;
  /** The newest row when the list was first asked for: pages stay put while new rows arrive. */
  readonly anchor: number;
}

/** One page of /audit recent, newest first, with ‹ Newer / Older › when there is more than one. */
function auditPage(rows: readonly LogRow[], query: AuditQuery, page: number): MessageBody {
  const shown = slicePage(rows, page, AUDIT_PAGE_ROWS);
  const lines = shown.items.map((row) => {
    const result = row.outcome_kind === null ? '' : ` → **${row.outcome_kind}**${row.binance_code === null ? '' : ` (${row.binance_code})`}`;
    return truncate(`\`#${row.seq}\` ${discordTime(row.at_ms, 'f')} **${row.event}** ${row.action_key ?? ''} ${row.user_tag ?? row.user_id ?? ''}${result}${row.dry_run ? ' DRY-RUN' : ''}`, 250);
  });
  const scope = [query.user === undefined ? undefined : `user <@${query.user}>`, query.action === undefined ? undefined : `action \`${query.action}\``].filter(Boolean).join(', ');
  const range = shown.pageCount > 1 ? ` (${page * AUDIT_PAGE_ROWS + 1}–${page * AUDIT_PAGE_ROWS + shown.items.length} of ${rows.length})` : '';
  return {
    embeds: [
      embed({
        title: `Action log: latest ${rows.length} row${rows.length === 1 ? '' : 's'}${range}${scope === '' ? '' : ` · ${scope}`}`,
        description: rows.length === 0 ? 'No rows match.' : lines.join('\n'),
        color: COLOURS.pending,
        footer: { text: 'audit.csv holds these rows in full, with each row’s hash; npm run verify-log checks the chain.' },
      }),
    ],
    components: pageButtons({ kind: 'audit', page: shown.page, args: [String(query.anchor), String(query.limit), query.user ?? '-', query.action ?? '-'] }, shown.pageCount),
  };
}

function auditCsv(rows: readonly LogRow[]): string {
  return toCsv(AUDIT_COLUMNS, rows.map((row) => AUDIT_COLUMNS.map((column) => row[column])));
}

function databaseBytes(path: string): number {
  let total = 0;
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    try {
      total += statSync(file).size;
    } catch {
      // The WAL and shared-memory files exist only while the database is open.
    }
  }
  return total;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
