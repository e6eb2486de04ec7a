// Live state, read-backs and reconciliation (issue 13): the confirmation's
// state, what a read-back after a success showed, the reconciler's decisions
// on UNKNOWN outcomes, /audit resolve, and the Send-anyway rule. The state
// lines of each endpoint are under `endpoints`. English is the source catalog;
// the log keeps these texts in English.

export const sendAnyway = {
  /** What the earlier identical request is (its ref first). */
  earlier: {
    unknown: 'an identical request (ref {ref} by {tag}) has an UNKNOWN outcome that is not resolved yet: it may have executed',
    inFlight: 'an identical request (ref {ref} by {tag}) is being sent to Binance right now',
    executedJustNow: 'an identical request (ref {ref} by {tag}) was executed less than a minute ago',
    executed: 'an identical request (ref {ref} by {tag}) was executed {minutes} min ago',
  },
  refusal: 'Not sent yet: {earlier}. If you are sure this is a new, separate request, click **Send anyway**; otherwise Cancel and check the earlier one first.',
  /** The `refused` row's detail. */
  needed: 'needs "Send anyway": {earlier}',
  /** The `confirmed` row's detail when the requester sent anyway. */
  sentAnyway: 'sent anyway after the warning: {earlier}',
} as const;

export const resolution = {
  noRef: "No action has the ref `{ref}`: copy it from the action's message or from /status.",
  ambiguous: 'More than one action starts with `{ref}`: give more characters of the ref.',
  needsRight: 'resolving `{actionKey}` needs a grant of it or `{admin}`',
  /** The `refused` row's detail. */
  refusedDetail: '/audit resolve: {reason}',
  neverSent: 'ref {ref} has no UNKNOWN outcome to resolve (it was never sent); see /audit recent.',
  notUnknown: 'ref {ref} has no UNKNOWN outcome to resolve (its outcome is {kind}); see /audit recent.',
  alreadyResolved: 'ref {ref} was already resolved as {verdict} (log row #{seq}); nothing changed.',
  /** The `reconciled` row's evidence. */
  byHand: 'resolved by hand {right}: {note}',
} as const;

/** The words every read-back shares (read-back.ts), and why a read could not be made. */
export const readBack = {
  seconds: '{n} s',
  minutes: '{n} min',
  readAfter: 'read {since} after the send',
  /** A switch or a margin type: the state decides (stateDecision). */
  state: {
    laterSend: '{now} ({read}), but an identical request was sent after this one: which of them acted cannot be told from the state',
    changed: '{now} ({read}); the confirmation showed {before}',
    changedOtherwise: '{now} ({read}); the confirmation showed otherwise',
    alreadyBefore: '{now} ({read}), as requested; it already was so before, so whether this call or an earlier change did it cannot be told, and the effect is in place',
    unreadBefore: '{now} ({read}), as requested; it could not be read before, so whether this call or an earlier change did it cannot be told, and the effect is in place',
    notYet: '{now} ({read}); Binance may not have applied it yet',
    notApplied: '{now} ({read}), not what was requested',
  },
  /** Why the state could not be read or judged. */
  why: {
    storedOptions: 'its stored options no longer pass the command’s validation',
    noReadBack: '`{actionKey}` declares no read-back',
    noClient: 'the bot has no Binance client for account {account}',
    late: 'Binance did not answer within {seconds} s',
    shape: "Binance's answer does not hold what the bot reads ({issue})",
    unexpectedShape: 'unexpected shape',
    refused: 'Binance refused the read of {path} ({code}: {message})',
    banned: 'Binance has banned this IP address; reads resume at {time}',
    wait: 'Binance asked the bot to wait; reads resume at {time}',
    timeout: 'Binance did not answer the read of {path} in time',
    noAnswer: 'the read of {path} got no answer ({reason})',
    httpStatus: 'Binance answered the read of {path} with HTTP {status}',
    unreachable: 'Binance could not be reached ({why})',
    dryRun: 'the read was not sent (dry-run)',
    failed: 'the read of {path} failed ({error})',
    ownShare: 'reads have spent {own} of their share of {header} this window ({share} of {limit}; the rest is kept for money-moving calls)',
    ceiling: '{header} is at {used} of {limit}, and reads stop at {ceiling} so that the last {share} stay free for money-moving calls',
    wrongKind: 'account {account} is not a {kind} account ({reason}), so its key cannot read this state',
    noReading: 'the API key of account {account} lacks {permission}',
  },
  /** The log's words about a read-back (stored in English). */
  log: {
    closedReason: 'Binance would refuse it: {reason}',
    refusedBefore: 'before the click, from the live state: Binance would refuse it ({reason}); no Confirm was offered',
    notReadBack: 'could not read the state back: {why}',
  },
  /** Why the reconciler could not decide. */
  reconcile: {
    lateAnswer: "Binance's own answer arrived late: {kind}",
    lateAnswerStatus: "Binance's own answer arrived late: {kind} (HTTP {status})",
    noReadBack: '`{actionKey}` declares no read-back, so the bot cannot check it',
    noSentRequest: 'the log holds no sent request to compare the records with',
    unread: 'Binance could not be read: {why}',
    gaveUp: '{evidence}. The bot has checked for a day and stops now: check in Binance, then close it with /audit resolve',
  },
} as const;

/** The confirmation's live state, and the read-back after a success. */
export const liveState = {
  field: '📡 On Binance now',
  unavailable: 'Current state unavailable ({why}). Binance decides when you confirm.',
  warning: '🛑 **Careful: {earlier}.** Confirm will then ask for a second, explicit **Send anyway** click before anything is sent.',
  notOffered: 'Not offered: /{command}',
  wouldRefuse: '⛔ **Binance would refuse this:** {reason}.',
  noConfirm: 'No Confirm is offered and nothing was sent; the request is closed.',
  footer: 'Requested by {tag} · ref {ref}',
  readBack: '🔎 Read back',
  readBackUnavailable: 'The state could not be read back ({why}). Check it in Binance if it matters.',
  contradictedTop: '⚠️ **Binance answered success, but reading the state back contradicts it:** {detail}. Check in Binance.',
  change: '{before} → {after}',
  now: 'now: {after}',
  confirmed: '{change}\n✅ {detail}',
  pending: '{change}\n⏳ still settling: {detail}',
  contradicted: '{change}\n⚠️ CONTRADICTS the answer: {detail}',
  reconciling: '🔁 Reconciling',
  reconcilingValue:
    'The bot reads Binance back 5 s, 30 s, 2 min and 10 min after the send, then hourly for a day, and shows what it finds here (or in the channel). It never sends the request again. Until then /status lists it, and a new identical request needs **Send anyway**; `/audit resolve` closes it by hand.',
} as const;

/** The reconciler's decision on an UNKNOWN outcome, on the requester's message or in the channel. */
export const reconcile = {
  executedTitle: '✅ Reconciled: EXECUTED — {what}',
  notExecutedTitle: '↩️ Reconciled: NOT executed — {what}',
  unknownTitle: '⚠️ Still UNKNOWN — {what}',
  description: 'The outcome was UNKNOWN. Reading Binance back ({time}): {evidence}.',
  executedNext: 'It happened on Binance: do not send it again.',
  notExecutedNext: 'Nothing happened on Binance; run the command again if it is still wanted.',
  unknownNext: 'Check in Binance, then close it: `/audit resolve ref:{ref} outcome:executed|not-executed note:…`',
  footer: 'Requested by {tag} · account {account} · ref {ref}',
  /** Above the decision when it is posted in the channel. */
  mention: '<@{user}>, your request ref {ref} had an UNKNOWN outcome:',
  verdicts: {
    executed: 'EXECUTED',
    notExecuted: 'NOT executed',
    unknown: 'still UNKNOWN',
  },
} as const;
