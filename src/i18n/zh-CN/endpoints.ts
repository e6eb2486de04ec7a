// 各端点自己的用语，术语取自币安中文文档（../../../../shared/seeds/ 中的页面）：
// 统一账户、统一账户专业版、杠杆账户还款、清还合约负余额、更改自动清还合约负余额模式、
// 偿还统一账户专业版穿仓负债、变换逐全仓模式、逐仓、全仓。译自 ../en/endpoints.ts。

export const endpoints = {
  groups: {
    pm: '统一账户维护（papi）',
    pmPro: '统一账户专业版维护（sapi）',
    futures: 'U本位合约设置（fapi）',
  },
  repayDebt: {
    title: '杠杆账户还款',
    description: '杠杆账户还款：偿还统一账户的杠杆借款',
    options: {
      asset: '要偿还的借款资产，例如 BTC',
      amount: '还款金额（最多 8 位小数）；不填则偿还该资产的全部借款',
      specifyRepayAssets: '指定还款资产，多资产用逗号分隔，例如 USDT,BTC',
    },
    summaryWhole: '偿还统一账户 {asset} 杠杆借款的全部负债',
    summary: '偿还统一账户杠杆借款 {amount} {asset}',
    notes: {
      whole: '未填写金额：在指定还款资产足够的情况下，币安将偿还该资产的全部负债。',
      cap: '币安规定单次还款价值须小于等于 50,000 USD；超出则还款失败。',
      repaidWithAsset: '使用账户中持有的 {asset} 还款。',
      repaidWith: '使用 {assets} 还款；如账户持有 {asset}，币安会先用 {asset} 本身还款。',
    },
    fields: {
      amount: '还款金额',
      asset: '资产',
      repaidWith: '还款资产',
      time: '时间',
    },
  },
  negativeBalance: {
    title: '清还合约负余额',
    description: '清还合约负余额：用统一账户的其他资产偿还合约负余额',
    summary: '用统一账户的其他资产清还合约负余额',
  },
  autoRepay: {
    title: '更改自动清还合约负余额模式',
    description: '更改自动清还合约负余额模式：开启或关闭（统一账户专业版）',
    options: {
      enabled: 'true：自动清还合约负余额；false：关闭自动清还',
    },
    summaryOn: '开启自动清还合约负余额（统一账户专业版）',
    summaryOff: '关闭自动清还合约负余额（统一账户专业版）',
    notes: {
      whileOff: '关闭期间，合约负余额会一直保留，直到手动清还（/pm repay-negative-balance）。',
    },
  },
  bankruptcyRepay: {
    title: '偿还统一账户专业版穿仓负债',
    description: '偿还统一账户专业版穿仓负债',
    options: {
      from: '还款来源账户：SPOT 或 MARGIN；不填时币安默认使用 SPOT',
    },
    choices: {
      spot: 'SPOT（现货账户）',
      margin: 'MARGIN（杠杆账户）',
    },
    summary: '从 {from} 账户偿还统一账户专业版穿仓负债',
    notes: {
      defaultSpot: '未指定账户：不发送 `from`，币安使用默认值 SPOT。',
      permission: '此接口需要 API Key 开启 Spot & Margin Trading（现货与杠杆交易）权限。',
    },
    fields: {
      tranId: '交易 ID',
    },
  },
  marginType: {
    title: '变换逐全仓模式',
    description: '变换逐全仓模式：更改 U本位合约交易对的保证金模式（逐仓或全仓）',
    options: {
      symbol: 'U本位合约交易对，例如 BTCUSDT',
      marginType: '要切换到的保证金模式：ISOLATED（逐仓）或 CROSSED（全仓）',
    },
    choices: {
      isolated: 'ISOLATED（逐仓）',
      crossed: 'CROSSED（全仓）',
    },
    summaryIsolated: '将 U本位合约 {symbol} 的保证金模式改为 ISOLATED（逐仓）',
    summaryCrossed: '将 U本位合约 {symbol} 的保证金模式改为 CROSSED（全仓）',
    notes: {
      openOrders: '该交易对有挂单（-4047）或持仓（-4048）时，币安会拒绝更改。',
      portfolioMargin: '在统一账户上，API Key 没有合约权限，此调用会以 -2015 失败。',
    },
  },
} as const;
