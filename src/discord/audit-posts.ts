// What the audit channel shows: one small embed per log row (its seq first,
// so a reader sees a gap), coloured by what happened (an UNKNOWN outcome in a
// colour no other post uses), and one line per anchor (`seq hash` in a code
// span, the line `npm run verify-log --anchors` reads back). Built from the
// row's own columns as the outbox kept them; a log row never holds a secret or
// a signature, and the text is cut to Discord's limits. Mentions are shown,
// never pinged.
import type { APIEmbed, RESTPostAPIChannelMessageJSONBody } from 'discord.js';
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

const ANCHOR_REASONS: Readonly<Record<AnchorReason, string>> = {
  rows: 'every 100 rows',
  hour: 'hourly',
  startup: 'at start-up',
  shutdown: 'at shutdown',
};

/** The message for one outbox entry, with its nonce (Discord returns the first message if it is posted again). */
export function auditMessage(body: OutboxBody, nonce: string): RESTPostAPIChannelMessageJSONBody {
  const base = { nonce, enforce_nonce: true, allowed_mentions: { parse: [] } };
  if (body.kind === 'anchor') {
    return {
      ...base,
      content:
        `⚓ Log anchor (${ANCHOR_REASONS[body.reason]}): \`${formatAnchor(body)}\` — row ${body.seq} of the action log and its hash. ` +
        'Keep this line outside the bot’s host; `npm run verify-log -- --anchors FILE` checks the log still holds it.',
    };
  }
  return { ...base, embeds: [eventEmbed(body.row)] };
}

/** A plainer message for an entry Discord refused as malformed: the order of posts must not stall on one. */
export function fallbackMessage(body: OutboxBody, nonce: string): RESTPostAPIChannelMessageJSONBody {
  const line = body.kind === 'anchor' ? `⚓ \`${formatAnchor(body)}\`` : `#${body.row.seq} ${body.row.event} (could not be shown in full; see /audit)`;
  return { nonce, enforce_nonce: true, allowed_mentions: { parse: [] }, content: line };
}

function eventEmbed(row: MirroredRow): APIEmbed {
  const { icon, label, colour, text } = describeRow(row);
  const who = row.user_id === null ? '' : ` · by <@${row.user_id}>${row.user_tag === null ? '' : ` (${row.user_tag})`}`;
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

/** Events shown by their detail (or, for `request`, the request they carry). */
const PLAIN: Partial<Record<LogEvent, Omit<Shown, 'text'> & { readonly show: 'detail' | 'request' }>> = {
  requested: { icon: '📝', label: 'requested', colour: AUDIT_COLOURS.request, show: 'request' },
  invalid: { icon: '⛔', label: 'invalid input', colour: AUDIT_COLOURS.refusal, show: 'detail' },
  refused: { icon: '⛔', label: 'refused', colour: AUDIT_COLOURS.refusal, show: 'detail' },
  confirmed: { icon: '✔️', label: 'confirmed', colour: AUDIT_COLOURS.request, show: 'detail' },
  approved: { icon: '👥', label: 'approved', colour: AUDIT_COLOURS.request, show: 'detail' },
  rejected: { icon: '✋', label: 'rejected', colour: AUDIT_COLOURS.closed, show: 'detail' },
  cancelled: { icon: '✖️', label: 'cancelled', colour: AUDIT_COLOURS.closed, show: 'detail' },
  expired: { icon: '⌛', label: 'expired', colour: AUDIT_COLOURS.closed, show: 'detail' },
  sent: { icon: '📤', label: 'sent to Binance', colour: AUDIT_COLOURS.request, show: 'request' },
  unfreeze: { icon: '🟢', label: 'freeze released', colour: AUDIT_COLOURS.success, show: 'detail' },
  tamper: { icon: '🚨', label: 'TAMPERING', colour: AUDIT_COLOURS.tamper, show: 'detail' },
  startup: { icon: '▶️', label: 'bot started', colour: AUDIT_COLOURS.process, show: 'detail' },
  shutdown: { icon: '⏹️', label: 'bot stopped', colour: AUDIT_COLOURS.process, show: 'detail' },
};

/** Icon, label, colour and one line of text per event. */
function describeRow(row: MirroredRow): Shown {
  const detail = row.detail ?? '';
  const plain = PLAIN[row.event];
  if (plain !== undefined) return { icon: plain.icon, label: plain.label, colour: plain.colour, text: plain.show === 'request' ? requestLine(row.request_json) : detail };
  switch (row.event) {
    case 'outcome':
      return outcomeLine(row);
    case 'verified':
    case 'reconciled':
      return readBackLine(row);
    case 'grant':
    case 'revoke':
    case 'policy':
      return { icon: '🔐', label: `access: ${row.event}`, colour: AUDIT_COLOURS.access, text: [changeLine(row), detail].filter(Boolean).join('\n') };
    case 'proposed': {
      const proposed = proposedParams.safeParse(parseJsonText(row.params_json));
      return { icon: '🗳️', label: 'proposed', colour: AUDIT_COLOURS.access, text: proposed.success ? `proposes: ${changeText(proposed.data.change)}` : detail };
    }
    case 'freeze': {
      const freeze = freezeParams.safeParse(parseJsonText(row.params_json));
      return { icon: '🧊', label: 'FROZEN', colour: AUDIT_COLOURS.freeze, text: `every money-moving command is stopped: ${freeze.success ? freeze.data.reason : detail}` };
    }
    default:
      return { icon: '•', label: row.event, colour: AUDIT_COLOURS.closed, text: detail };
  }
}

function outcomeLine(row: MirroredRow): Shown {
  const status = [row.http_status === null ? undefined : `HTTP ${row.http_status}`, row.binance_code === null ? undefined : `code ${row.binance_code}`, row.latency_ms === null ? undefined : `${row.latency_ms} ms`]
    .filter(Boolean)
    .join(', ');
  const text = [status, row.detail ?? ''].filter(Boolean).join(' · ');
  switch (row.outcome_kind) {
    case 'success':
      return { icon: '✅', label: 'outcome: success', colour: AUDIT_COLOURS.success, text };
    case 'unknown':
      return { icon: '⚠️', label: 'outcome: UNKNOWN — check in Binance', colour: AUDIT_COLOURS.unknown, text };
    case 'rate-limited':
      return { icon: '⏳', label: 'outcome: rate-limited', colour: AUDIT_COLOURS.rateLimited, text };
    case 'dry-run':
      return { icon: '🧪', label: 'outcome: dry-run (not sent)', colour: AUDIT_COLOURS.dryRun, text };
    case 'not-sent':
      return { icon: '⏸️', label: 'outcome: not sent', colour: AUDIT_COLOURS.closed, text };
    default:
      return { icon: '❌', label: `outcome: ${row.outcome_kind ?? '?'}`, colour: AUDIT_COLOURS.refusal, text };
  }
}

/** The state read back after a success (verified), or a decision on an UNKNOWN outcome (reconciled). */
function readBackLine(row: MirroredRow): Shown {
  const text = row.detail ?? '';
  const by = row.event === 'verified' ? 'read back' : 'reconciled';
  switch (row.outcome_kind) {
    case 'confirmed':
      return { icon: '🔎', label: `${by}: confirmed`, colour: AUDIT_COLOURS.success, text };
    case 'pending':
      return { icon: '🔎', label: `${by}: still settling`, colour: AUDIT_COLOURS.request, text };
    case 'contradicted':
      return { icon: '⚠️', label: `${by}: CONTRADICTS the answer`, colour: AUDIT_COLOURS.refusal, text };
    case 'executed':
      return { icon: '✅', label: `${by}: EXECUTED`, colour: AUDIT_COLOURS.success, text };
    case 'not-executed':
      return { icon: '↩️', label: `${by}: NOT executed`, colour: AUDIT_COLOURS.closed, text };
    case 'unknown':
      return { icon: '⚠️', label: `${by}: still UNKNOWN`, colour: AUDIT_COLOURS.unknown, text };
    default:
      return { icon: '🔎', label: `${by}: ${row.outcome_kind ?? '?'}`, colour: AUDIT_COLOURS.closed, text };
  }
}

/** `POST /papi/v1/margin/repay-debt asset=BTC&amount=0.01` from a requested or sent row. */
function requestLine(json: string | null): string {
  const request = parseJsonText(json) as { method?: unknown; path?: unknown; params?: unknown; totalParams?: unknown } | undefined;
  if (request === undefined || typeof request.path !== 'string') return '';
  const params = typeof request.params === 'string' ? request.params : '';
  return `\`${String(request.method ?? 'POST')} ${request.path}${params === '' ? '' : ` ${params}`}\``;
}

function changeLine(row: MirroredRow): string {
  const change = accessChange.safeParse({ kind: row.event, ...(parseJsonText(row.params_json) as object | undefined) });
  return change.success ? changeText(change.data) : '';
}

