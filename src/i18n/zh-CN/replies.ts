// 机器人在 Discord 中围绕一个操作显示的内容：确认、审批请求、“发送中”、结果、已关闭的请求、
// 路由自身的回复、篡改通告、翻页按钮和输入建议。译自 ../en/replies.ts。
// 按钮 Confirm、Cancel、Approve、Reject 是契约名称，保留英文。

export const render = {
  sentenceEnd: '。',
  irreversible: '⚠️ **一旦币安执行，此操作无法撤销。**',
  exactRequest: '确切请求',
  expires: '过期时间',
  ref: '参考号 {ref}',
  noParameters: '（无参数）',
  signedTail: '+ recvWindow={recvWindow}&timestamp=<发送时>，然后签名',
  account: '账户',
  unchecked: '❔ 未检查：{reason}。机器人允许执行，由币安决定。',
  confirm: {
    title: '请确认：/{command}',
    needsApproval: '👥 你确认后，还须由另一位持有此操作的人审批。',
    dryRun: '🧪 **演练模式（DRY-RUN）：** 请求会被构建并签名，但不会发送给币安。',
    dailyCap: '📊 你的每日限额：滚动 24 小时内 {dailyMax} {asset}；已使用或进行中：{spent} {asset}；剩余：{left} {asset}。',
    dailyCapAfter: '📊 你的每日限额：滚动 24 小时内 {dailyMax} {asset}；已使用或进行中：{spent} {asset}；剩余：{left} {asset}，本次之后剩余 {after} {asset}。',
    weight: '权重',
    weightValue: '{amount}（{kind} 限额，{family}）',
    docs: '币安文档',
    footer: '由 {tag} 发起 · 只有发起人可以确认 · 参考号 {ref}',
    confirmThenApproval: 'Confirm（之后需审批）',
  },
  sending: {
    title: '发送中：/{command}',
    description: '已由 {by} 确认。正在把签名请求发送给币安……',
  },
  awaiting: {
    title: '等待审批：/{command}',
    description: '你已确认。须由另一位持有 `{actionKey}` 的人在 {time}（{relative}）之前在频道中审批。你可以在那里点击 Reject 撤回。',
  },
  approval: {
    title: '需要审批：/{command}',
    asks: '<@{requester}> 请求：**{summary}。**',
    who: '谁可以审批',
    whoValue: '除 {tag} 以外任何持有 `{actionKey}`（requester 或 approver）的人',
  },
  closed: {
    title: {
      cancelled: '已取消：{what}',
      expired: '已过期：{what}',
      rejected: '已驳回：{what}',
      refused: '已拒绝：{what}',
      frozen: '已冻结：{what}',
    },
    cancelled: '已取消；未发送任何请求。',
    expired: '这条确认已过期；未发送任何请求。如仍需要，请重新运行命令。',
    rejected: '已驳回；未发送任何请求。',
    rejectedBy: '已被 {by} 驳回；未发送任何请求。',
    refused: '已拒绝。未发送任何请求。',
    refusedBecause: '已拒绝：{reason}。未发送任何请求。',
    frozen: '🧊 已关闭：{reason}。未发送任何请求。',
    frozenDefault: '机器人已被冻结',
  },
} as const;

export const outcome = {
  footer: '由 {by} 确认 · 由 {requester} 发起 · 参考号 {ref}',
  footerOnAccount: '账户 {account} · {footer}',
  roundTrip: '往返耗时',
  done: '✅ 已完成：{title}',
  executed: '币安已执行（HTTP {status}）。',
  binanceSaid: '币安返回',
  whatItMeans: '含义',
  clock: '时钟',
  resynced: '已与币安重新同步时钟：当前偏差 {offset} ms。请求没有被重新发送；如仍需要，请确认一个新请求。',
  resyncFailed: '重新同步失败（{reason}）。请求没有被重新发送。',
  refusedTitle: '❌ 币安拒绝：{title}',
  nothingExecuted: '没有执行任何操作。',
  bannedTitle: '🚫 IP 已被币安封禁：{title}',
  rateLimitedTitle: '⏳ 已限频：{title}',
  executedQuestion: '是否已执行？',
  no: '否。',
  tryAgainAfter: '可重试时间',
  unknownTitle: '⚠️ 结果未知（UNKNOWN）：{title}',
  beforeTryingAgain: '重试之前',
  checkFirst: '请先在币安中核实它是否已执行（查看该产品账户在 {time} 前后的记录）。机器人没有也不会重新发送它；在核实之前，/status 会一直列出结果未知的操作。',
  requestSent: '已发送的请求',
  notSentTitle: '未发送：{title}',
  dryRunTitle: '🧪 演练模式（DRY-RUN）：{title}',
  dryRun: 'BINANCE_DRY_RUN 已开启：请求已构建并签名，但没有发送。币安上没有发生任何事。',
  wouldHaveSent: '本会发送',
  binanceSays: '币安返回',
  binanceAnswered: '币安的应答',
} as const;

export const router = {
  restarting: '机器人正在重启；没有执行任何操作。请一分钟后再试。',
  foreignButton: '这个按钮不属于本机器人。',
  unknownCommand: '机器人不认识 /{command}；它的命令可能已过时。',
  noDirectMessages: '本机器人只在它的 Discord 服务器中工作，不接受私信。',
  otherServer: '本机器人没有为这个服务器设置。',
  failed: '出错了（参考号 {reference}）。如果你刚确认过一个操作，请先查看 /audit 再重试。',
} as const;

export const tamper = {
  title: '🚨 篡改：一个存储的操作与其日志不符',
  click: '<@{user}> 对 `{actionKey}`（参考号 {ref}）的一次点击发现，存储的操作与发起时记录在日志中的内容不同。未发送任何请求；该操作已关闭。',
  findings: '不同之处：{findings}',
  proposalTitle: '🚨 篡改：一个存储的提案与其日志不符',
  proposalClick: '<@{user}> 对一个提案（参考号 {ref}）的一次点击发现，它与提出时记录在日志中的内容不同。未做任何更改；该提案已关闭。',
  advice: '可能有人拥有机器人数据库的写权限并改动了它：请检查谁能写入该文件，然后在副本上运行 `npm run verify-log`。',
} as const;

export const pages = {
  newer: '‹ 较新',
  older: '较早 ›',
  page: '第 {page} / {count} 页',
} as const;

export const autocomplete = {
  noLoan: '{asset}（无借款）',
  borrowed: '{asset}（已借 {borrowed}）',
  accountLabelled: '{name} · {label}',
  accountUnchecked: '{account}（API Key 未检查）',
  accountKinds: '{account}（{kinds}）',
} as const;
