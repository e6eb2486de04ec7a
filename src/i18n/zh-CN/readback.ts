// 实时状态、回读与核实（issue 13）：确认消息上的当前状态、成功后回读到的状态、
// 核实程序对未知（UNKNOWN）结果的结论、/audit resolve，以及“Send anyway”规则。
// 各端点自己的状态用语在 `endpoints` 下。译自 ../en/readback.ts；日志保留英文。

export const sendAnyway = {
  earlier: {
    unknown: '一个相同的请求（参考号 {ref}，由 {tag} 发起）的结果未知（UNKNOWN），且尚未核实：它可能已被执行',
    inFlight: '一个相同的请求（参考号 {ref}，由 {tag} 发起）正在发送给币安',
    executedJustNow: '一个相同的请求（参考号 {ref}，由 {tag} 发起）不到一分钟前已被执行',
    executed: '一个相同的请求（参考号 {ref}，由 {tag} 发起）{minutes} 分钟前已被执行',
  },
  refusal: '尚未发送：{earlier}。如果你确定这是一个新的、独立的请求，请点击 **Send anyway**；否则请点 Cancel，先核实之前那个请求。',
  needed: '需要“Send anyway”：{earlier}',
  sentAnyway: '在警告后仍然发送：{earlier}',
} as const;

export const resolution = {
  noRef: '没有参考号为 `{ref}` 的操作：请从该操作的消息或 /status 中复制参考号。',
  ambiguous: '有多个操作以 `{ref}` 开头：请多给出几个参考号字符。',
  needsRight: '为 `{actionKey}` 结案需要该操作的授权或 `{admin}`',
  refusedDetail: '/audit resolve 被拒绝：{reason}',
  neverSent: '参考号 {ref} 没有可结案的未知（UNKNOWN）结果（它从未被发送）；请查看 /audit recent。',
  notUnknown: '参考号 {ref} 没有可结案的未知（UNKNOWN）结果（其结果为 {kind}）；请查看 /audit recent。',
  alreadyResolved: '参考号 {ref} 已被核实为{verdict}（日志第 {seq} 行）；未作任何更改。',
  byHand: '由人工结案 {right}：{note}',
} as const;

export const readBack = {
  seconds: '{n} 秒',
  minutes: '{n} 分钟',
  readAfter: '发送后 {since}读取',
  state: {
    laterSend: '{now}（{read}），但此后又发送过一个相同的请求：无法从状态判断是哪一个生效',
    changed: '{now}（{read}）；确认消息上显示的是{before}',
    changedOtherwise: '{now}（{read}）；确认消息上显示的并非如此',
    alreadyBefore: '{now}（{read}），与请求一致；但之前就已如此，因此无法判断是这次调用还是更早的变更所致，不过效果已经生效',
    unreadBefore: '{now}（{read}），与请求一致；但之前未能读取，因此无法判断是这次调用还是更早的变更所致，不过效果已经生效',
    notYet: '{now}（{read}）；币安可能尚未应用',
    notApplied: '{now}（{read}），与请求不符',
  },
  why: {
    storedOptions: '其存储的选项已无法通过该命令的校验',
    noReadBack: '`{actionKey}` 未声明回读',
    noClient: '机器人没有账户 {account} 的币安客户端',
    late: '币安未在 {seconds} 秒内应答',
    shape: '币安的应答中没有机器人要读取的内容（{issue}）',
    unexpectedShape: '格式不符',
    refused: '币安拒绝了对 {path} 的读取（{code}：{message}）',
    banned: '币安已封禁此 IP 地址；读取将于 {time} 恢复',
    wait: '币安要求机器人等待；读取将于 {time} 恢复',
    timeout: '币安未及时应答对 {path} 的读取',
    noAnswer: '对 {path} 的读取没有得到应答（{reason}）',
    httpStatus: '币安对 {path} 的读取应答了 HTTP {status}',
    unreachable: '无法连接币安（{why}）',
    dryRun: '读取未发送（演练模式）',
    failed: '对 {path} 的读取失败（{error}）',
    ownShare: '本时间窗口内，读取已用掉其在 {header} 中份额的 {own}（{limit} 中的 {share}；其余留给涉及资金的调用）',
    ceiling: '{header} 已用 {used}/{limit}，读取在 {ceiling} 处停止，以便最后的 {share} 留给涉及资金的调用',
    wrongKind: '账户 {account} 不是{kind}账户（{reason}），其 API Key 无法读取此状态',
    noReading: '账户 {account} 的 API Key 缺少{permission}',
  },
  log: {
    closedReason: '币安会拒绝它：{reason}',
    refusedBefore: '点击前根据实时状态判断：币安会拒绝它（{reason}）；未提供 Confirm',
    notReadBack: '无法回读状态：{why}',
  },
  reconcile: {
    lateAnswer: '币安自己的应答迟到了：{kind}',
    lateAnswerStatus: '币安自己的应答迟到了：{kind}（HTTP {status}）',
    noReadBack: '`{actionKey}` 未声明回读，机器人无法核实它',
    noSentRequest: '日志中没有已发送的请求可与记录比对',
    unread: '无法读取币安：{why}',
    gaveUp: '{evidence}。机器人已检查了一天，现在停止：请在币安中核实，然后用 /audit resolve 结案',
  },
} as const;

export const liveState = {
  field: '📡 币安当前状态',
  unavailable: '当前状态无法读取（{why}）。确认后由币安决定。',
  warning: '🛑 **注意：{earlier}。** 点击 Confirm 后，还需要再明确点击一次 **Send anyway** 才会发送。',
  notOffered: '不提供确认：/{command}',
  wouldRefuse: '⛔ **币安会拒绝此请求：** {reason}。',
  noConfirm: '不提供 Confirm 按钮，未发送任何请求；该请求已关闭。',
  footer: '由 {tag} 发起 · 参考号 {ref}',
  readBack: '🔎 回读',
  readBackUnavailable: '无法回读状态（{why}）。如有必要，请在币安中核实。',
  contradictedTop: '⚠️ **币安应答成功，但回读到的状态与之矛盾：** {detail}。请在币安中核实。',
  change: '{before} → {after}',
  now: '当前：{after}',
  confirmed: '{change}\n✅ 已确认：{detail}',
  pending: '{change}\n⏳ 仍在处理中：{detail}',
  contradicted: '{change}\n⚠️ 与币安的应答**矛盾**：{detail}',
  reconciling: '🔁 核实中',
  reconcilingValue:
    '机器人会在发送后 5 秒、30 秒、2 分钟和 10 分钟回读币安，之后一天内每小时回读一次，并在此处（或频道中）显示结果。它绝不会重新发送该请求。在此之前 /status 会列出它，新的相同请求需要点击 **Send anyway**；也可用 `/audit resolve` 人工结案。',
} as const;

export const reconcile = {
  executedTitle: '✅ 核实结果：**已执行** —— {what}',
  notExecutedTitle: '↩️ 核实结果：**未执行** —— {what}',
  unknownTitle: '⚠️ 仍为未知（UNKNOWN）—— {what}',
  description: '结果曾为未知（UNKNOWN）。回读币安（{time}）：{evidence}。',
  executedNext: '该操作已在币安执行：请勿再次发送。',
  notExecutedNext: '币安上没有发生任何变化；如仍需要，请重新运行该命令。',
  unknownNext: '请在币安中核实，然后结案：`/audit resolve ref:{ref} outcome:executed|not-executed note:…`',
  footer: '由 {tag} 发起 · 账户 {account} · 参考号 {ref}',
  mention: '<@{user}>，你的请求（参考号 {ref}）的结果曾为未知（UNKNOWN）：',
  verdicts: {
    executed: '**已执行**',
    notExecuted: '**未执行**',
    unknown: '仍为未知（UNKNOWN）',
  },
} as const;
