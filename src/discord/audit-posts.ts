// What the audit channel shows: one small embed per log row (its seq first,
// so a reader sees a gap), coloured by what happened (an UNKNOWN outcome in a
// colour no other post uses), and one line per anchor (`seq hash` in a code
// span, with the bot's MAC under AUDIT_LOG_KEY: the line `npm run verify-log
// --anchors` reads back). Built from the row as the LOG holds it at post time
// (outbox.ts); an entry that does not match its row is posted as an alarm
// instead. A log row never holds a secret or a signature, and the text is cut
// to Discord's limits. Mentions are shown, never pinged. The words around a
// row are in BOT_LOCALE's language; what the row holds (its detail, the
// request, a finding) is shown as the log keeps it.
import type { APIEmbed, RESTPostAPIChannelMessageJSONBody } from 'discord.js';
import { z } from 'zod';
import { english, type Messages } from '../i18n/index.ts';
import { accessChange, formatAnchor, freezeParams, proposedParams, type AnchorReason, type LogEvent, type MirroredRow, type OutboxBody } from '../store/index.ts';
import { changeText } from './change-text.ts';
import { COLOURS, embed, truncate } from './render.ts';
import { parseJsonText } from '../json-text.ts';

/** Colours of audit posts: UNKNOWN's yellow is used by nothing else. */
export const AUDIT_COLOURS = {
  request: COLOURS.pending,
  success: COLOURS.success,
  refusal: COLOURS.rejected,
  unknown: COLOURS.unknown,
  rateLimited: COLOURS.rateLimited,
  closed: COLOURS.closed,
  dryRun: COLOURS.dryRun,
  access: 0x1abc9c,
  freeze: 0x206694,
  tamper: COLOURS.tamper,
  process: 0x607d8b,
} as const;

/**
 * The message for one outbox entry, with its nonce (Discord returns the first
 * message if it is posted again). `problem`: why the entry cannot be posted as
 * logged; the post is then an alarm, under the entry's #seq.
 */
export function auditMessage(body: OutboxBody, nonce: string, t: Messages = english, problem?: string): RESTPostAPIChannelMessageJSONBody {
  const base = { nonce, enforce_nonce: true, allowed_mentions: { parse: [] } };
  if (body.kind === 'anchor') {
    if (problem !== undefined) return { ...base, embeds: [alarmEmbed(t.auditPosts.anchorNotPosted({ seq: body.seq, problem }), t)] };
    const reasons: Readonly<Record<AnchorReason, string>> = t.auditPosts.anchorReasons;
    const mac = body.mac === undefined ? '' : ` mac \`${body.mac}\``;
    return { ...base, content: t.auditPosts.anchor({ reason: reasons[body.reason], anchor: formatAnchor(body), mac, seq: body.seq }) };
  }
  const shown = eventEmbed(body.row, t);
  if (problem === undefined) return { ...base, embeds: [shown] };
  return { ...base, embeds: [shown, alarmEmbed(`#${body.row.seq}: ${problem}`, t)] };
}

/** A finding posted straight to the channel: the database was altered outside the bot. */
export function alarmMessage(finding: string, t: Messages = english): RESTPostAPIChannelMessageJSONBody {
  return { allowed_mentions: { parse: [] }, embeds: [alarmEmbed(finding, t)] };
}

/** The alarm around a finding, in the channel's language; the finding as the bot logged it (English). */
function alarmEmbed(finding: string, t: Messages): APIEmbed {
  return embed({ description: t.auditPosts.alarm({ finding: truncate(finding, 1500) }), color: AUDIT_COLOURS.tamper });
}

/** A plainer message for an entry Discord refused as malformed: the order of posts must not stall on one. */
export function fallbackMessage(body: OutboxBody, nonce: string, t: Messages = english): RESTPostAPIChannelMessageJSONBody {
  const line = body.kind === 'anchor' ? `⚓ \`${formatAnchor(body)}\`` : t.auditPosts.fallback({ seq: body.row.seq, event: body.row.event });
  return { nonce, enforce_nonce: true, allowed_mentions: { parse: [] }, content: line };
}

function eventEmbed(row: MirroredRow, t: Messages): APIEmbed {
  const { icon, label, colour, text } = describeRow(row, t);
  const { auditPosts: a } = t;
  const who = row.user_id === null ? '' : row.user_tag === null ? a.by({ user: row.user_id }) : a.byTagged({ user: row.user_id, tag: row.user_tag });
  const key = row.action_key === null ? '' : ` · \`${row.action_key}\``;
  const ref = row.action_id === null ? '' : ` · ref ${row.action_id.slice(0, 8)}`;
  const lines = [`**#${row.seq}** ${icon} **${label}**${key}${who}${ref}${row.dry_run === 1 ? ' · DRY-RUN' : ''}`];
  if (text !== '') lines.push(truncate(text, 1500));
  return embed({ description: lines.join('\n'), color: colour, timestamp: new Date(row.at_ms).toISOString() });
}

interface Shown {
  readonly icon: string;
  readonly label: string;
  readonly colour: number;
  readonly text: string;
}

type PlainEvent = 'requested' | 'invalid' | 'refused' | 'confirmed' | 'approved' | 'rejected' | 'cancelled' | 'expired' | 'sent' | 'unfreeze' | 'tamper' | 'key-check' | 'host-ban' | 'startup' | 'shutdown';

/** Events shown by their detail (or, for `request`, the request they carry); their labels are in the catalog. */
const PLAIN: Readonly<Record<PlainEvent, Omit<Shown, 'text' | 'label'> & { readonly show: 'detail' | 'request' }>> = {
  requested: { icon: '📝', colour: AUDIT_COLOURS.request, show: 'request' },
  invalid: { icon: '⛔', colour: AUDIT_COLOURS.refusal, show: 'detail' },
  refused: { icon: '⛔', colour: AUDIT_COLOURS.refusal, show: 'detail' },
  confirmed: { icon: '✔️', colour: AUDIT_COLOURS.request, show: 'detail' },
  approved: { icon: '👥', colour: AUDIT_COLOURS.request, show: 'detail' },
  rejected: { icon: '✋', colour: AUDIT_COLOURS.closed, show: 'detail' },
  cancelled: { icon: '✖️', colour: AUDIT_COLOURS.closed, show: 'detail' },
  expired: { icon: '⌛', colour: AUDIT_COLOURS.closed, show: 'detail' },
  sent: { icon: '📤', colour: AUDIT_COLOURS.request, show: 'request' },
  unfreeze: { icon: '🟢', colour: AUDIT_COLOURS.success, show: 'detail' },
  tamper: { icon: '🚨', colour: AUDIT_COLOURS.tamper, show: 'detail' },
  'key-check': { icon: '🔑', colour: AUDIT_COLOURS.process, show: 'detail' },
  'host-ban': { icon: '🚫', colour: AUDIT_COLOURS.rateLimited, show: 'detail' },
  startup: { icon: '▶️', colour: AUDIT_COLOURS.process, show: 'detail' },
  shutdown: { icon: '⏹️', colour: AUDIT_COLOURS.process, show: 'detail' },
};

const isPlain = (event: LogEvent): event is PlainEvent => event in PLAIN;

/** Icon, label, colour and one line of text per event. */
function describeRow(row: MirroredRow, t: Messages): Shown {
  const { auditPosts: a } = t;
  const detail = row.detail ?? '';
  const { event } = row;
  if (isPlain(event)) {
    const plain = PLAIN[event];
    // A key that can withdraw, or works from any address, or could not be read, is shown in the colour of a refusal.
    const loud = event === 'key-check' && /⚠️|❔/.test(detail);
    return {
      icon: loud ? '⚠️' : plain.icon,
      label: a.events[event],
      colour: loud ? AUDIT_COLOURS.refusal : plain.colour,
      text: plain.show === 'request' ? requestLine(row.request_json, t) : detail,
    };
  }
  switch (event) {
    case 'outcome': {
      const shown = outcomeLine(row, t);
      const account = accountParam.safeParse(parseJsonText(row.params_json));
      return account.success ? { ...shown, text: [shown.text, a.onAccount({ account: account.data.account })].filter(Boolean).join(' · ') } : shown;
    }
    case 'verified':
    case 'reconciled':
      return readBackLine(row, event, t);
    case 'grant':
    case 'revoke':
    case 'policy':
      return { icon: '🔐', label: a.access({ event }), colour: AUDIT_COLOURS.access, text: [changeLine(row, t), detail].filter(Boolean).join('\n') };
    case 'proposed': {
      const proposed = proposedParams.safeParse(parseJsonText(row.params_json));
      return { icon: '🗳️', label: a.proposed, colour: AUDIT_COLOURS.access, text: proposed.success ? a.proposes({ change: changeText(proposed.data.change, undefined, t) }) : detail };
    }
    case 'freeze': {
      const freeze = freezeParams.safeParse(parseJsonText(row.params_json));
      return { icon: '🧊', label: a.frozen, colour: AUDIT_COLOURS.freeze, text: a.frozenText({ reason: freeze.success ? freeze.data.reason : detail }) };
    }
    default:
      return { icon: '•', label: event, colour: AUDIT_COLOURS.closed, text: detail };
  }
}

function outcomeLine(row: MirroredRow, t: Messages): Shown {
  const { outcomes } = t.auditPosts;
  const status = [row.http_status === null ? undefined : `HTTP ${row.http_status}`, row.binance_code === null ? undefined : outcomes.code({ code: row.binance_code }), row.latency_ms === null ? undefined : `${row.latency_ms} ms`]
    .filter(Boolean)
    .join(', ');
  const text = [status, row.detail ?? ''].filter(Boolean).join(' · ');
  switch (row.outcome_kind) {
    case 'success':
      return { icon: '✅', label: outcomes.success, colour: AUDIT_COLOURS.success, text };
    case 'unknown':
      return { icon: '⚠️', label: outcomes.unknown, colour: AUDIT_COLOURS.unknown, text };
    case 'rate-limited':
      return { icon: '⏳', label: outcomes.rateLimited, colour: AUDIT_COLOURS.rateLimited, text };
    case 'dry-run':
      return { icon: '🧪', label: outcomes.dryRun, colour: AUDIT_COLOURS.dryRun, text };
    case 'not-sent':
      return { icon: '⏸️', label: outcomes.notSent, colour: AUDIT_COLOURS.closed, text };
    default:
      return { icon: '❌', label: outcomes.other({ kind: row.outcome_kind ?? '?' }), colour: AUDIT_COLOURS.refusal, text };
  }
}

/** The `account` an outcome row's params name. */
const accountParam = z.object({ account: z.string() });

/** The state read back after a success (verified), or a decision on an UNKNOWN outcome (reconciled); the evidence as the log keeps it. */
function readBackLine(row: MirroredRow, event: 'verified' | 'reconciled', t: Messages): Shown {
  const text = row.detail ?? '';
  const { readBack: r } = t.auditPosts;
  const by = t.auditPosts.events[event];
  switch (row.outcome_kind) {
    case 'confirmed':
      return { icon: '🔎', label: r.confirmed({ by }), colour: AUDIT_COLOURS.success, text };
    case 'pending':
      return { icon: '🔎', label: r.pending({ by }), colour: AUDIT_COLOURS.request, text };
    case 'contradicted':
      return { icon: '⚠️', label: r.contradicted({ by }), colour: AUDIT_COLOURS.refusal, text };
    case 'unavailable':
      return { icon: '🔎', label: r.unavailable({ by }), colour: AUDIT_COLOURS.closed, text };
    case 'executed':
      return { icon: '✅', label: r.executed({ by }), colour: AUDIT_COLOURS.success, text };
    case 'not-executed':
      return { icon: '↩️', label: r.notExecuted({ by }), colour: AUDIT_COLOURS.closed, text };
    case 'unknown':
      return { icon: '⚠️', label: r.unknown({ by }), colour: AUDIT_COLOURS.unknown, text };
    default:
      return { icon: '🔎', label: r.other({ by, kind: row.outcome_kind ?? '?' }), colour: AUDIT_COLOURS.closed, text };
  }
}

/** `POST /papi/v1/margin/repay-debt asset=BTC&amount=0.01` on account main, from a requested or sent row. */
function requestLine(json: string | null, t: Messages): string {
  const request = parseJsonText(json) as { method?: unknown; path?: unknown; params?: unknown; account?: unknown } | undefined;
  if (request === undefined || typeof request.path !== 'string') return '';
  const params = typeof request.params === 'string' ? request.params : '';
  const account = typeof request.account === 'string' ? t.auditPosts.requestOnAccount({ account: request.account }) : '';
  return `\`${String(request.method ?? 'POST')} ${request.path}${params === '' ? '' : ` ${params}`}\`${account}`;
}

function changeLine(row: MirroredRow, t: Messages): string {
  const change = accessChange.safeParse({ kind: row.event, ...(parseJsonText(row.params_json) as object | undefined) });
  return change.success ? changeText(change.data, undefined, t) : '';
}

