// 机器人对币安结果的解释。译自 ../en/binance.ts；错误码含义见 binance-codes.ts。

export const binance = {
  codeMeaning: '{what}{next}',
  unknownCode: '币安以代码 {code} 拒绝了请求；详情见返回的消息。没有执行任何操作。',
  waf: '币安的 Web 应用防火墙拒绝了请求（HTTP 403）。没有执行任何操作。',
  httpRefused: '币安以 HTTP {status} 拒绝了请求。没有执行任何操作。',
  unreadable: '币安返回了 HTTP {status}，但应答体不是 JSON，无法读取结果。重试之前请先在币安中核实操作是否已发生。',
  banned: '币安已封禁本机 IP 地址（HTTP 418），因为收到 429 后仍继续发送请求。没有执行任何操作；封禁结束前所有调用都会被拒绝。',
  tooManyRequests: '币安拒绝了调用：请求过多（HTTP 429）。没有执行任何操作；在币安要求的等待时间结束前，机器人不会再向该 API 发送请求。',
  inFlight:
    '币安返回代码 {code}（{message}），HTTP {status}：{meaning}因此该请求可能已经执行，或仍可能执行：结果未知（UNKNOWN）。机器人不会重新发送；重试之前请先在币安中核实。',
  serverError: '币安返回了 HTTP {status}。按币安文档，此时执行状态未知（UNKNOWN）：操作可能已经发生。机器人不会重新发送；重试之前请先在币安中核实。',
  serverErrorCode:
    '币安返回了 HTTP {status}（{code}：{message}）。按币安文档，此时执行状态未知（UNKNOWN）：操作可能已经发生。机器人不会重新发送；重试之前请先在币安中核实。',
  unexpected: '币安返回了意外的 HTTP {status}；执行状态未知（UNKNOWN）。重试之前请先在币安中核实。',
  notConnected: '无法连接币安（{code}）；请求没有到达币安。请检查网络和 {variable}，然后重试。',
  timeout: '{timeoutMs} ms 内没有收到币安的应答。请求已发出，可能已经执行：结果未知（UNKNOWN）。机器人不会重新发送；重试之前请先在币安中核实。',
  connectionLost: '请求发出后与币安的连接断开了（{code}）。它可能已经执行：结果未知（UNKNOWN）。机器人不会重新发送；重试之前请先在币安中核实。',
  connectionError: '连接错误',
  botError: '请求已发出，但机器人在读取应答前出错：它可能已经执行，结果未知（UNKNOWN）。机器人不会重新发送；重试之前请先在币安中核实。',
  notSent: '未发送：{detail}。',
  held: {
    limit: '{header} 已用 {used} / {limit}；本次调用需要 {cost}',
    shared: '{header} 在使用同一数据库的所有机器人进程中合计已用 {used} / {limit}；本次调用需要 {cost}',
    banned: '币安已封禁本机 IP 地址（HTTP 418），因为收到 429 后仍在发送请求',
    retryAfter: '币安返回了 429（请求过多），要求机器人等待',
  },
} as const;
