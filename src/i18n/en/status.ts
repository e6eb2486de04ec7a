// /status, /audit recent and the audit channel's posts. English is the
// source catalog. Log rows themselves (event names, details, the CSV and its
// header) stay as the log keeps them.

export const status = {
  onlyGranted: 'Refused: /status is for users who hold at least one grant.',
  answersIn: 'answers in {ms} ms',
  unreachable: 'not reachable: {error}',
  noAnswer: 'no answer',
  clockNeverSynced: 'clock offset {offset} ms (never synced)',
  clock: 'clock offset {offset} ms, synced {synced}',
  bannedUntil: '🚫 IP BANNED until {until}',
  rateLimitedUntil: '⏳ rate-limited until {until}',
  unknownLine: '#{seq} `{actionKey}` by {by} {when}',
  title: 'Bot status',
  titleFrozen: 'Bot status: 🧊 FROZEN',
  frozen:
    '🧊 **FROZEN** by <@{id}> ({tag}) {ago}, at {at}: {reason}\nMoney-moving commands and clicks are refused; read-only commands work. Release: `/freeze off` (a root admin, or an admin whose release a second admin approves).',
  dryRun: '🧪 **DRY-RUN**: requests are built and signed but never sent.',
  bot: 'Bot',
  botValue: 'version {version}, up since {since}',
  database: 'Database',
  pending: 'Pending confirmations',
  auditTrail: 'Audit trail',
  strangers: 'Turned down, people without a grant (last hour; counted, not logged)',
  unknown: 'Latest UNKNOWN outcomes (check these in Binance)',
  none: 'None.',
  noChannel: '⚠️ No audit channel: AUDIT_CHANNEL_ID is not set, so events and anchors exist only in the bot’s own database.',
  channelCaughtUp: '📣 Audit channel <#{channel}>: every event posted.',
  channelCaughtUpLatest: '📣 Audit channel <#{channel}>: every event posted (latest {latest}).',
  channelWaiting: '📣 Audit channel <#{channel}>: **{waiting} waiting**, the oldest for {seconds} s.',
  channelFailing:
    "📣 Audit channel <#{channel}>: **{waiting} waiting**, the oldest for {seconds} s; last error: {error} ({attempts} attempts). Check the bot's permissions there (View Channel, Send Messages, Embed Links).",
  keyed: '🔑 Log chain keyed with AUDIT_LOG_KEY (HMAC-SHA256).',
  notKeyed: '⚠️ Log chain NOT keyed: AUDIT_LOG_KEY is not set, so anyone who can write the database could recompute the chain after an edit.',
  tally: '<@{user}> {count}',
  tallyInvalid: '<@{user}> {count} ({invalid} invalid)',
  fromOne: '{total} from {count} person: ',
  fromMany: '{total} from {count} people: ',
} as const;

export const audit = {
  scopeUser: 'user <@{user}>',
  scopeAction: 'action `{action}`',
  range: ' ({first}–{last} of {total})',
  titleOne: 'Action log: latest 1 row{range}',
  title: 'Action log: latest {count} rows{range}',
  scoped: '{title} · {scope}',
  noRows: 'No rows match.',
  footer: 'audit.csv holds these rows in full, with each row’s hash; npm run verify-log checks the chain.',
} as const;

export const auditPosts = {
  anchorReasons: {
    rows: 'every 100 rows',
    hour: 'hourly',
    startup: 'at start-up',
    shutdown: 'at shutdown',
  },
  anchor:
    '⚓ Log anchor ({reason}): `{anchor}` — row {seq} of the action log and its hash. Keep this line outside the bot’s host; `npm run verify-log -- --anchors FILE` checks the log still holds it.',
  fallback: '#{seq} {event} (could not be shown in full; see /audit)',
  by: ' · by <@{user}>',
  byTagged: ' · by <@{user}> ({tag})',
  events: {
    requested: 'requested',
    invalid: 'invalid input',
    refused: 'refused',
    confirmed: 'confirmed',
    approved: 'approved',
    rejected: 'rejected',
    cancelled: 'cancelled',
    expired: 'expired',
    sent: 'sent to Binance',
    unfreeze: 'freeze released',
    tamper: 'TAMPERING',
    startup: 'bot started',
    shutdown: 'bot stopped',
  },
  access: 'access: {event}',
  proposed: 'proposed',
  proposes: 'proposes: {change}',
  frozen: 'FROZEN',
  frozenText: 'every money-moving command is stopped: {reason}',
  outcomes: {
    success: 'outcome: success',
    unknown: 'outcome: UNKNOWN — check in Binance',
    rateLimited: 'outcome: rate-limited',
    dryRun: 'outcome: dry-run (not sent)',
    notSent: 'outcome: not sent',
    other: 'outcome: {kind}',
    code: 'code {code}',
  },
} as const;
