// The built-in slash commands' descriptions (/access, /audit, /status,
// /freeze): Discord shows them while a command is typed, in the user's
// language. Command, option and choice values are the contract's names.

export const commands = {
  /** A choice of action key: the key (what is sent) and what it does. */
  actionChoice: '{key} ({title})',
  adminActions: {
    auditRead: 'read the action log',
    accessAdmin: 'change who may do what',
  },
  unknownSubcommand: 'Unknown subcommand /{command}.',
  /** The `account` option the pipeline adds to every money-moving command. */
  account: {
    required: 'The Binance account to run it on (type to list those that can)',
    optional: 'The Binance account to run it on (type to list those that can); the only one if left out',
  },
  status: {
    description: 'Binance reachability, clock and rate limits; pending and UNKNOWN actions',
  },
  freeze: {
    description: 'Emergency stop: refuse every money-moving command and click until released',
    on: 'Stop everything now (anyone with a grant); closes every open confirmation',
    off: 'Release the freeze (a root admin, or an admin whose release a second admin approves)',
    reason: 'Why: shown to everyone, and kept in the log',
  },
  audit: {
    description: 'Read the action log (needs audit.read)',
    recent: 'The latest log rows, with a CSV file of them',
    user: 'Only rows about this user',
    action: 'Only rows of this action',
    limit: 'How many rows, newest first (default 20; CSV holds all)',
    account: 'Only rows about this Binance account ({accounts}; * for every-account access changes)',
    accountRule: 'must be an account name such as {accounts}, or * (changes for every account)',
    resolve: 'Close an UNKNOWN outcome you checked in Binance (the action’s grant or access.admin)',
    ref: 'The ref of the action whose outcome is UNKNOWN (from its message or /status)',
    refRule: 'must be the ref shown on the action (at least its first 6 characters)',
    outcome: 'What you found in Binance: executed or not-executed',
    executed: 'executed',
    notExecuted: 'not-executed',
    note: 'What you checked in Binance (logged with the decision)',
  },
  access: {
    description: 'Who may do what with the bot (needs access.admin)',
    grant: 'Grant a user an action, as requester or approver, optionally capped per asset',
    revoke: "Remove a user's grant of an action",
    list: 'List grants, approval policies and open proposals',
    policy: 'Require (1) or not (0) a second person to approve an action',
    grantUser: 'Who gets the grant',
    grantAction: 'The action they may do',
    maxAmount: 'Cap on the amount per request (amount-bearing actions only; needs asset)',
    asset: 'The asset the caps apply to, such as BTC (required with max-amount and daily-max)',
    role: 'requester (new grants): may request and approve; approver: only approve/reject. A re-grant keeps it',
    roles: {
      requester: 'requester',
      approver: 'approver',
    },
    dailyMax: 'Cap on the total over any rolling 24 hours (amount-bearing actions; needs asset)',
    revokeUser: 'Whose grant to remove',
    revokeAction: 'The action to take away',
    listUser: 'Only this user',
    policyAction: 'The action whose approval rule to set',
    approvals: '0: the requester alone; 1: a second person must approve',
    account: 'The Binance account it applies to: one account, or * for every account (the default)',
    everyAccount: '* (every account)',
    oneAccount: '{account}',
  },
} as const;
