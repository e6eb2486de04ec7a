// What the bot shows in Discord around an action: the confirmation, the
// approval request, "Sending", the outcome, a closed request, the router's
// own answers, the tamper announcement, page buttons and suggestions.
// English is the source catalog. `{time}`-like values are Discord timestamps
// (<t:…>), which every reader's client localizes itself.

export const render = {
  /** Ends the summary sentence in bold. */
  sentenceEnd: '.',
  irreversible: '⚠️ **This cannot be undone once Binance executes it.**',
  exactRequest: 'Exact request',
  expires: 'Expires',
  ref: 'ref {ref}',
  noParameters: '(no parameters)',
  signedTail: '+ recvWindow={recvWindow}&timestamp=<at send>, then signed',
  account: 'Account',
  unchecked: '❔ Not checked: {reason}. The bot allows it; Binance decides.',
  confirm: {
    title: 'Confirm: /{command}',
    needsApproval: '👥 After you confirm, a second person who holds this action must approve it.',
    dryRun: '🧪 **DRY-RUN mode:** the request will be built and signed, and NOT sent to Binance.',
    dailyCap: '📊 Your daily cap: {dailyMax} {asset} per rolling 24 hours; spent or in flight: {spent} {asset}; left: {left} {asset}.',
    dailyCapAfter:
      '📊 Your daily cap: {dailyMax} {asset} per rolling 24 hours; spent or in flight: {spent} {asset}; left: {left} {asset}, {after} {asset} after this one.',
    weight: 'Weight',
    weightValue: '{amount} ({kind} limit, {family})',
    docs: 'Binance docs',
    footer: 'Requested by {tag} · only they can confirm · ref {ref}',
    confirmThenApproval: 'Confirm (then needs approval)',
  },
  sending: {
    title: 'Sending: /{command}',
    description: 'Confirmed by {by}. Sending the signed request to Binance…',
  },
  awaiting: {
    title: 'Waiting for approval: /{command}',
    description:
      'You confirmed. A second person who holds `{actionKey}` must approve in the channel before {time} ({relative}). You can withdraw it there with Reject.',
  },
  approval: {
    title: 'Approval needed: /{command}',
    asks: '<@{requester}> asks for: **{summary}.**',
    who: 'Who may approve',
    whoValue: 'Anyone but {tag} who holds `{actionKey}` (as requester or approver)',
  },
  closed: {
    title: {
      cancelled: 'Cancelled: {what}',
      expired: 'Expired: {what}',
      rejected: 'Rejected: {what}',
      refused: 'Refused: {what}',
      frozen: 'Frozen: {what}',
    },
    cancelled: 'Cancelled; nothing was sent.',
    expired: 'This confirmation expired; nothing was sent. Run the command again if it is still wanted.',
    rejected: 'Rejected; nothing was sent.',
    rejectedBy: 'Rejected by {by}; nothing was sent.',
    refused: 'Refused. Nothing was sent.',
    refusedBecause: 'Refused: {reason}. Nothing was sent.',
    frozen: '🧊 Closed: {reason}. Nothing was sent.',
    frozenDefault: 'the bot is frozen',
  },
} as const;

export const outcome = {
  footer: 'Confirmed by {by} · requested by {requester} · ref {ref}',
  footerOnAccount: 'Account {account} · {footer}',
  roundTrip: 'Round trip',
  done: '✅ Done: {title}',
  executed: 'Binance executed it (HTTP {status}).',
  binanceSaid: 'Binance said',
  whatItMeans: 'What it means',
  clock: 'Clock',
  resynced: 'Re-synced with Binance: offset now {offset} ms. The request was NOT re-sent; confirm a new one if still wanted.',
  resyncFailed: 'Re-sync failed ({reason}). The request was NOT re-sent.',
  refusedTitle: '❌ Refused by Binance: {title}',
  nothingExecuted: 'Nothing was executed.',
  bannedTitle: '🚫 IP BANNED by Binance: {title}',
  rateLimitedTitle: '⏳ Rate-limited: {title}',
  executedQuestion: 'Executed?',
  no: 'No.',
  tryAgainAfter: 'Try again after',
  unknownTitle: '⚠️ Outcome UNKNOWN: {title}',
  beforeTryingAgain: 'Before trying again',
  checkFirst:
    "Check in Binance whether it happened (the account's history for this product around {time}). The bot did not and will not re-send it; /status lists UNKNOWN outcomes until checked.",
  requestSent: 'Request sent',
  notSentTitle: 'Not sent: {title}',
  dryRunTitle: '🧪 DRY-RUN: {title}',
  dryRun: 'BINANCE_DRY_RUN is on: the request was built and signed, and NOT sent. Nothing happened on Binance.',
  wouldHaveSent: 'Would have sent',
  /** Field labels of a success body. */
  binanceSays: 'Binance says',
  binanceAnswered: 'Binance answered',
} as const;

export const router = {
  restarting: 'The bot is restarting; nothing was done. Try again in a minute.',
  foreignButton: 'This button is not one of the bot’s.',
  unknownCommand: 'The bot does not know /{command}; its commands may be out of date.',
  noDirectMessages: 'This bot works only in its Discord server, not in direct messages.',
  otherServer: 'This bot is not set up for this server.',
  failed: 'Something went wrong (reference {reference}). If you had confirmed an action, look at /audit before trying again.',
} as const;

export const tamper = {
  title: '🚨 TAMPERING: a stored action did not match its log',
  click:
    'A click by <@{user}> on `{actionKey}` (ref {ref}) found the stored action different from what was requested and logged. Nothing was sent; the action is closed.',
  findings: 'What differed: {findings}',
  proposalTitle: '🚨 TAMPERING: a stored proposal did not match its log',
  proposalClick:
    'A click by <@{user}> on a proposal (ref {ref}) found it different from what was proposed and logged. Nothing changed; the proposal is closed.',
  advice: 'Someone with write access to the bot’s database may have changed it: check who can write the file, then run `npm run verify-log` on a copy.',
} as const;

export const pages = {
  newer: '‹ Newer',
  older: 'Older ›',
  page: 'Page {page} / {count}',
} as const;

export const autocomplete = {
  noLoan: '{asset} (no loan)',
  borrowed: '{asset} (borrowed {borrowed})',
  accountLabelled: '{name} · {label}',
  accountUnchecked: '{account} (key not checked)',
  accountKinds: '{account} ({kinds})',
} as const;
