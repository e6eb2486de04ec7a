// 内置斜杠命令的描述（/access、/audit、/status、/freeze）。译自 ../en/commands.ts。
// 命令名、选项名和选项值是契约名称，保持英文。

export const commands = {
  actionChoice: '{key}（{title}）',
  adminActions: {
    auditRead: '读取操作日志',
    accessAdmin: '管理谁可以做什么',
  },
  unknownSubcommand: '未知的子命令 /{command}。',
  account: {
    required: '在哪个币安账户上执行（输入以列出可执行的账户）',
    optional: '在哪个币安账户上执行（输入以列出可执行的账户）；留空则用唯一可执行的账户',
  },
  status: {
    description: '币安连通性、时钟与限频；待确认和结果未知的操作',
  },
  freeze: {
    description: '紧急停止：在解除之前拒绝所有涉及资金的命令和点击',
    on: '立即停止一切（任何持有授权的人）；关闭所有未完成的确认',
    off: '解除冻结（根管理员，或经另一位管理员审批的管理员）',
    reason: '原因：所有人可见，并记入日志',
  },
  audit: {
    description: '读取操作日志（需要 audit.read）',
    recent: '最近的日志行，并附 CSV 文件',
    user: '只看与此用户有关的行',
    action: '只看此操作的行',
    limit: '行数，最新的在前（默认 20；CSV 包含全部）',
    account: '只看与此币安账户有关的行（{accounts}；* 表示适用于所有账户的权限变更）',
    accountRule: '必须是账户名，例如 {accounts}，或 *（适用于所有账户的变更）',
  },
  access: {
    description: '谁可以用机器人做什么（需要 access.admin）',
    grant: '授予用户某个操作，作为 requester 或 approver，可按资产设限额',
    revoke: '撤销用户对某个操作的授权',
    list: '列出授权、审批策略和待审批的提案',
    policy: '要求（1）或不要求（0）第二人审批某个操作',
    grantUser: '被授权的人',
    grantAction: '允许其执行的操作',
    maxAmount: '每笔金额上限（仅限含金额的操作；需填写 asset）',
    asset: '限额针对的资产，例如 BTC（设置 max-amount 或 daily-max 时必填）',
    role: 'requester（新授权默认）：可发起和审批；approver：只能审批/驳回。重新授权时保持不变',
    roles: {
      requester: 'requester（发起人）',
      approver: 'approver（审批人）',
    },
    dailyMax: '任意滚动 24 小时内的总额上限（含金额的操作；需填写 asset）',
    revokeUser: '要撤销谁的授权',
    revokeAction: '要收回的操作',
    listUser: '只看此用户',
    policyAction: '要设置审批规则的操作',
    approvals: '0：仅需发起人；1：须由第二人审批',
    account: '适用的币安账户：某一个账户，或 * 表示所有账户（默认）',
    everyAccount: '*（所有账户）',
    oneAccount: '账户 {account}',
  },
} as const;
