// 币安账户及其 API Key：账户类型、API Key 权限（用币安 API 管理与接口文档中的叫法）、
// Key 检查的结果，以及机器人因此拒绝或警告的内容。译自 ../en/accounts.ts。
// 权限名后总是附上 apiRestrictions 的字段名，便于在币安页面上对照。

export const keys = {
  kinds: {
    'portfolio-margin': '统一账户',
    'portfolio-margin-pro': '统一账户专业版',
    'usds-futures': 'U本位合约',
  },
  // 币安中文文档（查询用户API Key权限、快速开始）中的叫法；“允许提现”是 API 管理页面上的选项名。
  permissions: {
    ipRestrict: '限制IP访问',
    enableReading: '读取权限',
    enableSpotAndMarginTrading: '现货和杠杆交易权限',
    enableMargin: '杠杆借还款及划转权限',
    enableFutures: '合约交易权限',
    enablePortfolioMarginTrading: '统一账户交易权限',
    enableVanillaOptions: '欧式期权交易权限',
    enableWithdrawals: '允许提现',
    enableInternalTransfer: '母子账户划转权限',
    permitsUniversalTransfer: '万向划转权限',
  },
  permissionName: '“{label}”（{field}）',
  warnings: {
    withdrawals: '此 API Key 已开启提现（WITHDRAWALS ENABLED）：任何持有它的人都能提走资金，而机器人从不需要这项权限；请在币安 API 管理中关闭“{label}”',
    noIpRestriction: '此 API Key 未限制 IP（NO IP RESTRICTION）：它可以从任何地址使用；请在币安 API 管理中将它限制为机器人的 IP',
  },
  check: {
    line: '{account}：{parts}',
    separator: '；',
    kindsJoin: '、',
    kindUnknown: '账户类型未知',
    runsNone: '无法确定能执行任何命令',
    runs: '可执行 {actions}',
    warning: '⚠️ {warning}',
    notRead: '❔ 未能读取：{what} —— 其命令在未检查的情况下允许执行；机器人每分钟重试一次',
    unreadKind: '{kind}：{reason}',
    recheckFailed: '❔ 最近一次重新检查未能读取币安（{reason}）；以下是之前的检查结果',
    failed: '检查失败：{error}',
  },
} as const;

export const accounts = {
  choose: {
    notAName: '• `account` 必须是机器人的某个账户名',
    unknown: '• `account` `{name}` 不是本机器人的账户：{accounts}',
    required: '• 必须填写 `account`：此命令可在 {accounts} 上执行；请选择一个',
    noneCanRun: '本机器人没有能执行它的账户：{reasons}',
  },
  onAccount: '{reason}（账户 {account}）',
  checkedAtKeyRead: '{reason}（机器人读取 API Key 时检查）',
  eligibility: {
    notChecked: '账户 {account} 的 API Key 尚未检查',
    permissionsUnread: '未能读取其 API Key 的权限（{reason}）',
    lacks: '账户 {account} 的 API Key 缺少{permission}：{hint}',
    notReported: '币安没有报告其 API Key 的{permission}',
    wrongKind: '账户 {account} 不是此命令所需的{kind}账户（{reason}）；它是{supported}',
    noKnownKind: '机器人所用类型之外的账户',
    kindList: '{kinds}账户',
    and: '和',
    kindUnread: '未能读取它是否为{kind}账户（{reason}）',
    unchecked: '账户 {account}：{unknowns}',
    separator: '；',
    hints: {
      futuresOnPortfolioMargin: '币安会从已开通统一账户的账户的 API Key 上移除此权限，且无法再开启：请在其他类型的账户（{futures}或{pro}账户）上执行',
      portfolioMarginTrading: '请在币安 API 管理中为此 API Key 开启它（开通统一账户之前创建的 API Key 不支持：请新建一个 API Key）',
      enable: '请在币安 API 管理中为此 API Key 开启它，或在其他账户上执行',
    },
  },
  status: {
    notChecked: '❔ API Key 尚未检查：其上的所有命令在未检查的情况下允许执行。',
    anotherKind: '账户类型不符',
    lacks: '缺少{permission}',
    cannotRunOne: '/{command}（{why}）',
    cannotRun: '• 不能执行：{commands}',
    checked: '• 检查于 {when}',
  },
} as const;
