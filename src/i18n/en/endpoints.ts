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
  },
  negativeBalance: {
    title: 'Repay futures Negative Balance',
    description: 'Repay the negative futures balance of the Portfolio Margin account',
    summary: 'Repay the negative futures balance of the Portfolio Margin account from its other assets',
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
  },
} as const;
