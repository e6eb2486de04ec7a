// The desk's language, end to end: one bot with BOT_LOCALE=zh-CN and an audit
// channel. What only its reader sees follows the reader's Discord client: a
// zh-CN user gets Chinese (validation error, refusal, confirmation, outcome,
// Binance's error explained, the live state on a confirmation, a request not
// offered because Binance would refuse it), an en-US user in the same run gets English,
// whatever the guild's language. What the channel sees (the approval request,
// the audit channel's posts) is in BOT_LOCALE's Chinese, whoever clicks. The
// contract's names, Binance's codes and messages, amounts digit for digit and
// the log's English stay as they are.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buttonsOf, textOf, type EmulatedMessage } from '../emulators/discord/index.ts';
import { actionIdOf, auditCaughtUp, channelPost, current, isSettled, postsSince, rowsOf, shownConfirmation } from './support.ts';
import { GUILD_ID, USERS, World } from './world.ts';

const { admin, alice } = USERS;
const ZH = { locale: 'zh-CN' } as const;
const EN = { locale: 'en-US' } as const;

let world: World;

/** A message in its final state: no live button, and no longer "Sending" in either language. */
const finished = (message: EmulatedMessage) => isSettled(message) && !textOf(message).startsWith('发送中');

beforeAll(async () => {
  world = await World.start({ audit: true, heartbeatIntervalMs: 500, env: { BOT_LOCALE: 'zh-CN' } });
  // Alice may change margin types; she reads Discord in English.
  await world.command(admin.id, 'access grant', { user: alice.id, action: 'futures.margin-type' }, ZH);
}, 60_000);

afterAll(async () => {
  await world?.close();
});

/** Runs a command in `locale`, clicks Confirm in the same language and waits for the outcome. */
async function confirmIn(locale: 'zh-CN' | 'en-US', userId: string, command: string, options: Record<string, string>) {
  const { message: confirmation } = await world.command(userId, command, options, { locale });
  const click = world.discord.clickLabel(userId, confirmation.id, 'Confirm', { locale });
  await world.discord.acknowledged(click);
  const outcome = await world.discord.settled(click, finished, `the outcome of /${command}`);
  return { confirmation, first: shownConfirmation(confirmation), outcome, actionId: actionIdOf(confirmation) };
}

describe('slash commands', () => {
  test('are registered with their zh-CN descriptions, which the local Discord accepted within its limits', () => {
    const registered = world.discord.commands.get(GUILD_ID) ?? [];
    const pm = registered.find((command) => command.name === 'pm') as
      | { options: Array<{ name: string; description_localizations: Record<string, string> }> }
      | undefined;
    expect(pm?.options.find((option) => option.name === 'repay-debt')?.description_localizations['zh-CN']).toContain('杠杆账户还款');
    expect(registered.map((command) => command.name)).toEqual(['pm', 'pm-pro', 'futures', 'access', 'audit', 'status', 'freeze']);
  });
});

describe('what only its reader sees follows the reader’s Discord language', () => {
  test('a validation error: Chinese for zh-CN, English for en-US (even in a zh-CN guild); the log keeps English; nothing is sent', async () => {
    const since = Date.now();
    const bad = { asset: 'B!', amount: '1e5' };
    const zh = textOf((await world.command(admin.id, 'pm repay-debt', bad, ZH)).message);
    expect(zh).toContain('未发送任何请求：命令的选项无效。');
    expect(zh).toContain('• `asset` 必须是 2 到 20 个字母或数字，例如 BTC 或 USDT（你发送的是 `B!`）');
    expect(zh).toContain('• `amount` 必须是正的十进制数');
    const en = textOf((await world.command(alice.id, 'pm repay-debt', bad, { ...EN, guildLocale: 'zh-CN' })).message);
    expect(en).toContain('Nothing was sent: the command has invalid options.');
    expect(en).toContain('• `asset` must be 2 to 20 letters or digits, such as BTC or USDT (you sent `B!`)');
    expect(en).not.toMatch(/[\u4e00-\u9fff]/);
    expect(postsSince(world, since)).toEqual([]);
    const invalid = (await world.log()).filter((row) => row.event === 'invalid' && row.at_ms >= since);
    // One row each, in English whichever language the person read it in.
    expect(invalid.map((row) => [row.user_id, row.detail?.split('\n')[0]])).toEqual([
      [admin.id, '• `asset` must be 2 to 20 letters or digits, such as BTC or USDT (you sent `B!`)'],
      [alice.id, '• `asset` must be 2 to 20 letters or digits, such as BTC or USDT (you sent `B!`)'],
    ]);
  });

  test('a refusal: the same person reads it in the language their client is in', async () => {
    const zh = textOf((await world.command(alice.id, 'pm-pro bankruptcy-repay', {}, ZH)).message);
    expect(zh).toBe('已拒绝：你没有 `pm-pro.bankruptcy-repay` 的授权；请找持有 `access.admin` 的人授予。未发送任何请求。');
    const en = textOf((await world.command(alice.id, 'pm-pro bankruptcy-repay', {}, EN)).message);
    expect(en).toBe('Refused: you have not been granted `pm-pro.bankruptcy-repay`; ask someone with `access.admin` to grant it. Nothing was sent.');
  });

  test('a confirmation in Chinese, with the exact amount, the contract’s buttons and Binance’s parameter names; cancelled in Chinese', async () => {
    const { message } = await world.command(admin.id, 'pm repay-debt', { asset: 'BTC', amount: '0.00000001' }, ZH);
    const text = textOf(message);
    expect(text).toContain('请确认：/pm repay-debt');
    expect(text).toContain('**偿还统一账户杠杆借款 0.00000001 BTC。**');
    expect(text).toContain('• 币安规定单次还款价值须小于等于 50,000 USD；超出则还款失败。');
    expect(text).toContain('⚠️ **一旦币安执行，此操作无法撤销。**');
    expect(text).toContain('asset=BTC\namount=0.00000001');
    expect(text).toMatch(/由 desk-admin 发起 · 只有发起人可以确认 · 参考号 [\w-]{8}$/);
    expect(buttonsOf(message).map((button) => button.label)).toEqual(['Confirm', 'Cancel']);
    const cancel = world.discord.clickLabel(admin.id, message.id, 'Cancel', ZH);
    const closed = await world.discord.settled(cancel, isSettled, 'the cancelled confirmation');
    expect(textOf(closed)).toContain('已取消：/pm repay-debt\n已取消；未发送任何请求。');
  });

  test('a confirmation and its outcome: Chinese for the zh-CN user, English for the en-US user, in the same run', async () => {
    const zh = await confirmIn('zh-CN', admin.id, 'futures margin-type', { symbol: 'ETHUSDT', 'margin-type': 'ISOLATED' });
    expect(textOf(zh.first)).toContain('**将 U本位合约 ETHUSDT 的保证金模式改为 ISOLATED（逐仓）。**');
    expect(textOf(zh.first)).toContain('权重: 1（IP 限额，fapi）');
    // The live state, read from Binance before the click, in Binance's Chinese words (逐仓, 全仓, 挂单, 持仓).
    expect(textOf(zh.first)).toContain('📡 币安当前状态: • ETHUSDT 当前为 CROSSED（全仓），没有挂单，没有持仓 → 改为 ISOLATED（逐仓）');
    expect(textOf(zh.outcome)).toContain('✅ 已完成：/futures margin-type\n币安已执行（HTTP 200）。');
    expect(textOf(zh.outcome)).toContain('币安返回: success');
    expect(textOf(zh.outcome)).toContain('🔎 回读: ETHUSDT 当前为 CROSSED（全仓） → ETHUSDT 当前为 ISOLATED（逐仓）\n✅ 已确认：ETHUSDT 当前为 ISOLATED（逐仓）');

    const en = await confirmIn('en-US', alice.id, 'futures margin-type', { symbol: 'SOLUSDT', 'margin-type': 'ISOLATED' });
    expect(textOf(en.first)).toContain('**Set SOLUSDT to ISOLATED margin on USDⓈ-M futures.**');
    expect(textOf(en.first)).toContain('📡 On Binance now: • SOLUSDT is CROSSED, no open orders, no position → ISOLATED');
    expect(textOf(en.outcome)).toContain('🔎 Read back: SOLUSDT is CROSSED → SOLUSDT is ISOLATED\n✅ SOLUSDT is ISOLATED');
    expect(textOf(en.outcome)).toContain('✅ Done: /futures margin-type\nBinance executed it (HTTP 200).');
    expect(textOf(en.outcome)).not.toMatch(/[\u4e00-\u9fff]/);
  });

  test('a request Binance would surely refuse is not offered, said in Chinese: the state that decides it, and no Confirm', async () => {
    // Every symbol is CROSSED on the local Binance until changed.
    const { message } = await world.command(admin.id, 'futures margin-type', { symbol: 'BNBUSDT', 'margin-type': 'CROSSED' }, ZH);
    const text = textOf(message);
    expect(text).toContain('不提供确认：/futures margin-type');
    expect(text).toContain('⛔ **币安会拒绝此请求：** BNBUSDT 已是 CROSSED（全仓）：币安会返回 -4046 "No need to change margin type"。');
    expect(text).toContain('不提供 Confirm 按钮，未发送任何请求；该请求已关闭。');
    expect(text).toContain('📡 币安当前状态: • BNBUSDT 当前为 CROSSED（全仓），没有挂单，没有持仓 → 改为 CROSSED（全仓）');
    expect(buttonsOf(message)).toEqual([]);
    // The log keeps English.
    const refused = (await world.log()).filter((row) => row.event === 'refused').at(-1);
    expect(refused?.detail).toMatch(/^before the click, from the live state: Binance would refuse it \(BNBUSDT is already CROSSED: /);
  });

  test("Binance's error explained in each reader's language, Binance's own code and words as sent; the log keeps the English explanation", async () => {
    // BTCUSDT is CROSSED already: with the state read, no Confirm would be offered; unread, Binance answers -4046.
    world.binance.failNext('/fapi/v1/symbolConfig', { kind: 'server-error', status: 500 });
    const zh = await confirmIn('zh-CN', admin.id, 'futures margin-type', { symbol: 'BTCUSDT', 'margin-type': 'CROSSED' });
    expect(textOf(zh.outcome)).toContain('❌ 币安拒绝：/futures margin-type\n没有执行任何操作。');
    expect(textOf(zh.outcome)).toContain('币安返回: `-4046` No need to change margin type.');
    expect(textOf(zh.outcome)).toContain('含义: 无需变更保证金模式：该交易对已是此模式。无需操作。');

    world.binance.failNext('/fapi/v1/symbolConfig', { kind: 'server-error', status: 500 });
    const en = await confirmIn('en-US', alice.id, 'futures margin-type', { symbol: 'BTCUSDT', 'margin-type': 'CROSSED' });
    expect(textOf(en.outcome)).toContain('What it means: No need to change the margin type: the symbol already uses it. Nothing to do.');

    for (const actionId of [zh.actionId, en.actionId]) {
      const outcome = (await rowsOf(world, actionId)).find((row) => row.event === 'outcome');
      expect(outcome).toMatchObject({ binance_code: -4046, detail: 'No need to change the margin type: the symbol already uses it. Nothing to do.' });
    }
  });

  test("/status and /audit in Chinese; the audit CSV keeps its English header and the log's own words", async () => {
    const record = world.discord.slash(admin.id, 'status', {}, ZH);
    const message = await world.discord.settled(record, (candidate) => (candidate.flags & 128) === 0 && candidate.embeds.length > 0, 'the status');
    expect(textOf(message)).toMatch(/^机器人状态\n/);
    expect(textOf(message)).toMatch(/\n待确认: \d+\n/);

    const { message: audit } = await world.command(admin.id, 'audit recent', { action: 'futures.margin-type', limit: 4 }, ZH);
    expect(textOf(audit)).toMatch(/^操作日志：最近 4 行 · 操作 `futures.margin-type`\n/);
    expect(textOf(audit)).toContain('**结果** futures.margin-type');
    const csv = audit.attachments.find((file) => file.filename === 'audit.csv')?.data.toString('utf8') ?? '';
    expect(csv.split(/\r?\n/)[0]).toMatch(/^seq,at_ms,event,action_id,action_key,/);
    expect(csv).toContain(',outcome,');
    expect(csv).not.toMatch(/[\u4e00-\u9fff]/);
  });
});

describe('what the channel sees follows BOT_LOCALE (zh-CN)', () => {
  let requested: EmulatedMessage;
  let actionId: string;
  let since: number;

  test("the approval request is in Chinese while the en-US requester's own confirmation stays English", async () => {
    await world.command(admin.id, 'access policy', { action: 'futures.margin-type', approvals: 1 }, ZH);
    since = Date.now();
    ({ message: requested } = await world.command(alice.id, 'futures margin-type', { symbol: 'XRPUSDT', 'margin-type': 'ISOLATED' }, EN));
    actionId = actionIdOf(requested);
    expect(textOf(requested)).toContain('👥 After you confirm, a second person who holds this action must approve it.');
    const confirm = world.discord.clickLabel(alice.id, requested.id, 'Confirm (then needs approval)', EN);
    await world.discord.settled(confirm, (message) => textOf(message).startsWith('Waiting for approval'), 'the requester’s waiting message');

    const approval = await channelPost(world, since, /需要审批/);
    expect(textOf(approval)).toContain('需要审批：/futures margin-type');
    expect(textOf(approval)).toContain(`<@${alice.id}> 请求：**将 U本位合约 XRPUSDT 的保证金模式改为 ISOLATED（逐仓）。**`);
    expect(textOf(approval)).toContain(`谁可以审批: 除 alice 以外任何持有 \`futures.margin-type\`（requester 或 approver）的人`);
    expect(buttonsOf(approval).map((button) => button.label)).toEqual(['Approve', 'Reject']);

    // The approver's client is in English: the channel's message keeps BOT_LOCALE's language, the requester's their own.
    const approve = world.discord.clickLabel(admin.id, approval.id, 'Approve', EN);
    const done = await world.discord.settled(approve, finished, 'the approved request');
    expect(textOf(done)).toContain('✅ 已完成：/futures margin-type');
    await world.discord.waitFor(() => textOf(current(world, requested)).includes('✅ Done: /futures margin-type'), 'the requester’s outcome');
    expect(textOf(current(world, requested))).not.toMatch(/[\u4e00-\u9fff]/);
  });

  test("the audit channel's posts are in Chinese around the log's own English; what is stored and hashed is English", async () => {
    await auditCaughtUp(world);
    const posts = world.auditPosts().map(textOf);
    const about = posts.filter((post) => post.includes(`ref ${actionId.slice(0, 8)}`));
    expect(about.find((post) => post.includes('📝 **已发起**'))).toContain('`POST /fapi/v1/marginType symbol=XRPUSDT&marginType=ISOLATED`');
    expect(about.some((post) => post.includes('✅ **结果：成功**'))).toBe(true);
    // The read-back after the success: Chinese words around the log's English detail.
    expect(about.find((post) => post.includes('🔎 **回读：已确认**'))).toContain('XRPUSDT is ISOLATED');
    expect(posts.some((post) => post.includes('🔐 **权限：policy**') && post.includes('要求第二人审批 `futures.margin-type`（approvals: 1）'))).toBe(true);
    expect(posts.some((post) => /⚓ 日志锚点（启动时）/.test(post))).toBe(true);
    const rows = await rowsOf(world, actionId);
    expect(rows.map((row) => row.event)).toEqual(['requested', 'confirmed', 'approved', 'sent', 'outcome', 'verified']);
    for (const row of rows) expect(row.detail ?? '').not.toMatch(/[\u4e00-\u9fff]/);
    expect(rows.find((row) => row.event === 'confirmed')?.detail).toBe('waiting for a second person to approve');
  });
});
