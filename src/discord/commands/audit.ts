// /audit recent: the latest action-log rows, newest first, in pages of an
// embed, with the same rows as a CSV file. Needs audit.read (either role).
// The page is in the reader's language; the rows are as the log holds them
// (English details), and the CSV's header stays English for spreadsheets.
// /audit resolve: a person who checked in Binance closes an UNKNOWN outcome
// as executed or not executed, with a note (resolution.ts decides who may).
import type { ButtonInteraction, ChatInputCommandInteraction } from 'discord.js';
import { z } from 'zod';
import type { Actor } from '../../actions/actor.ts';
import type { Authorizer } from '../../actions/authorization.ts';
import type { Resolutions } from '../../actions/resolution.ts';
import type { EndpointDeclaration } from '../../actions/endpoint.ts';
import { rule } from '../../actions/explain.ts';
import { described } from '../../actions/option-schemas.ts';
import type { Messages } from '../../i18n/index.ts';
import { ANY_ACCOUNT, type AuditRow, type LogEvent, type Store } from '../../store/index.ts';
import { toCsv } from '../csv.ts';
import { pageButtons, slicePage, type PageState } from '../pages.ts';
import { COLOURS, discordTime, embed, truncate, type MessageBody } from '../render.ts';
import { readerOf, replyInTime } from '../respond.ts';
import { optionValues } from '../slash-options.ts';
import { accountOf, anyActionOption, describedAs, GUILD_ONLY, parseOptions, requireGrant, subcommands, userOption } from './shared.ts';

const DEFAULT_AUDIT_ROWS = 20;
const AUDIT_PAGE_ROWS = 15;

/** /audit recent and its filters, the `account` one among them (`accounts`: the configured ones, named in its help); /audit resolve. */
export function auditSchemas(endpoints: readonly EndpointDeclaration[], accounts: readonly string[]) {
  const recent = z.object({
    user: userOption((t) => t.commands.audit.user).optional(),
    action: anyActionOption(endpoints, (t) => t.commands.audit.action).optional(),
    limit: z
      .number()
      .int()
      .min(1)
      .max(500)
      .optional()
      .meta(described((t) => t.commands.audit.limit)),
  });
  const names = accounts.join(', ');
  // Free text, not choices: the log keeps accounts that have since left the configuration.
  const account = z
    .string()
    .trim()
    .regex(/^(\*|[a-z0-9_]{1,20})$/, { error: rule((t) => t.commands.audit.accountRule({ accounts: names })) })
    .optional()
    .meta(described((t) => truncate(t.commands.audit.account({ accounts: names }), 100)));
  const resolve = z.object({
    ref: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_-]{6,43}$/, { error: rule((t) => t.commands.audit.refRule) })
      .meta(described((t) => t.commands.audit.ref)),
    outcome: z
      .enum(['executed', 'not-executed'])
      .meta(described((t) => t.commands.audit.outcome, { executed: (t) => t.commands.audit.executed, 'not-executed': (t) => t.commands.audit.notExecuted })),
    note: z
      .string()
      .trim()
      .min(3)
      .max(500)
      .meta(described((t) => t.commands.audit.note)),
  });
  return { recent: recent.extend({ account }), resolve };
}

export function auditDefinition(endpoints: readonly EndpointDeclaration[], accounts: readonly string[]) {
  return {
    ...GUILD_ONLY,
    name: 'audit',
    ...describedAs((t) => t.commands.audit.description, '/audit'),
    options: subcommands([
      { name: 'recent', description: (t) => t.commands.audit.recent, schema: auditSchemas(endpoints, accounts).recent },
      { name: 'resolve', description: (t) => t.commands.audit.resolve, schema: auditSchemas(endpoints, accounts).resolve },
    ]),
  };
}

export class AuditCommand {
  readonly #schemas: ReturnType<typeof auditSchemas>;
  /** Several accounts: each row's account is shown on its line. */
  readonly #showAccounts: boolean;

  constructor(
    private readonly store: Store,
    private readonly authorizer: Authorizer,
    endpoints: readonly EndpointDeclaration[],
    /** The configured Binance accounts, main first (/audit recent's `account` filter names them). */
    accounts: readonly string[],
    private readonly resolutions: Resolutions,
  ) {
    this.#schemas = auditSchemas(endpoints, accounts);
    // With one account every row is on it: its name on each line would say nothing.
    this.#showAccounts = accounts.length > 1;
  }

  async run(interaction: ChatInputCommandInteraction, actor: Actor): Promise<void> {
    if (interaction.options.getSubcommand(false) === 'resolve') return this.#resolve(interaction, actor);
    await replyInTime(interaction, async (t) => {
      await requireGrant(this.store, this.authorizer, actor, 'audit.read', 'approve');
      const filter = parseOptions(this.#schemas.recent, optionValues(interaction.options.data));
      const limit = filter.limit ?? DEFAULT_AUDIT_ROWS;
      const account = accountOf(filter);
      const rows = await this.store.log.recent({ userId: filter.user, actionKey: filter.action, account, limit });
      const query = { user: filter.user, action: filter.action, account, limit, anchor: rows[0]?.seq ?? 0 };
      return { ...auditPage(rows, query, 0, this.#showAccounts, t), files: [{ attachment: Buffer.from(auditCsv(rows), 'utf8'), name: 'audit.csv' }] };
    });
  }

  async #resolve(interaction: ChatInputCommandInteraction, actor: Actor): Promise<void> {
    await replyInTime(interaction, async (t) => {
      const asked = parseOptions(this.#schemas.resolve, optionValues(interaction.options.data));
      const { action, outcome } = await this.resolutions.resolve(actor, asked.ref, asked.outcome, asked.note);
      const r = t.audit.resolved;
      const ref = action.id.slice(0, 8);
      return {
        embeds: [
          embed({
            title: outcome === 'executed' ? r.titleExecuted({ ref }) : r.titleNotExecuted({ ref }),
            description: r.description({
              actionKey: action.actionKey,
              account: action.account,
              tag: action.requesterTag,
              outcome: outcome === 'executed' ? r.executed : r.notExecuted,
            }),
            color: outcome === 'executed' ? COLOURS.success : COLOURS.notSent,
          }),
        ],
        components: [],
      };
    });
  }

  /** ‹ Newer / Older ›: the grant is checked again, then the message shows that page of the same rows. */
  async page(interaction: ButtonInteraction, actor: Actor, state: PageState): Promise<void> {
    await requireGrant(this.store, this.authorizer, actor, 'audit.read', 'approve');
    const [anchor, limit, user, action, account] = state.args;
    const query = {
      user: user === '-' ? undefined : user,
      action: action === '-' ? undefined : action,
      account: account === undefined || account === '-' ? undefined : account === EVERY_ACCOUNT_TOKEN ? ANY_ACCOUNT : account,
      limit: Number(limit),
      anchor: Number(anchor),
    };
    const rows = await this.store.log.recent({ userId: query.user, actionKey: query.action, account: query.account, maxSeq: query.anchor, limit: query.limit });
    await interaction.update(auditPage(rows, query, state.page, this.#showAccounts, readerOf(interaction)));
  }
}

const AUDIT_COLUMNS = [
  'seq',
  'at_ms',
  'event',
  'action_id',
  'action_key',
  // The Binance account the row is about (an action's, from its hash-checked requested row); not a chained column.
  'account',
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
  // A row's hash is recomputed under its scheme (sha256-v1, sha256 or hmac-sha256): without it the CSV cannot be checked.
  'hash_scheme',
  'hash',
] as const satisfies ReadonlyArray<keyof AuditRow>;

/** `*` in a page button's custom_id, whose tokens cannot hold it ('.' is no account name). */
const EVERY_ACCOUNT_TOKEN = '.';

interface AuditQuery {
  readonly user: string | undefined;
  readonly action: string | undefined;
  readonly account: string | undefined;
  readonly limit: number;
  /** The newest row when the list was first asked for: pages stay put while new rows arrive. */
  readonly anchor: number;
}

/** One page of /audit recent, newest first, with ‹ Newer / Older › when there is more than one. */
function auditPage(rows: readonly AuditRow[], query: AuditQuery, page: number, showAccounts: boolean, t: Messages): MessageBody {
  const { audit } = t;
  const shown = slicePage(rows, page, AUDIT_PAGE_ROWS);
  // A new event fails the type check here until both catalogs name it. Outcome kinds and codes are shown as the log (and the CSV) keeps them.
  const events: Readonly<Record<LogEvent, string>> = audit.events;
  const lines = shown.items.map((row) => {
    const result = row.outcome_kind === null ? '' : ` → **${row.outcome_kind}**${row.binance_code === null ? '' : ` (${row.binance_code})`}`;
    const account = !showAccounts || row.account === null || query.account !== undefined ? '' : ` [${row.account}]`;
    return truncate(
      `\`#${row.seq}\` ${discordTime(row.at_ms, 'f')} **${events[row.event]}** ${row.action_key ?? ''}${account} ${row.user_tag ?? row.user_id ?? ''}${result}${row.dry_run ? ' DRY-RUN' : ''}`,
      250,
    );
  });
  const scope = [
    query.user === undefined ? undefined : audit.scopeUser({ user: query.user }),
    query.action === undefined ? undefined : audit.scopeAction({ action: query.action }),
    query.account === undefined ? undefined : audit.scopeAccount({ account: query.account }),
  ]
    .filter(Boolean)
    .join(', ');
  const first = page * AUDIT_PAGE_ROWS + 1;
  const range = shown.pageCount > 1 ? audit.range({ first, last: first + shown.items.length - 1, total: rows.length }) : '';
  const latest = rows.length === 1 ? audit.titleOne({ range }) : audit.title({ count: rows.length, range });
  return {
    embeds: [
      embed({
        title: scope === '' ? latest : audit.scoped({ title: latest, scope }),
        description: rows.length === 0 ? audit.noRows : lines.join('\n'),
        color: COLOURS.pending,
        footer: { text: audit.footer },
      }),
    ],
    components: pageButtons(
      {
        kind: 'audit',
        page: shown.page,
        args: [
          String(query.anchor),
          String(query.limit),
          query.user ?? '-',
          query.action ?? '-',
          ...(query.account === undefined ? [] : [query.account === ANY_ACCOUNT ? EVERY_ACCOUNT_TOKEN : query.account]),
        ],
      },
      shown.pageCount,
      t,
    ),
  };
}

function auditCsv(rows: readonly AuditRow[]): string {
  return toCsv(AUDIT_COLUMNS, rows.map((row) => AUDIT_COLUMNS.map((column) => row[column])));
}
