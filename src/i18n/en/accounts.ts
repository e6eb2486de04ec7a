// The Binance accounts and their keys: the kinds of account, the key
// permissions as Binance's API Management names them, the key checks'
// findings and what the bot refuses or warns about because of them.
// English is the source catalog: zh-CN/accounts.ts translates every key.

export const keys = {
  /** The kinds of account the bot's endpoints need (src/binance/key-check.ts). */
  kinds: {
    'portfolio-margin': 'Portfolio Margin',
    'portfolio-margin-pro': 'Portfolio Margin Pro',
    'usds-futures': 'USDⓈ-M futures',
  },
  /** The key permissions, as the API Management page labels them (the apiRestrictions field is shown beside). */
  permissions: {
    ipRestrict: 'Restrict access to trusted IPs only',
    enableReading: 'Enable Reading',
    enableSpotAndMarginTrading: 'Enable Spot & Margin Trading',
    enableMargin: 'Enable Margin Loan, Repay & Transfer',
    enableFutures: 'Enable Futures',
    enablePortfolioMarginTrading: 'Enable Portfolio Margin Trading',
    enableVanillaOptions: 'Enable European Options',
    enableWithdrawals: 'Enable Withdrawals',
    enableInternalTransfer: 'Enable Internal Transfer',
    permitsUniversalTransfer: 'Permits Universal Transfer',
  },
  permissionName: '"{label}" ({field})',
  warnings: {
    withdrawals: 'WITHDRAWALS ENABLED on this key: anyone holding it can withdraw funds, and the bot never needs that; turn off "{label}" in Binance API Management',
    noIpRestriction: "NO IP RESTRICTION on this key: it works from any address; restrict it to the bot's IP in Binance API Management",
  },
  /** A key check's findings, one phrase each (the start-up line, the `key-check` row, /status). */
  check: {
    line: '{account}: {parts}',
    separator: '; ',
    kindsJoin: ' + ',
    kindUnknown: 'kind not known',
    runsNone: 'can run no command for sure',
    runs: 'can run {actions}',
    warning: '⚠️ {warning}',
    notRead: '❔ NOT READ: {what} — its commands are allowed unchecked; the bot tries again every minute',
    unreadKind: '{kind}: {reason}',
    recheckFailed: '❔ the latest re-check could not read Binance ({reason}); these are the earlier findings',
    failed: 'the check failed: {error}',
  },
} as const;

export const accounts = {
  /** Choosing the account a command runs on (an invalid option: nothing is stored or sent). */
  choose: {
    notAName: '• `account` must be the name of one of the bot’s accounts',
    unknown: "• `account` `{name}` is not one of this bot's accounts: {accounts}",
    required: '• `account` is required: this command can run on {accounts}; choose one',
    noneCanRun: 'no account of this bot can run it: {reasons}',
  },
  /** A refusal before Confirm, with the account named. */
  onAccount: '{reason} (on account {account})',
  checkedAtKeyRead: '{reason} (checked when the bot read the key)',
  /** Why an account can or cannot run a command, by its key check (src/actions/eligibility.ts). */
  eligibility: {
    notChecked: 'the key of account {account} has not been checked yet',
    permissionsUnread: "its key's permissions could not be read ({reason})",
    lacks: 'the API key of account {account} lacks {permission}: {hint}',
    notReported: 'Binance did not report {permission} for its key',
    wrongKind: 'account {account} is not a {kind} account, which this command needs ({reason}); it is {supported}',
    noKnownKind: 'none of the kinds the bot uses',
    kindList: 'a {kinds} account',
    and: ' and ',
    kindUnread: 'whether it is a {kind} account could not be read ({reason})',
    unchecked: 'account {account}: {unknowns}',
    separator: '; ',
    hints: {
      futuresOnPortfolioMargin:
        'Binance removes it from the keys of an account on Portfolio Margin, and it cannot be turned back on there: run this on an account of another kind (a {futures} or {pro} account)',
      portfolioMarginTrading:
        'enable it for this key in Binance API Management (a key created before Portfolio Margin was enabled cannot have it: create a new key)',
      enable: 'enable it for this key in Binance API Management, or run this on another account',
    },
  },
  /** /status: each account's key, as checked again now. */
  status: {
    notChecked: '❔ key not checked yet: every command is allowed on it unchecked.',
    anotherKind: 'another kind of account',
    lacks: 'lacks {permission}',
    cannotRunOne: '/{command} ({why})',
    cannotRun: '• cannot run: {commands}',
    checked: '• checked {when}',
  },
} as const;
