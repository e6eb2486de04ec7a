// The pipeline's words (validate → authorize → confirm → claim → send): what an
// operator is told when a request or click is refused, invalid or too late.
// English is the source catalog: zh-CN/pipeline.ts translates every key.

export const common = {
  refused: 'Refused: {reason}.',
} as const;

export const pipeline = {
  invalidOptions: 'Nothing was sent: the command has invalid options.\n{problems}',
  refused: 'Refused: {reason}. Nothing was sent.',
  secretInput:
    "Nothing was sent: {options} holds text that matches one of the bot's own secrets (an API secret, the Discord token, AUDIT_LOG_KEY or a key passphrase), so it was refused and stored nowhere (neither the log nor the audit channel shows it). If you pasted a secret by mistake, tell whoever runs the bot: it should be rotated.",
  frozenWhileAsked: 'the bot was frozen while this was asked for',
  onlyRequester: 'Only {tag}, who asked for this action, can confirm or cancel it.',
  selfApproval: 'You asked for this action, so you cannot approve it: a different person who holds the action must.',
  onlyHolderRejects: 'Only someone who holds `{actionKey}` (as requester or approver) can reject this request.',
  unknownAction: 'This confirmation is unknown to the bot; run the command again.',
  expired: 'This confirmation has expired; nothing was sent. Run the command again if it is still wanted.',
  uncheckableButton:
    'This button cannot be checked against what it was posted for (it was greyed out, or posted by an older version of the bot), so it does nothing: nothing was sent and nothing changed. Run the command again.',
  unknownActionKey: 'The bot no longer knows the action `{actionKey}`; nothing was sent.',
  closed: {
    executing: 'This action is already being sent; watch this message for the result.',
    completed: 'This action was already sent (result: {result}); it runs only once.',
    seeAudit: 'see /audit',
    cancelled: 'This action was cancelled; nothing was sent.',
    closedBecause: 'This action was closed ({reason}); nothing was sent.',
    rejected: 'This action was rejected; nothing was sent.',
    rejectedBy: 'This action was rejected by {by}; nothing was sent.',
    failed: 'This action could not be sent; see /audit.',
    pending: 'This action still waits for its requester to confirm it.',
    awaitingApproval: 'This action is waiting for a second person to approve it.',
  },
  click: {
    requesterLost:
      'Closed: {tag}, who asked for it, no longer holds `{actionKey}` for this request (their grant or cap changed). The request is closed and nothing was sent.',
    refusedClosed: 'Refused: {reason}. The request is closed and nothing was sent.',
    overDailyCap: 'over the daily cap at the click',
  },
  send: {
    lost: 'Another bot process closed this action before it was sent; nothing was sent.',
    frozen: 'Nothing was sent: {reason}.',
    logFailed: 'Nothing was sent: the action log could not be written, and the bot sends nothing it cannot record.',
    accountGone: "Nothing was sent: the account {account} is not in the bot's configuration.",
  },
  tampered: {
    closedReason: 'tampering: its stored record does not match the log',
    refused:
      'Refused: this action’s stored record does not match what was requested and logged, so it may have been altered in the database. Nothing was sent and the request is closed. The finding is logged (and posted to the audit channel when there is one); tell whoever runs the bot.',
    altered:
      "Refused: {findings}. Nothing was sent and nothing changed: while the bot's database is not what its log explains, money-moving commands and access changes are refused. The finding is logged and posted to the audit channel; tell whoever runs the bot, and check a copy with `npm run verify-log`.",
    proposalRefused:
      'Refused: this proposal’s stored record does not match what was proposed and logged, so it may have been altered in the database. Nothing changed and the proposal is closed. The finding is logged (and posted to the audit channel when there is one); tell whoever runs the bot.',
  },
  binding: {
    tooOld: 'it was requested before this version of the bot, which cannot check it: run the command again',
    unknownAction: 'the bot no longer knows the action `{actionKey}`',
    cannotRun: 'Closed: {reason}. Nothing was sent; run the command again.',
  },
  target: {
    olderVersion: 'an older version of the bot',
    dryRun: '{url} in DRY-RUN',
    changed: "the bot's target changed since the confirmation: shown for {shown}, now {now}",
    accountGone: "the account {account} is no longer in the bot's configuration (BINANCE_ACCOUNTS), so there is no key to sign it with",
  },
} as const;

export const validation = {
  required: 'is required',
  oneOf: 'must be one of {values}',
  line: '• `{field}` {message}',
  youSent: ' (you sent `{sent}`)',
  /** zod's own words, for a rule the bot did not word itself. */
  zodSays: '{message}',
  invalidOptions: 'Invalid options:\n{lines}',
  asset: 'must be 2 to 20 letters or digits, such as BTC or USDT',
  symbol: 'must be 5 to 30 letters or digits, such as BTCUSDT',
  atMost: 'must be at most {max} characters',
  decimal: "must be a positive decimal number such as 0.5 or 1200: digits and at most one '.', no sign, comma, spaces or exponent",
  positive: 'must be greater than 0',
  decimals: 'has {places} decimal places; at most {max} are allowed',
  assetListEmpty: 'must list at least one asset, comma-separated, such as USDT,BTC',
  notAnAsset: 'has "{bad}", which is not an asset: each entry {rule}',
} as const;

export const auth = {
  notGranted: 'you have not been granted `{actionKey}`; ask someone with `access.admin` to grant it',
  approverOnly: "you hold `{actionKey}` as an approver: you may approve or reject other people's requests, not make one",
} as const;

export const caps = {
  legacyCap:
    'your grant of `{actionKey}` carries a cap on "every asset" (*) from an older version of the bot, which no longer counts as a cap; an admin must re-grant it with a named asset (/access grant … asset:BTC max-amount:…)',
  coversNoAsset: 'no asset on this account (its rows cap different assets)',
  coversOnly: 'only {caps}',
  notCovered: 'your grant of `{actionKey}` covers {covered}, not {asset}',
  needsAmount: 'your grant of `{actionKey}` caps {asset} ({cap}); give an amount (leaving it out repays the whole loan, which may be more)',
  overPerRequest: '{amount} {asset} is above your cap of {max} {capAsset} per request for `{actionKey}`',
  dailyNeedsAmount: 'your grant of `{actionKey}` has a daily cap on {asset}; give an amount',
  overDaily:
    '{amount} {asset} would take your rolling 24-hour total of `{actionKey}` to {total} {asset}, above your daily cap of {dailyMax} {asset} (already spent or in flight: {spent} {asset}; left: {left} {asset})',
  legacyDescribed: '⚠️ legacy cap on every asset ({max}): refused until re-granted with a named asset',
  perRequest: '{amount} {asset} per request',
  perDay: '{amount} {asset} per 24 h',
  separator: ', ',
} as const;
