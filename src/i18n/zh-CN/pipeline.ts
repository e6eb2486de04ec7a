// 流水线的用语（校验 → 授权 → 确认 → 认领 → 发送）：请求或点击被拒绝、无效或已过时，
// 操作员看到的说明。译自 ../en/pipeline.ts，键与占位符须一一对应（index.ts 检查）。

export const common = {
  refused: '已拒绝：{reason}。',
} as const;

export const pipeline = {
  invalidOptions: '未发送任何请求：命令的选项无效。\n{problems}',
  refused: '已拒绝：{reason}。未发送任何请求。',
  secretInput:
    '未发送任何请求：{options} 中的文本与机器人自身的某个密钥相符（API Secret、Discord token、AUDIT_LOG_KEY 或私钥口令），因此已被拒绝，且未在任何地方保存（日志和审计频道都不会显示它）。如果你误粘贴了密钥，请告知机器人的运维人员：该密钥应当轮换。',
  frozenWhileAsked: '提出请求时机器人被冻结了',
  onlyRequester: '只有发起此操作的 {tag} 才能确认或取消它。',
  selfApproval: '此操作是你发起的，你不能审批它：须由另一位持有该操作的人审批。',
  onlyHolderRejects: '只有持有 `{actionKey}`（作为 requester 或 approver）的人才能驳回此请求。',
  unknownAction: '机器人不认识这条确认；请重新运行命令。',
  expired: '这条确认已过期；未发送任何请求。如仍需要，请重新运行命令。',
  uncheckableButton: '无法将这个按钮与其发布时对应的内容核对（它已变灰，或由旧版本的机器人发布），因此它不起任何作用：未发送任何请求，也未做任何更改。请重新运行命令。',
  unknownActionKey: '机器人已不再认识操作 `{actionKey}`；未发送任何请求。',
  closed: {
    executing: '此操作正在发送；结果会显示在这条消息里。',
    completed: '此操作已发送过（结果：{result}）；它只会执行一次。',
    seeAudit: '见 /audit',
    cancelled: '此操作已取消；未发送任何请求。',
    closedBecause: '此操作已关闭（{reason}）；未发送任何请求。',
    rejected: '此操作已被驳回；未发送任何请求。',
    rejectedBy: '此操作已被 {by} 驳回；未发送任何请求。',
    failed: '此操作未能发送；见 /audit。',
    pending: '此操作仍在等待发起人确认。',
    awaitingApproval: '此操作正在等待第二个人审批。',
  },
  click: {
    requesterLost: '已关闭：发起人 {tag} 对此请求已不再持有 `{actionKey}`（其授权或限额已变更）。请求已关闭，未发送任何请求。',
    refusedClosed: '已拒绝：{reason}。请求已关闭，未发送任何请求。',
    overDailyCap: '点击时已超出每日限额',
  },
  send: {
    lost: '另一个机器人进程在发送前关闭了此操作；未发送任何请求。',
    frozen: '未发送任何请求：{reason}。',
    logFailed: '未发送任何请求：无法写入操作日志，机器人不会发送无法记录的请求。',
    accountGone: '未发送任何请求：账户 {account} 已不在机器人的配置中。',
  },
  tampered: {
    closedReason: '被篡改：其存储记录与日志不符',
    refused:
      '已拒绝：此操作的存储记录与发起时记录在日志中的内容不符，可能已在数据库中被篡改。未发送任何请求，请求已关闭。此发现已写入日志（如有审计频道，也已发布到审计频道）；请告知机器人的运维人员。',
    altered:
      '已拒绝：{findings}。未发送任何请求，也未做任何更改：只要机器人的数据库与其日志所能解释的不符，涉及资金的命令和权限变更都会被拒绝。此发现已写入日志并发布到审计频道；请告知机器人的运维人员，并用 `npm run verify-log` 检查一份副本。',
    proposalRefused:
      '已拒绝：此提案的存储记录与提出时记录在日志中的内容不符，可能已在数据库中被篡改。未做任何更改，提案已关闭。此发现已写入日志（如有审计频道，也已发布到审计频道）；请告知机器人的运维人员。',
  },
  binding: {
    tooOld: '它是在本版本机器人之前发起的，本版本无法核验：请重新运行命令',
    unknownAction: '机器人已不再认识操作 `{actionKey}`',
    cannotRun: '已关闭：{reason}。未发送任何请求；请重新运行命令。',
  },
  target: {
    olderVersion: '旧版本的机器人',
    dryRun: '{url}（演练模式 DRY-RUN）',
    changed: '自确认以来机器人的目标已改变：确认时显示的是 {shown}，现在是 {now}',
    accountGone: '账户 {account} 已不在机器人的配置（BINANCE_ACCOUNTS）中，没有可用于签名的 API Key',
  },
} as const;

export const validation = {
  required: '为必填项',
  oneOf: '必须是以下之一：{values}',
  line: '• `{field}` {message}',
  youSent: '（你发送的是 `{sent}`）',
  zodSays: '不符合要求（{message}）',
  invalidOptions: '选项无效：\n{lines}',
  asset: '必须是 2 到 20 个字母或数字，例如 BTC 或 USDT',
  symbol: '必须是 5 到 30 个字母或数字，例如 BTCUSDT',
  atMost: '最多 {max} 个字符',
  decimal: "必须是正的十进制数，例如 0.5 或 1200：只含数字和至多一个 '.'，不能有正负号、逗号、空格或指数",
  positive: '必须大于 0',
  decimals: '有 {places} 位小数；最多允许 {max} 位',
  assetListEmpty: '必须至少列出一个资产，以逗号分隔，例如 USDT,BTC',
  notAnAsset: '含有 "{bad}"，它不是资产：每一项都{rule}',
} as const;

export const auth = {
  notGranted: '你没有 `{actionKey}` 的授权；请找持有 `access.admin` 的人授予',
  approverOnly: '你以 approver（审批人）身份持有 `{actionKey}`：你可以审批或驳回他人的请求，但不能自己发起',
} as const;

export const caps = {
  legacyCap:
    '你的 `{actionKey}` 授权带有旧版本机器人的“所有资产”(*) 限额，该限额已不再有效；须由管理员以具体资产重新授权（/access grant … asset:BTC max-amount:…）',
  coversNoAsset: '此账户上没有任何资产（其授权行限定的是其他资产）',
  coversOnly: '仅 {caps}',
  notCovered: '你的 `{actionKey}` 授权覆盖：{covered}；不包括 {asset}',
  needsAmount: '你的 `{actionKey}` 授权对 {asset} 设有限额（{cap}）；请填写金额（不填会偿还全部借款，可能超出限额）',
  overPerRequest: '{amount} {asset} 超过了你 `{actionKey}` 的每笔限额 {max} {capAsset}',
  dailyNeedsAmount: '你的 `{actionKey}` 授权对 {asset} 设有每日限额；请填写金额',
  overDaily:
    '{amount} {asset} 会使你 `{actionKey}` 滚动 24 小时内的合计达到 {total} {asset}，超过每日限额 {dailyMax} {asset}（已使用或进行中：{spent} {asset}；剩余：{left} {asset}）',
  legacyDescribed: '⚠️ 旧版的所有资产限额（{max}）：在以具体资产重新授权前一律拒绝',
  perRequest: '每笔 {amount} {asset}',
  perDay: '每 24 小时 {amount} {asset}',
  separator: '，',
} as const;
