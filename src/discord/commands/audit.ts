// /audit recent: the latest action-log rows, newest first, in pages of an
// embed, with the same rows as a CSV file. Needs audit.read (either role).
// /audit resolve: a person who checked in Binance closes an UNKNOWN outcome
// as executed or not executed, with a note (resolution.ts decides who may).
import type { ButtonInteraction, ChatInputCommandInteraction } from 'discord.js';
import { z } from 'zod';
import type { Actor } from '../../actions/actor.ts';
import type { Authorizer } from '../../actions/authorization.ts';
import type { Resolutions } from '../../actions/resolution.ts';
import type { EndpointDeclaration } from '../../actions/endpoint.ts';
import type { LogRow, Store } from '../../store/index.ts';
import { toCsv } from '../csv.ts';
import { pageButtons, slicePage, type PageState } from '../pages.ts';
import { COLOURS, discordTime, embed, truncate, type MessageBody } from '../render.ts';
import { replyInTime } from '../respond.ts';
import { optionValues } from '../slash-options.ts';
import { anyActionOption, GUILD_ONLY, parseOptions, requireGrant, subcommands, userOption } from './shared.ts';

const DEFAULT_AUDIT_ROWS = 20;
const AUDIT_PAGE_ROWS = 15;

export function auditSchemas(endpoints: readonly EndpointDeclaration[]) {
  return {
    recent: z.object({
      user: userOption('Only rows about this user').optional(),
      action: anyActionOption(endpoints, 'Only rows of this action').optional(),
      limit: z.number().int().min(1).max(500).optional().describe('How many rows, newest first (default 20; CSV holds all)'),
    }),
    resolve: z.object({
      ref: z
        .string()
        .trim()
        .regex(/^[A-Za-z0-9_-]{6,43}$/, 'must be the ref shown on the action (at least its first 6 characters)')
        .describe('The ref of the action whose outcome is UNKNOWN (from its message or /status)'),
      outcome: z.enum(['executed', 'not-executed']).describe('What you found in Binance: executed or not-executed'),
      note: z.string().trim().min(3).max(500).describe('What you checked in Binance (logged with the decision)'),
    }),
  };
}

export function auditDefinition(endpoints: readonly EndpointDeclaration[]) {
  return {
    ...GUILD_ONLY,
    name: 'audit',
    description: 'Read the action log (needs audit.read)',
    options: subcommands([
      { name: 'recent', description: 'The latest log rows, with a CSV file of them', schema: auditSchemas(endpoints).recent },
      { name: 'resolve', description: 'Close an UNKNOWN outcome you checked in Binance (the action’s grant or access.admin)', schema: auditSchemas(endpoints).resolve },
    ]),
  };
}

export class AuditCommand {
  readonly #schemas: ReturnType<typeof auditSchemas>;

  constructor(
    private readonly store: Store,
    private readonly authorizer: Authorizer,
    endpoints: readonly EndpointDeclaration[],
    private readonly resolutions: Resolutions,
  ) {
    this.#schemas = auditSchemas(endpoints);
  }

  async run(interaction: ChatInputCommandInteraction, actor: Actor): Promise<void> {
    if (interaction.options.getSubcommand(false) === 'resolve') return this.#resolve(interaction, actor);
    await replyInTime(interaction, async () => {
      await requireGrant(this.store, this.authorizer, actor, 'audit.read', 'approve');
      const filter = parseOptions(this.#schemas.recent, optionValues(interaction.options.data));
      const limit = filter.limit ?? DEFAULT_AUDIT_ROWS;
      const rows = await this.store.log.recent({ userId: filter.user, actionKey: filter.action, limit });
      const query = { user: filter.user, action: filter.action, limit, anchor: rows[0]?.seq ?? 0 };
      return { ...auditPage(rows, query, 0), files: [{ attachment: Buffer.from(auditCsv(rows), 'utf8'), name: 'audit.csv' }] };
    });
  }

  async #resolve(interaction: ChatInputCommandInteraction, actor: Actor): Promise<void> {
    await replyInTime(interaction, async () => {
      const asked = parseOptions(this.#schemas.resolve, optionValues(interaction.options.data));
      const { action, outcome } = await this.resolutions.resolve(actor, asked.ref, asked.outcome, asked.note);
      return {
        embeds: [
          embed({
            title: `Resolved: ref ${action.id.slice(0, 8)} ${outcome === 'executed' ? 'EXECUTED' : 'NOT executed'}`,
            description: `\`${action.actionKey}\` requested by ${action.requesterTag}: its UNKNOWN outcome is closed as **${outcome}**, with your note, in the action log (a \`reconciled\` row). The bot stops checking it.`,
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
    const [anchor, limit, user, action] = state.args;
    const query = { user: user === '-' ? undefined : user, action: action === '-' ? undefined : action, limit: Number(limit), anchor: Number(anchor) };
    const rows = await this.store.log.recent({ userId: query.user, actionKey: query.action, maxSeq: query.anchor, limit: query.limit });
    await interaction.update(auditPage(rows, query, state.page));
  }
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
  // A row's hash is recomputed under its scheme (sha256-v1, sha256 or hmac-sha256): without it the CSV cannot be checked.
  'hash_scheme',
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
