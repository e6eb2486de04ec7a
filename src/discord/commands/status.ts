// /status: the freeze first when it is engaged (who, when, why), then each
// Binance API family (reachable, clock, usage against the limits: the host's
// IP counters, then each account's own; bans), the bot, the database, the
// audit trail (the audit channel and its backlog, the chain's key), pending
// confirmations and the UNKNOWN outcomes nobody has settled yet (those the
// reconciler or a person closed are not listed); and, below, each account's
// key as checked again now (account-status.ts). For anyone holding a grant;
// it keeps working while the bot is frozen. In the reader's language.
import { statSync } from 'node:fs';
import { MessageFlags, type ChatInputCommandInteraction, type InteractionEditReplyOptions } from 'discord.js';
import { z } from 'zod';
import type { Accounts } from '../../actions/accounts.ts';
import type { Actor } from '../../actions/actor.ts';
import type { Authorizer } from '../../actions/authorization.ts';
import type { EndpointDeclaration } from '../../actions/endpoint.ts';
import { FAMILIES, FAMILY_SPECS, type BinanceClient } from '../../binance/index.ts';
import type { Messages } from '../../i18n/index.ts';
import { anchorOverdue, type AnchorStanding, type OutboxBacklog, type RefusalTally, type Store, type UnresolvedUnknown } from '../../store/index.ts';
import { accountsStatus, accountUsageLines } from '../account-status.ts';
import { COLOURS, discordTime, embed, embedLength, LIMITS, noticeMessage, truncate, type MessageBody } from '../render.ts';
import { readerOf } from '../respond.ts';
import { optionsFromSchema } from '../slash-options.ts';
import { describedAs, GUILD_ONLY } from './shared.ts';

export function statusDefinition() {
  return {
    ...GUILD_ONLY,
    name: 'status',
    ...describedAs((t) => t.commands.status.description, '/status'),
    options: optionsFromSchema(z.object({})),
  };
}

export interface StatusCommandOptions {
  readonly store: Store;
  readonly authorizer: Authorizer;
  /** The client whose pings and clocks /status shows (main's: the clocks are shared). */
  readonly binance: BinanceClient;
  /** Every account, with its key check; `recheck` reads them all again before the answer. */
  readonly accounts?: { readonly accounts: Accounts; readonly endpoints: readonly EndpointDeclaration[]; readonly recheck: () => Promise<void> } | undefined;
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
    const t = readerOf(interaction);
    if (!(await this.options.authorizer.isKnownUser(actor.id))) {
      // Someone without a grant: counted, not logged (refusal-counts.ts).
      this.options.store.refusals.count(actor.id, 'refused');
      await interaction.reply({ ...noticeMessage(t.status.onlyGranted), flags: MessageFlags.Ephemeral });
      return;
    }
    // Pinging three hosts can take longer than Discord's 3 s: defer first.
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    await interaction.editReply((await this.#statusMessage(t)) as InteractionEditReplyOptions);
  }

  async #statusMessage(t: Messages): Promise<MessageBody> {
    const { status: s } = t;
    const { binance, store, startedAt, version } = this.options;
    const now = this.#now();
    const accounts = this.options.accounts;
    // Every key read again, beside the pings (a check that cannot read Binance keeps the earlier findings).
    const rechecked = accounts?.recheck();
    const [health, pending, unknown, unresolved, freeze, backlog, strangers, anchors] = await Promise.all([
      Promise.all(FAMILIES.map((family) => binance.health(family))),
      store.pending.countOpen(now),
      store.reconcile.unresolved(5),
      store.reconcile.unresolvedCount(),
      store.freeze.current(),
      store.outbox.backlog(),
      store.refusals.since(now - 3_600_000),
      store.outbox.anchorStanding(),
    ]);
    const familyFields = health.map((h) => ({
      name: `${h.reachable ? '🟢' : '🔴'} ${FAMILY_SPECS[h.family].label}`,
      value: [
        h.reachable ? s.answersIn({ ms: String(h.roundTripMs) }) : s.unreachable({ error: h.error ?? s.noAnswer }),
        h.clockSyncedAt === undefined ? s.clockNeverSynced({ offset: h.clockOffsetMs }) : s.clock({ offset: h.clockOffsetMs, synced: discordTime(h.clockSyncedAt, 'R') }),
        // The host's IP counters (every account spends them), then each account's own.
        ...(accounts === undefined ? h.usage : h.usage.filter((u) => u.scope === 'ip'))
          .filter((u) => u.limit !== undefined)
          .map((u) => `${u.header}: ${u.used} / ${u.limit}`),
        ...(accounts === undefined ? [] : accountUsageLines(accounts.accounts, h.family)),
        ...(h.blocked !== undefined && h.blocked.until > Date.now()
          ? [(h.blocked.banned ? s.bannedUntil : s.rateLimitedUntil)({ until: discordTime(h.blocked.until, 'T') })]
          : []),
      ].join('\n'),
    }));
    const unknownLines = unknown.map((row) => unresolvedLine(row, t));
    if (unresolved > unknown.length) unknownLines.push(s.unresolvedMore({ count: unresolved - unknown.length }));
    await rechecked;
    const main = embed({
      title: freeze === undefined ? s.title : s.titleFrozen,
      description:
        [
          freeze === undefined
            ? undefined
            : s.frozen({ id: freeze.byId, tag: freeze.byTag, ago: discordTime(freeze.since, 'R'), at: discordTime(freeze.since, 'f'), reason: freeze.reason }),
          binance.dryRun ? s.dryRun : undefined,
        ]
          .filter((line): line is string => line !== undefined)
          .join('\n\n') || undefined,
      color: freeze !== undefined ? COLOURS.rejected : health.every((h) => h.reachable) ? COLOURS.success : COLOURS.unknown,
      fields: [
        ...familyFields,
        { name: s.bot, value: s.botValue({ version, since: discordTime(startedAt, 'R') }), inline: true },
        { name: s.database, value: `${formatBytes(databaseBytes(store.db.path))}`, inline: true },
        { name: s.pending, value: String(pending), inline: true },
        { name: s.auditTrail, value: truncate(auditLines(this.options.audit, backlog, anchors, now, store.trail.reported, t).join('\n'), LIMITS.fieldValue) },
        { name: s.strangers, value: strangerLine(strangers, t) },
        { name: s.unresolved({ count: unresolved }), value: truncate(unknownLines.join('\n'), LIMITS.fieldValue) || s.none },
      ],
    });
    if (accounts === undefined) return { embeds: [main], components: [] };
    // Discord counts 6000 characters over all of a message's embeds: the accounts take what the first leaves.
    const room = Math.max(200, Math.min(LIMITS.description, LIMITS.total - embedLength(main) - 100));
    const keys = embed({
      title: s.accountsTitle,
      description: truncate(accountsStatus(accounts.accounts, accounts.endpoints, t), room),
      color: COLOURS.pending,
    });
    return { embeds: [main, keys], components: [] };
  }
}

/**
 * "ref abcd1234 `pm.repay-debt` on main by alice 3 min ago · next check in 2 min: no repay record yet".
 * The latest evidence is quoted as stored (English, like every log detail).
 */
function unresolvedLine(row: UnresolvedUnknown, t: Messages): string {
  const { status: s } = t;
  const next =
    row.state === 'gave-up' || (row.state !== null && row.nextAt === null)
      ? s.unresolvedGaveUp
      : row.nextAt === null
        ? s.unresolvedSoon
        : s.unresolvedNext({ when: discordTime(row.nextAt, 'R') });
  const line = s.unresolvedLine({
    ref: row.actionId.slice(0, 8),
    actionKey: row.actionKey ?? '?',
    account: row.account ?? '?',
    by: row.requesterTag ?? row.requesterId ?? '?',
    when: discordTime(row.at, 'R'),
    next,
  });
  return row.lastEvidence === null ? line : s.unresolvedSeen({ line, evidence: row.lastEvidence.slice(0, 120) });
}

/** The audit channel, its backlog and anchors, the chain's key, and what the bot found altered: each is a warning when wrong. */
function auditLines(audit: StatusCommandOptions['audit'], backlog: OutboxBacklog, anchors: AnchorStanding, now: number, findings: readonly string[], t: Messages): string[] {
  const { status: s } = t;
  const channelId = audit.channelId;
  const waiting = () => {
    const figures = { channel: channelId ?? '', waiting: backlog.waiting, seconds: Math.round((now - (backlog.oldestAt ?? now)) / 1000) };
    return backlog.lastError === null ? s.channelWaiting(figures) : s.channelFailing({ ...figures, error: backlog.lastError, attempts: backlog.attempts });
  };
  const channel =
    channelId === undefined
      ? s.noChannel
      : backlog.waiting === 0
        ? backlog.lastPostedAt === undefined
          ? s.channelCaughtUp({ channel: channelId })
          : s.channelCaughtUpLatest({ channel: channelId, latest: discordTime(backlog.lastPostedAt, 'R') })
        : waiting();
  const overdue = channelId !== undefined && anchorOverdue(anchors, now) ? [overdueLine(anchors, t)] : [];
  // The findings are the store's sentences, as the tamper rows keep them.
  const altered = findings.map((finding) => s.foundAltered({ finding }).slice(0, 300));
  return [channel, audit.keyed ? s.keyed : s.notKeyed, ...overdue, ...altered.slice(0, 3), ...(altered.length > 3 ? [s.alteredMore({ count: altered.length - 3 })] : [])];
}

/** Rows waiting for an anchor longer than the hourly anchor allows (outbox.ts anchorOverdue). */
function overdueLine(anchors: AnchorStanding, t: Messages): string {
  const since = discordTime(anchors.unanchoredSince ?? 0, 'f');
  const { lastPosted } = anchors;
  return lastPosted === undefined
    ? t.status.anchorsOverdueNone({ since })
    : t.status.anchorsOverdue({ seq: lastPosted.seq, posted: discordTime(lastPosted.at, 'f'), since });
}

/** "42 from 2 people: <@…> 40 (38 invalid), <@…> 2". */
function strangerLine(tallies: readonly RefusalTally[], t: Messages): string {
  const { status: s } = t;
  if (tallies.length === 0) return s.none;
  const total = tallies.reduce((sum, tally) => sum + tally.refused + tally.invalid, 0);
  const top = tallies
    .slice(0, 5)
    .map((tally) => (tally.invalid === 0 ? s.tally({ user: tally.userId, count: tally.refused }) : s.tallyInvalid({ user: tally.userId, count: tally.refused + tally.invalid, invalid: tally.invalid })));
  const people = (tallies.length === 1 ? s.fromOne : s.fromMany)({ total, count: tallies.length });
  return `${people}${top.join(', ')}${tallies.length > 5 ? ', …' : ''}`;
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
