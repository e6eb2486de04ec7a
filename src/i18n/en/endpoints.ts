// The endpoints' own words: each declaration in commands/ says its
// description, options, summary, notes and success fields from here. Titles
// are the names of Binance's doc pages. English is the source catalog.

export const endpoints = {
  groups: {
    pm: 'Portfolio Margin account maintenance (papi)',
    pmPro: 'Portfolio Margin Pro account maintenance (sapi)',
    futures: 'USDⓈ-M futures settings (fapi)',
  },
  repayDebt: {
    title: 'Margin Account Repay Debt',
    description: 'Repay a margin loan in the Portfolio Margin account',
    options: {
      asset: 'The borrowed asset to repay, e.g. BTC',
      amount: 'How much to repay (up to 8 decimals); leave out to repay the whole loan',
      specifyRepayAssets: 'Assets to repay with, comma-separated, e.g. USDT,BTC',
    },
    summaryWhole: 'Repay the WHOLE {asset} margin loan of the Portfolio Margin account',
    summary: "Repay {amount} {asset} of the Portfolio Margin account's margin loan",
    notes: {
      whole: 'No amount was given: Binance repays the whole loan of this asset, if the repay assets suffice.',
      cap: 'Binance caps one request at 50,000 USD equivalent; a larger repay fails.',
      repaidWithAsset: 'Repaid with {asset} held in the account.',
      repaidWith: 'Repaid with {assets}; Binance uses {asset} itself first if the account holds any.',
    },
    fields: {
      amount: 'Repaid amount',
      asset: 'Asset',
      repaidWith: 'Repaid with',
      time: 'Time',
    },
    /** Its live state (GET /papi/v1/balance) and records (GET /papi/v1/margin/repayLoan). */
    state: {
      loan: '{asset} loan {borrowed} + interest {interest}',
      nothingOwed: '{loan}: nothing is owed',
      repayAll: '{loan} → repaying all of it ({owed}) leaves 0',
      tooMuch: '{loan} → repaying {amount} is more than the {owed} owed',
      leaves: '{loan} → repaying {amount} leaves {left}',
      noLoan: 'there is no {asset} margin loan: nothing to repay',
      exceeds: '{amount} {asset} is more than the {owed} owed (loan + interest): Binance answers -3015 "Repay amount exceeds borrow amount"',
      loanNow: '{asset} loan now {borrowed} + interest {interest}',
      record: 'repay record {txId}: {status}, principal {principal} + interest {interest}',
      recordConfirmed: '{record}; {loan}',
      recordFailed: 'Binance answered success, but {record} ("execution failed, nothing happened to your account")',
      recordPending: '{record} (Binance is still executing it); {loan}',
      noRecordYet: 'Binance answered success, but no repay record shows it yet and {loan}',
      manyRecords: '{count} {asset} repay records match this request ({records}): which one is it cannot be told',
      noRecordSoFar: 'no {asset} repay record of this request yet ({read})',
      noRecord: 'no {asset} repay record around the time it was sent ({read}): Binance did not execute it',
      recordOf: 'repay record {txId} of {amount} {asset} (principal {principal} + interest {interest}) at {time}',
      isConfirmed: '{record} is CONFIRMED',
      isFailed: '{record} is FAILED ("execution failed, nothing happened to your account")',
      isPending: '{record} is {status}: Binance is still executing it',
    },
  },
  negativeBalance: {
    title: 'Repay futures Negative Balance',
    description: 'Repay the negative futures balance of the Portfolio Margin account',
    summary: 'Repay the negative futures balance of the Portfolio Margin account from its other assets',
    /** Its live state: GET /papi/v1/balance and GET /papi/v1/account. */
    state: {
      none: 'no negative futures balance',
      some: 'negative futures balance: {balances}',
      nothingToRepay: 'no negative futures balance: nothing to repay (Binance answers success and changes nothing)',
      repaid: "{negative} → repaid from the account's other assets",
      account: 'uniMMR {uniMMR}, account status {status}',
      noneLeft: 'no negative futures balance left',
      remainsAfterSuccess: 'Binance answered success, but the {negative} remains',
      laterSend: 'no negative futures balance ({read}), but an identical request was sent after this one: which of them repaid cannot be told',
      gone: 'the {negative} shown on the confirmation is gone ({read})',
      noneUnreadBefore: 'no negative futures balance ({read}); it could not be read before, so the account is as this call would leave it',
      noneBefore: 'no negative futures balance ({read}); there was none before either, so the account is as this call would leave it',
      changed: 'the negative balance changed since the confirmation ({negative}, {read}) but is not gone',
      remains: 'the {negative} remains ({read})',
      remainsShown: 'the {negative} shown on the confirmation remains ({read})',
    },
  },
  autoRepay: {
    title: 'Change Auto-repay-futures Status',
    description: 'Turn auto-repay of the futures negative balance on or off (Portfolio Margin Pro)',
    options: {
      enabled: 'true: repay futures negative balance automatically; false: turn it off',
    },
    summaryOn: 'Turn ON automatic repayment of the futures negative balance (Portfolio Margin Pro)',
    summaryOff: 'Turn OFF automatic repayment of the futures negative balance (Portfolio Margin Pro)',
    notes: {
      whileOff: 'While it is off, a negative futures balance stays until repaid by hand (/pm repay-negative-balance).',
    },
    /** Its live state: GET /sapi/v1/portfolio/repay-futures-switch. */
    state: {
      on: 'ON',
      off: 'OFF',
      is: 'Auto-repay is {state}',
      already: 'Auto-repay is {state} already: nothing will change',
      change: 'Auto-repay is {state} now → {wanted}',
      stillShows: 'Binance answered success, but auto-repay still shows {state}',
      shows: 'auto-repay shows {state}',
    },
  },
  bankruptcyRepay: {
    title: 'Portfolio Margin Pro Bankruptcy Loan Repay',
    description: 'Repay the Portfolio Margin Pro bankruptcy loan',
    options: {
      from: 'Account to repay from; Binance uses SPOT when left out',
    },
    choices: {
      spot: 'SPOT',
      margin: 'MARGIN',
    },
    summary: 'Repay the Portfolio Margin Pro bankruptcy loan from the {from} account',
    notes: {
      defaultSpot: 'No account was given: `from` is left out and Binance uses its default, SPOT.',
      permission: "The API key needs 'Enable Spot & Margin Trading' for this call.",
    },
    fields: {
      tranId: 'Transaction id',
    },
    /** Its live state (GET /sapi/v1/portfolio/pmLoan) and records (GET /sapi/v1/portfolio/pmloan-history). */
    state: {
      none: 'no PM Pro bankruptcy loan',
      loan: 'PM Pro bankruptcy loan: {amount} {asset}',
      repaid: '{loan} → repaid in full from {from}',
      noLoan: 'there is no PM Pro bankruptcy loan: Binance answers -21004 "User doesn’t have portfolio margin bankruptcy loan"',
      repaidAt: 'repaid {amount} {asset} at {time}; {loan}',
      noHistoryYet: 'no repay history row yet; {loan}',
      manyRows: '{count} repay history rows since it was sent: which one is it cannot be told',
      manyRowsLater: '{count} repay history rows since it was sent, and an identical request was sent after it: which one is it cannot be told',
      history: 'repay history: {amount} {asset} repaid at {time} ({read})',
      shrank: 'the loan went from {before} to {after} {asset} ({read})',
      stillRepaying: 'no repay history row yet; {loan} ({read}); Binance may still be repaying it',
      noTrace: 'no repay history row {since} after the send, and {loan}',
    },
  },
  marginType: {
    title: 'Change Margin Type',
    description: "Change a USDⓈ-M futures symbol's margin type (isolated or cross)",
    options: {
      symbol: 'The USDⓈ-M futures symbol, e.g. BTCUSDT',
      marginType: 'The margin type to switch the symbol to',
    },
    choices: {
      isolated: 'ISOLATED',
      crossed: 'CROSSED',
    },
    summaryIsolated: 'Set {symbol} to ISOLATED margin on USDⓈ-M futures',
    summaryCrossed: 'Set {symbol} to CROSS (CROSSED) margin on USDⓈ-M futures',
    notes: {
      openOrders: 'Binance refuses the change while the symbol has open orders (-4047) or an open position (-4048).',
      portfolioMargin: 'On a Portfolio Margin account the API key has no futures permission, and this call fails with -2015.',
    },
    /** Its live state: GET /fapi/v1/symbolConfig; before the click also open orders and positions. */
    state: {
      is: '{symbol} is {type}',
      notConfigured: '{symbol} is not configured',
      notListed: '{symbol} is not in the symbol configuration',
      noOrders: 'no open orders',
      oneOrder: '1 open order',
      orders: '{count} open orders',
      noPosition: 'no position',
      position: 'a position of {amount}',
      separator: ', ',
      and: ' and ',
      change: '{facts} → {wanted}',
      already: '{symbol} is already {type}: Binance answers -4046 "No need to change margin type"',
      openOrders: '{symbol} has open orders: Binance answers -4047 "Margin type cannot be changed if there exists open orders"',
      hasPosition: '{symbol} has a position of {amount}: Binance answers -4048 "Margin type cannot be changed if there exists position"',
      stillShows: 'Binance answered success, but {symbol} still shows {type}',
      noType: 'no margin type',
    },
  },
} as const;
