// A desk with two Binance accounts, through the real bot: `main`, on Portfolio
// Margin, and `futures`, a USDⓈ-M futures account whose key was made with
// withdrawals enabled and no IP restriction. Each command runs on the account
// that can run it and is signed with that account's key (its live state read,
// and an UNKNOWN outcome of it reconciled, with the same key); one routed to an
// account whose key cannot run it is refused before Confirm, naming the
// permission; grants are per account; a 418 on the host stops both accounts;
// a confirmation whose account left the configuration sends nothing.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buttonsOf, textOf } from '../emulators/discord/index.ts';
import { actionIdOf, auditCaughtUp, channelPost, current, expectEphemeralTo, isSettled, postsSince, requestAndConfirm, rowsOf, settle, shownConfirmation } from './support.ts';
import { GUILD_ID, USERS, World, type WorldAccount } from './world.ts';

const MAIN: WorldAccount = {
  name: 'main',
  label: 'PM desk',
  apiKey: 'E2eMainPortfolioMarginKey0001',
  secret: 'e2e-main-pm-secret-do-not-log-000000000000000000001',
  accountKind: 'portfolio-margin',
};
const FUTURES: WorldAccount = {
  name: 'futures',
  label: 'Futures desk',
  apiKey: 'E2eFuturesUsdsMarginedKey0001',
  secret: 'e2e-futures-secret-do-not-log-0000000000000000000001',
  accountKind: 'usds-futures',
  permissions: { enableWithdrawals: true, ipRestrict: false },
};
const MARGIN_TYPE = { symbol: 'BTCUSDT', 'margin-type': 'ISOLATED' };
const { admin, alice } = USERS;

let world: World;
beforeAll(async () => {
  world = await World.start({ accounts: [MAIN, FUTURES], audit: true });
});
afterAll(async () => {
  await world?.close();
});

/** The option JSON Discord holds for /group subcommand. */
function registeredOptions(
  command: string,
  subcommand: string,
): Array<{ name: string; required?: boolean; autocomplete?: boolean; choices?: Array<{ value: string }> }> {
  const definition = world.discord.commands.get(GUILD_ID)?.find((candidate) => candidate.name === command) as
    | { options?: Array<{ name: string; options?: unknown[] }> }
    | undefined;
  return (definition?.options?.find((option) => option.name === subcommand)?.options ?? []) as ReturnType<typeof registeredOptions>;
}

describe('two accounts: main (Portfolio Margin) and futures (USDⓈ-M futures)', () => {
  test('a key with withdrawals enabled is warned about at start: on stderr, in the audit channel and in /status', async () => {
    const warning = world.bot.lines.find((line) => line.level === 'warn' && line.message.startsWith('binance key check: futures (Futures desk)'));
    expect(warning?.message).toMatch(/USDⓈ-M futures; can run futures\.margin-type; ⚠️ WITHDRAWALS ENABLED on this key: .*; ⚠️ NO IP RESTRICTION on this key/);
    expect(world.bot.lines.find((line) => line.message.startsWith('binance key check: main (PM desk)'))).toMatchObject({
      level: 'info',
      message: 'binance key check: main (PM desk): Portfolio Margin; can run pm.repay-debt, pm.repay-negative-balance',
    });
    // The key never reaches the log, only its permissions.
    for (const secret of [MAIN.secret, FUTURES.secret]) expect(world.bot.output).not.toContain(secret);

    await auditCaughtUp(world);
    const posts = world.auditPosts().map(textOf);
    expect(posts).toContainEqual(
      expect.stringMatching(/^\*\*#\d+\*\* ⚠️ \*\*Binance key checked\*\*\nfutures \(Futures desk\): USDⓈ-M futures; .*⚠️ WITHDRAWALS ENABLED on this key/),
    );
    expect(posts).toContainEqual(expect.stringMatching(/^\*\*#\d+\*\* 🔑 \*\*Binance key checked\*\*\nmain \(PM desk\): Portfolio Margin/));

    const { message } = await world.command(admin.id, 'status');
    const text = textOf(message);
    expect(text).toContain('Binance accounts and their keys');
    expect(text).toMatch(
      /🔑 \*\*futures \(Futures desk\)\*\*\n• USDⓈ-M futures\n• can run futures\.margin-type\n• ⚠️ WITHDRAWALS ENABLED on this key[^\n]*\n• ⚠️ NO IP RESTRICTION on this key/,
    );
    expect(text).toMatch(
      /🔑 \*\*main \(PM desk\)\*\*\n• Portfolio Margin\n• can run pm\.repay-debt, pm\.repay-negative-balance\n• cannot run: \/pm-pro auto-repay-futures \(another kind of account\), \/pm-pro bankruptcy-repay \(another kind of account\), \/futures margin-type \(lacks "Enable Futures" \(enableFutures\)\)/,
    );

    // The same /status for a Discord client in 中文: the warnings, the kinds and the permissions in Chinese.
    const chinese = textOf((await world.command(admin.id, 'status', {}, { locale: 'zh-CN' })).message);
    expect(chinese).toContain('币安账户及其 API Key');
    expect(chinese).toMatch(/🔑 \*\*futures \(Futures desk\)\*\*\n• U本位合约\n• 可执行 futures\.margin-type\n• ⚠️ 此 API Key 已开启提现（WITHDRAWALS ENABLED）：[^\n]*“允许提现”\n• ⚠️ 此 API Key 未限制 IP（NO IP RESTRICTION）/);
    expect(chinese).toMatch(/🔑 \*\*main \(PM desk\)\*\*\n• 统一账户\n• 可执行 pm\.repay-debt, pm\.repay-negative-balance\n• 不能执行：.*\/futures margin-type（缺少“合约交易权限”（enableFutures））/);
  });

  test('each command gains `account`, optional where only one account can run it; /access and /audit gain theirs', () => {
    expect(registeredOptions('pm', 'repay-debt').map((option) => [option.name, option.required ?? false])).toEqual([
      ['asset', true],
      ['amount', false],
      ['specify-repay-assets', false],
      ['account', false],
    ]);
    expect(registeredOptions('futures', 'margin-type').find((option) => option.name === 'account')).toMatchObject({ required: false, autocomplete: true });
    for (const subcommand of ['grant', 'revoke', 'policy']) {
      expect(
        registeredOptions('access', subcommand)
          .find((option) => option.name === 'account')
          ?.choices?.map((choice) => choice.value),
      ).toEqual(['*', 'main', 'futures']);
    }
    expect(registeredOptions('audit', 'recent').map((option) => option.name)).toEqual(['user', 'action', 'limit', 'account']);
  });

  test('/pm repay-debt runs on main and /futures margin-type on futures, each signed with its own key', async () => {
    const since = Date.now();
    const repay = await requestAndConfirm(world, admin.id, 'pm repay-debt', { asset: 'BTC', amount: '0.1' });
    expect(textOf(shownConfirmation(repay.confirmation))).toContain('Account: **main (PM desk)**');
    expect(textOf(repay.outcome)).toMatch(/^✅ Done: \/pm repay-debt/);
    expect(textOf(repay.outcome)).toContain('Account main (PM desk) · Confirmed by desk-admin');
    const margin = await requestAndConfirm(world, admin.id, 'futures margin-type', MARGIN_TYPE);
    expect(textOf(shownConfirmation(margin.confirmation))).toContain('Account: **futures (Futures desk)**');
    expect(textOf(margin.outcome)).toMatch(/^✅ Done: \/futures margin-type/);

    expect(postsSince(world, since).map((request) => [request.path, request.apiKey, request.signatureValid])).toEqual([
      ['/papi/v1/margin/repay-debt', MAIN.apiKey, true],
      ['/fapi/v1/marginType', FUTURES.apiKey, true],
    ]);
    expect(world.binance.account(MAIN.apiKey).loans.get('BTC')).toBe('0.4');
    expect(world.binance.account(FUTURES.apiKey).marginTypes.get('BTCUSDT')).toBe('ISOLATED');
    expect(world.binance.account(MAIN.apiKey).marginTypes.get('BTCUSDT')).toBeUndefined();

    // The log binds each action to its account, and the audit channel shows it.
    const requested = (await rowsOf(world, margin.actionId)).find((row) => row.event === 'requested');
    expect(JSON.parse(requested?.request_json ?? '{}')).toMatchObject({ account: 'futures' });
    await auditCaughtUp(world);
    expect(world.auditPosts().map(textOf)).toContainEqual(
      expect.stringMatching(
        /📤 \*\*sent to Binance\*\* · `futures\.margin-type`.*\n`POST \/fapi\/v1\/marginType symbol=BTCUSDT&marginType=ISOLATED&recvWindow=5000&timestamp=\d+` on account \*\*futures\*\*/,
      ),
    );

    // /audit recent account:futures: only that account's rows, the account in the CSV.
    const { message } = await world.command(admin.id, 'audit recent', { account: 'futures', limit: 50 });
    const [header, ...lines] = (message.attachments[0]?.data.toString('utf8') ?? '').trim().split('\r\n');
    const column = header?.split(',').indexOf('account') ?? -1;
    expect(column).toBe(5);
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) expect(line.split(',')[column]).toBe('futures');
    expect(lines.some((line) => line.includes(margin.actionId))).toBe(true);
    expect(lines.some((line) => line.includes(repay.actionId))).toBe(false);
  });

  test('on futures, the live state is read and an UNKNOWN outcome reconciled with the futures key; nothing is re-sent', async () => {
    const from = world.binance.requests.length;
    // Binance executes it, then its gateway answers 503.
    world.binance.account(FUTURES.apiKey).failNext('/fapi/v1/marginType', { kind: 'server-error', status: 503 });
    const { confirmation, actionId, outcome } = await requestAndConfirm(world, admin.id, 'futures margin-type', { symbol: 'SOLUSDT', 'margin-type': 'ISOLATED' });
    const shown = textOf(shownConfirmation(confirmation));
    expect(shown).toContain('📡 On Binance now: • SOLUSDT is CROSSED, no open orders, no position → ISOLATED');
    expect(shown).toContain('Account: **futures (Futures desk)**');
    expect(textOf(outcome)).toContain('⚠️ Outcome UNKNOWN');
    const settled = await world.discord.waitFor(
      () => /Reconciled: EXECUTED/.test(textOf(current(world, confirmation))) && current(world, confirmation),
      'the reconciliation on the requester’s message',
      15_000,
    );
    expect(textOf(settled)).toMatch(/Reading Binance back \(<t:\d+:T>\): SOLUSDT is ISOLATED \(read \d+ s after the send\); the confirmation showed CROSSED\./);
    expect(textOf(settled)).toContain('Requested by desk-admin · account futures · ref');

    // One POST; every read of this symbol (before the click, and the reconciler's) signed with the futures key.
    const received = world.binance.requests.slice(from).filter((request) => request.params.symbol === 'SOLUSDT');
    expect(received.filter((request) => request.method === 'POST').map((request) => [request.path, request.apiKey])).toEqual([['/fapi/v1/marginType', FUTURES.apiKey]]);
    expect(received.filter((request) => request.method === 'GET').map((request) => [request.path, request.apiKey])).toEqual([
      ['/fapi/v1/symbolConfig', FUTURES.apiKey],
      ['/fapi/v1/openOrders', FUTURES.apiKey],
      ['/fapi/v2/positionRisk', FUTURES.apiKey],
      ['/fapi/v1/symbolConfig', FUTURES.apiKey],
    ]);
    expect(world.binance.account(FUTURES.apiKey).marginTypes.get('SOLUSDT')).toBe('ISOLATED');
    const rows = await rowsOf(world, actionId);
    expect(rows.map((row) => [row.event, row.outcome_kind])).toEqual([
      ['requested', null],
      ['confirmed', null],
      ['sent', null],
      ['outcome', 'unknown'],
      ['reconciled', 'executed'],
    ]);
    expect(JSON.parse(rows.find((row) => row.event === 'sent')?.request_json ?? '{}')).toMatchObject({ account: 'futures' });
    // The local Binance has five symbols: SOLUSDT goes back to CROSSED for the tests below.
    world.binance.account(FUTURES.apiKey).setMarginType('SOLUSDT', 'CROSSED');
  }, 30_000);

  test('/futures margin-type account:main is refused before Confirm, naming the permission to enable', async () => {
    const since = Date.now();
    const { message } = await world.command(admin.id, 'futures margin-type', { ...MARGIN_TYPE, account: 'main' });
    expectEphemeralTo(message, admin.id);
    expect(textOf(message)).toMatch(
      /^Refused: the API key of account main lacks "Enable Futures" \(enableFutures\): Binance removes it from the keys of an account on Portfolio Margin/,
    );
    expect(buttonsOf(message)).toEqual([]);
    expect(postsSince(world, since)).toEqual([]);
    const [row] = await world.rows<{ event: string; detail: string; params_json: string }>(
      "SELECT event, detail, params_json FROM action_log WHERE event = 'refused' ORDER BY seq DESC LIMIT 1",
    );
    expect(row).toMatchObject({ event: 'refused', detail: expect.stringContaining('enableFutures') });
    expect(JSON.parse(row?.params_json ?? '{}')).toMatchObject({ account: 'main' });
    // A Discord client in 中文 reads the same refusal in Chinese, the permission in Binance's Chinese words beside its field; the log keeps English.
    const { message: chinese } = await world.command(admin.id, 'futures margin-type', { ...MARGIN_TYPE, account: 'main' }, { locale: 'zh-CN' });
    expect(textOf(chinese)).toMatch(/^已拒绝：账户 main 的 API Key 缺少“合约交易权限”（enableFutures）：币安会从已开通统一账户的账户的 API Key 上移除此权限.*（机器人读取 API Key 时检查）。未发送任何请求。$/s);
    const [chineseRow] = await world.rows<{ detail: string }>("SELECT detail FROM action_log WHERE event = 'refused' ORDER BY seq DESC LIMIT 1");
    expect(chineseRow?.detail).toMatch(/^the API key of account main lacks "Enable Futures" \(enableFutures\)/);
    expect(postsSince(world, since)).toEqual([]);
    // Typing the account offers only those that can run it.
    const typed = world.discord.autocomplete(admin.id, 'futures margin-type', { ...MARGIN_TYPE, account: '' }, 'account');
    await world.discord.waitFor(() => typed.choices, 'the account suggestions');
    expect(typed.choices).toEqual([{ name: 'futures · Futures desk (USDⓈ-M futures)', value: 'futures' }]);
  });

  test('a grant for futures does not let its holder act on main', async () => {
    const granted = await world.command(admin.id, 'access grant', { user: alice.id, action: 'futures.margin-type', account: 'futures' });
    expect(textOf(granted.message)).toMatch(/^Done: grant `futures\.margin-type` on account futures to <@\d+>/);
    await world.command(admin.id, 'access grant', { user: alice.id, action: 'pm.repay-debt', account: 'futures' });

    const since = Date.now();
    const onFutures = await requestAndConfirm(world, alice.id, 'futures margin-type', { symbol: 'ETHUSDT', 'margin-type': 'ISOLATED' });
    expect(textOf(onFutures.outcome)).toMatch(/^✅ Done/);
    const onMain = await world.command(alice.id, 'pm repay-debt', { asset: 'BTC', amount: '0.01', account: 'main' });
    expect(textOf(onMain.message)).toMatch(/^Refused: you have not been granted `pm\.repay-debt`.* \(on account main\)\. Nothing was sent\./);
    const futuresOnMain = await world.command(alice.id, 'futures margin-type', { ...MARGIN_TYPE, account: 'main' });
    expect(textOf(futuresOnMain.message)).toMatch(/^Refused: you have not been granted `futures\.margin-type`.* \(on account main\)/);
    expect(postsSince(world, since).map((request) => [request.path, request.apiKey])).toEqual([['/fapi/v1/marginType', FUTURES.apiKey]]);
    // Her suggestions: the accounts she may act on that can run it.
    const typed = world.discord.autocomplete(alice.id, 'pm repay-debt', { asset: 'BTC', account: '' }, 'account');
    await world.discord.waitFor(() => typed.choices, 'the account suggestions');
    expect(typed.choices).toEqual([]);
  });

  test('a 418 on the host blocks every account on it; /status shows usage per family and per account', async () => {
    world.binance.account(FUTURES.apiKey).failNext('/fapi/v1/marginType', { kind: 'rate-limit', status: 418, retryAfterS: 3 });
    const banned = await requestAndConfirm(world, admin.id, 'futures margin-type', { symbol: 'SOLUSDT', 'margin-type': 'ISOLATED' });
    expect(textOf(banned.outcome)).toMatch(/🚫 IP BANNED by Binance/);
    const since = Date.now();
    const repay = await requestAndConfirm(world, admin.id, 'pm repay-debt', { asset: 'BNB', amount: '1' });
    expect(textOf(repay.outcome)).toMatch(/🚫 IP BANNED by Binance: \/pm repay-debt/);
    expect(textOf(repay.outcome)).toContain('Not sent: Binance has BANNED this IP address');
    expect(postsSince(world, since)).toEqual([]);
    const { message } = await world.command(admin.id, 'status');
    const text = textOf(message);
    expect(text).toMatch(/x-mbx-used-weight-1m: \d+ \/ 6000\nmain · x-mbx-order-count-1m: \d+ \/ 1200\nfutures · x-mbx-order-count-1m: \d+ \/ 1200/);
    expect(text).toMatch(
      /x-mbx-used-weight-1m: \d+ \/ 2400\nmain · x-mbx-order-count-10s: \d+ \/ 300\nmain · x-mbx-order-count-1m: \d+ \/ 1200\nfutures · x-mbx-order-count-10s: \d+ \/ 300/,
    );
    expect(text).toMatch(/main · x-sapi-used-uid-weight-1m: \d+ \/ 180000\nfutures · x-sapi-used-uid-weight-1m: \d+ \/ 180000/);
    // The re-check of the keys met the ban too: it kept what it knew, and says so.
    expect(text).toContain('the latest re-check could not read Binance');
    await settle(3_100);
  });

  test('a two-person policy on one account: its approval request shows the account; the other account is not held by it', async () => {
    const policy = await world.command(admin.id, 'access policy', { action: 'futures.margin-type', approvals: 1, account: 'futures' });
    expect(textOf(policy.message)).toMatch(/^Done: require a second person to approve `futures\.margin-type` on account futures/);
    const { message } = await world.command(alice.id, 'futures margin-type', { symbol: 'BNBUSDT', 'margin-type': 'ISOLATED' });
    expect(textOf(message)).toContain('👥 After you confirm, a second person');
    const since = Date.now();
    const click = world.discord.clickLabel(alice.id, message.id, 'Confirm (then needs approval)');
    await world.discord.acknowledged(click);
    const request = await channelPost(world, since, /Approval needed: \/futures margin-type/);
    expect(textOf(request)).toContain('Account: **futures (Futures desk)**');
    const approve = world.discord.clickLabel(admin.id, request.id, 'Approve');
    await world.discord.acknowledged(approve);
    expect(textOf(await world.discord.settled(approve, isSettled, 'the approved outcome'))).toMatch(/^✅ Done: \/futures margin-type/);
    expect(postsSince(world, since).map((request) => [request.path, request.apiKey])).toEqual([['/fapi/v1/marginType', FUTURES.apiKey]]);
    // main's actions keep their own rule: the admin's repay on main runs on one Confirm.
    const repay = await requestAndConfirm(world, admin.id, 'pm repay-negative-balance');
    expect(textOf(repay.outcome)).toMatch(/^✅ Done/);
  });

  test('a confirmation whose account was removed from the configuration before the click sends nothing', async () => {
    const { message: confirmation } = await world.command(admin.id, 'futures margin-type', { symbol: 'XRPUSDT', 'margin-type': 'ISOLATED' });
    const actionId = actionIdOf(confirmation);
    await world.restart('stop', {
      BINANCE_ACCOUNTS: undefined,
      BINANCE_FUTURES_API_KEY: undefined,
      BINANCE_FUTURES_API_SECRET: undefined,
      BINANCE_FUTURES_LABEL: undefined,
    });
    const since = Date.now();
    // (Its Confirm reads "Confirm (then needs approval)": futures' two-person policy above.)
    const click = world.discord.clickLabel(admin.id, confirmation.id, 'Confirm (then needs approval)');
    await world.discord.acknowledged(click);
    const closed = await world.discord.settled(click, (message) => buttonsOf(message).every((button) => button.disabled), 'the closed confirmation');
    expect(textOf(closed)).toMatch(
      /^Closed: the account futures is no longer in the bot's configuration \(BINANCE_ACCOUNTS\), so there is no key to sign it with\. Nothing was sent/,
    );
    expect(textOf(current(world, confirmation))).toContain('Closed: the account futures');
    await settle(300);
    expect(postsSince(world, since)).toEqual([]);
    expect((await rowsOf(world, actionId)).map((row) => row.event)).toEqual(['requested', 'refused']);
    expect((await rowsOf(world, actionId))[1]?.detail).toMatch(/no longer in the bot's configuration/);
    // With main alone, the commands keep `account` (optional now), and /access offers `*` and main only.
    expect(registeredOptions('futures', 'margin-type').map((option) => [option.name, option.required ?? false])).toEqual([
      ['symbol', true],
      ['margin-type', true],
      ['account', false],
    ]);
    expect(
      registeredOptions('access', 'grant')
        .find((option) => option.name === 'account')
        ?.choices?.map((choice) => choice.value),
    ).toEqual(['*', 'main']);
  });
});

describe('a key that cannot be read at start-up', () => {
  let unread: World;
  afterAll(async () => {
    await unread?.close();
  });

  test('its commands are allowed unchecked, it says so at start and in /status, and /status reads it again', async () => {
    unread = await World.start({
      accounts: [MAIN, { ...FUTURES, permissions: {} }],
      beforeStart: (binance) => binance.account(FUTURES.apiKey).failNext('/sapi/v1/account/apiRestrictions', { kind: 'server-error', status: 503 }),
    });
    expect(unread.bot.lines.find((line) => line.message.startsWith('binance key check: futures'))).toMatchObject({
      level: 'warn',
      message: expect.stringMatching(
        /❔ NOT READ: GET \/sapi\/v1\/account\/apiRestrictions: no answer .*its commands are allowed unchecked; the bot tries again every minute/,
      ),
    });
    // Not guessed: the account might be of any kind, so even /pm repay-debt is allowed there, unchecked.
    const { message: confirmation } = await unread.command(admin.id, 'futures margin-type', { ...MARGIN_TYPE, account: 'futures' });
    expect(textOf(confirmation)).toMatch(
      /❔ Not checked: account futures: its key's permissions could not be read \(GET \/sapi\/v1\/account\/apiRestrictions: no answer/,
    );
    expect(buttonsOf(confirmation).map((button) => button.label)).toEqual(['Confirm', 'Cancel']);
    const asked = await unread.command(admin.id, 'pm repay-debt', { asset: 'BTC', account: 'futures' });
    expect(textOf(asked.message)).toContain('❔ Not checked: account futures');

    const { message: status } = await unread.command(admin.id, 'status');
    expect(textOf(status)).toMatch(/🔑 \*\*futures \(Futures desk\)\*\*\n• USDⓈ-M futures\n• can run futures\.margin-type\n/);
    const checks = await unread.rows<{ detail: string }>("SELECT detail FROM action_log WHERE event = 'key-check' ORDER BY seq");
    expect(checks.map((row) => row.detail)).toEqual([
      expect.stringMatching(/^main \(PM desk\): Portfolio Margin/),
      expect.stringMatching(/^futures \(Futures desk\): USDⓈ-M futures; can run no command for sure; ❔ NOT READ: GET \/sapi\/v1\/account\/apiRestrictions/),
      'futures (Futures desk): USDⓈ-M futures; can run futures.margin-type',
    ]);
    expect(current(unread, confirmation).id).toBe(confirmation.id);
  });
});
