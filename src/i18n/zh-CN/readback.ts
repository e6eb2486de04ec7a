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
