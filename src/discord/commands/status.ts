// /status: the freeze first when it is engaged (who, when, why), then each
// Binance API family (reachable, clock, usage against the limits, bans), the
// bot, the database, the audit trail (the audit channel and its backlog, the
// chain's key), pending confirmations and the UNKNOWN outcomes nobody has
// settled yet (those the reconciler or a person closed are not listed).
// For anyone holding a grant; it keeps working while the bot is frozen.
import { statSync } from 'node:fs';
import { MessageFlags, type ChatInputCommandInteraction, type InteractionEditReplyOptions } from 'discord.js';
import { z } from 'zod';
import type { Actor } from '../../actions/actor.ts';
import type { Authorizer } from '../../actions/authorization.ts';
import { FAMILIES, FAMILY_SPECS, type BinanceClient } from '../../binance/index.ts';
import type { OutboxBacklog, RefusalTally, Store, UnresolvedUnknown } from '../../store/index.ts';
import { COLOURS, discordTime, embed, noticeMessage, type MessageBody } from '../render.ts';
import { optionsFromSchema } from '../slash-options.ts';
import { GUILD_ONLY } from './shared.ts';

export function statusDefinition() {
  return {
    ...GUILD_ONLY,
    name: 'status',
    description: 'Binance reachability, clock and rate limits; pending and UNKNOWN actions',
    options: optionsFromSchema(z.object({})),
  };
}

export interface StatusCommandOptions {
  readonly store: Store;
  readonly authorizer: Authorizer;
  readonly binance: BinanceClient;
  readonly startedAt: number;
  readonly version: string;
  /** AUDIT_CHANNEL_ID, and whether AUDIT_LOG_KEY is set: /status warns when either is missing. */
  readonly audit: { readonly channelId: string | undefined; readonly keyed: boolean };
  readonly now?: () => number;
}

export class StatusCommand {
  readonly #now: () => number;

  constructor(private readonly options: StatusCommandOptions) {
    this.#now = options.now ?? Date.now;
  }

  async run(interaction: ChatInputCommandInteraction, actor: Actor): Promise<void> {
    if (!(await this.options.authorizer.isKnownUser(actor.id))) {
      // Someone without a grant: counted, not logged (refusal-counts.ts).
      this.options.store.refusals.count(actor.id, 'refused');
      await interaction.reply({ ...noticeMessage('Refused: /status is for users who hold at least one grant.'), flags: MessageFlags.Ephemeral });
      return;
    }
    // Pinging three hosts can take longer than Discord's 3 s: defer first.
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    await interaction.editReply((await this.#statusMessage()) as InteractionEditReplyOptions);
  }

  async #statusMessage(): Promise<MessageBody> {
    const { binance, store, startedAt, version } = this.options;
    const now = this.#now();
    const [health, pending, unknown, unresolved, freeze, backlog, strangers] = await Promise.all([
      Promise.all(FAMILIES.map((family) => binance.health(family))),
      store.pending.countOpen(now),
      store.reconcile.unresolved(5),
      store.reconcile.unresolvedCount(),
      store.freeze.current(),
      store.outbox.backlog(),
      store.refusals.since(now - 3_600_000),
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
    const unknownLines = unknown.map(unresolvedLine);
    if (unresolved > unknown.length) unknownLines.push(`…and ${unresolved - unknown.length} more`);
    return {
      embeds: [
        embed({
          title: freeze === undefined ? 'Bot status' : 'Bot status: 🧊 FROZEN',
          description:
            [
              freeze === undefined
                ? undefined
                : `🧊 **FROZEN** by <@${freeze.byId}> (${freeze.byTag}) ${discordTime(freeze.since, 'R')}, at ${discordTime(freeze.since, 'f')}: ${freeze.reason}\n` +
                  'Money-moving commands and clicks are refused; read-only commands work. Release: `/freeze off` (a root admin, or an admin whose release a second admin approves).',
              binance.dryRun ? '🧪 **DRY-RUN**: requests are built and signed but never sent.' : undefined,
            ]
              .filter((line): line is string => line !== undefined)
              .join('\n\n') || undefined,
          color: freeze !== undefined ? COLOURS.rejected : health.every((h) => h.reachable) ? COLOURS.success : COLOURS.unknown,
          fields: [
            ...familyFields,
            { name: 'Bot', value: `version ${version}, up since ${discordTime(startedAt, 'R')}`, inline: true },
            { name: 'Database', value: `${formatBytes(databaseBytes(store.db.path))}`, inline: true },
            { name: 'Pending confirmations', value: String(pending), inline: true },
            { name: 'Audit trail', value: auditLines(this.options.audit, backlog, now).join('\n') },
            { name: 'Turned down, people without a grant (last hour; counted, not logged)', value: strangerLine(strangers) },
            { name: `Unresolved UNKNOWN outcomes (${unresolved}; never re-sent, reconciled by reading Binance back)`, value: unknownLines.join('\n') || 'None.' },
          ],
        }),
      ],
      components: [],
    };
  }
}

/** "ref abcd1234 `pm.repay-debt` by alice 3 min ago · next check in 2 min: no repay record yet". */
function unresolvedLine(row: UnresolvedUnknown): string {
  const next =
    row.state === 'gave-up' || (row.state !== null && row.nextAt === null)
      ? 'checked for a day: resolve it with /audit resolve'
      : row.nextAt === null
        ? 'checking soon'
        : `next check ${discordTime(row.nextAt, 'R')}`;
  const seen = row.lastEvidence === null ? '' : `: ${row.lastEvidence.slice(0, 120)}`;
  return `ref ${row.actionId.slice(0, 8)} \`${row.actionKey ?? '?'}\` by ${row.requesterTag ?? row.requesterId ?? '?'} ${discordTime(row.at, 'R')} · ${next}${seen}`;
}

/** The audit channel and its backlog, and the chain's key: each missing one is a warning. */
function auditLines(audit: StatusCommandOptions['audit'], backlog: OutboxBacklog, now: number): string[] {
  const channel =
    audit.channelId === undefined
      ? '⚠️ No audit channel: AUDIT_CHANNEL_ID is not set, so events and anchors exist only in the bot’s own database.'
      : backlog.waiting === 0
        ? `📣 Audit channel <#${audit.channelId}>: every event posted${backlog.lastPostedAt === undefined ? '' : ` (latest ${discordTime(backlog.lastPostedAt, 'R')})`}.`
        : `📣 Audit channel <#${audit.channelId}>: **${backlog.waiting} waiting**, the oldest for ${Math.round((now - (backlog.oldestAt ?? now)) / 1000)} s` +
          (backlog.lastError === null ? '.' : `; last error: ${backlog.lastError} (${backlog.attempts} attempts). Check the bot's permissions there (View Channel, Send Messages, Embed Links).`);
  const key = audit.keyed
    ? '🔑 Log chain keyed with AUDIT_LOG_KEY (HMAC-SHA256).'
    : '⚠️ Log chain NOT keyed: AUDIT_LOG_KEY is not set, so anyone who can write the database could recompute the chain after an edit.';
  return [channel, key];
}

/** "42 from 2 people: <@…> 40 (38 invalid), <@…> 2". */
function strangerLine(tallies: readonly RefusalTally[]): string {
  if (tallies.length === 0) return 'None.';
  const total = tallies.reduce((sum, tally) => sum + tally.refused + tally.invalid, 0);
  const top = tallies.slice(0, 5).map((tally) => `<@${tally.userId}> ${tally.refused + tally.invalid}${tally.invalid === 0 ? '' : ` (${tally.invalid} invalid)`}`);
  return `${total} from ${tallies.length} ${tallies.length === 1 ? 'person' : 'people'}: ${top.join(', ')}${tallies.length > 5 ? ', …' : ''}`;
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
