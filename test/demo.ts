// `npm run demo`: the whole bot at work with no Discord or Binance account.
// Starts the local Discord and the local Binance (two accounts: `main` on
// Portfolio Margin, `futures` a USDⓈ-M futures account, each with its own key),
// starts the bot exactly as `npm start` does (with an audit channel and a keyed
// log), plays a short session as a few desk members (each account's key
// checked at start-up, a request on the account that can run it and its
// confirmation with the live state it changes, a request routed to an account
// whose key cannot run it, an UNKNOWN outcome reconciled by reading Binance
// back, the Send-anyway warning, refusals, the log, a delegated admin's change
// approved by a second person, the emergency stop), and prints what Discord
// (the desk's channel and the audit channel), Binance and the action log saw at
// each step. It ends by stopping the bot and running `npm run verify-log` with
// the anchors taken from the audit channel.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buttonsOf, textOf, type EmulatedMessage } from './emulators/discord/index.ts';
import { auditCaughtUp, channelPost, isSettled } from './e2e/support.ts';
import { CHANNEL_ID, USERS, World, type WorldAccount } from './e2e/world.ts';
import { runScript, startCommand } from './support/build.ts';

const { admin, alice, bob, mallory } = USERS;
/** The demo's AUDIT_LOG_KEY (a real one comes from `openssl rand -hex 32`, kept off the bot's host too). */
const DEMO_LOG_KEY = 'demo-audit-log-key-0000000000000000000000000001';
/** The desk's two Binance accounts at the local Binance (fake keys): Portfolio Margin, and USDⓈ-M futures. */
const ACCOUNTS: readonly WorldAccount[] = [
  { name: 'main', label: 'PM desk', apiKey: 'DemoMainPortfolioMarginKey001', secret: 'demo-main-secret-not-a-real-key-000000000000001', accountKind: 'portfolio-margin' },
  { name: 'futures', label: 'Futures desk', apiKey: 'DemoFuturesUsdsMarginedKey001', secret: 'demo-futures-secret-not-a-real-key-000000000001', accountKind: 'usds-futures' },
];
const rule = (title: string) => `\n${'─'.repeat(8)} ${title} ${'─'.repeat(Math.max(0, 70 - title.length))}`;
const indent = (text: string, by = '   │ ') => text.split('\n').map((line) => `${by}${line}`).join('\n');

function showMessage(who: string, message: EmulatedMessage): void {
  const visibility = message.visibleTo === undefined ? 'in the channel' : `ephemeral, seen only by ${who}`;
  console.log(`  Discord shows (${visibility}):`);
  console.log(indent(textOf(message)));
  const buttons = buttonsOf(message);
  if (buttons.length > 0) console.log(`   └ buttons: ${buttons.map((button) => `[${button.label}${button.disabled ? ' (disabled)' : ''}]`).join(' ')}`);
  for (const attachment of message.attachments) {
    console.log(`   └ attachment ${attachment.filename} (${attachment.size} bytes):`);
    console.log(indent(attachment.data.toString('utf8').trim().split('\n').slice(0, 6).join('\n'), '       '));
  }
}

function showBinance(world: World, since: number): void {
  const posts = world.binance.requests.filter((request) => request.method === 'POST' && request.at >= since);
  if (posts.length === 0) return void console.log('  Binance received: nothing.');
  for (const post of posts) {
    console.log(`  Binance received: ${post.method} ${post.path}`);
    console.log(`   │ parameters: ${post.totalParams}`);
    const account = ACCOUNTS.find((candidate) => candidate.apiKey === post.apiKey)?.name ?? 'unknown';
    console.log(`   │ API key header: ${post.apiKey === undefined ? 'missing' : `present (account ${account}'s key)`} · signature: ${post.signatureValid === true ? 'valid' : 'INVALID'} · answered HTTP ${post.status ?? '?'}`);
  }
}

async function showLog(world: World, since: number): Promise<void> {
  const rows = (await world.log()).filter((row) => row.at_ms >= since);
  if (rows.length === 0) return void console.log('  The action log (SQLite) gained: nothing.');
  console.log('  The action log (SQLite) gained:');
  for (const row of rows) {
    const outcome = row.outcome_kind === null ? '' : ` → ${row.outcome_kind}${row.http_status === null ? '' : ` (HTTP ${row.http_status})`}`;
    console.log(`   │ #${row.seq} ${row.event.padEnd(9)} ${row.user_tag ?? row.user_id ?? ''} ${row.action_key ?? ''}${outcome}${row.detail === null ? '' : ` · ${row.detail.slice(0, 80)}`}`);
  }
}

/** What the audit channel received: one line per post. */
function showAudit(world: World, since: number): void {
  const posts = world.auditPosts().filter((post) => post.createdAt >= since);
  if (posts.length === 0) return;
  console.log('  The audit channel got (everyone with access to it sees these; the bot cannot take them back):');
  for (const post of posts) console.log(indent(textOf(post).replace(/\n/g, ' ⏎ ').slice(0, 320)));
}

async function step(world: World, title: string, act: () => Promise<void>): Promise<void> {
  console.log(rule(title));
  const since = Date.now();
  await act();
  // Posts follow the answer by a moment: let every logged row reach the audit channel before printing.
  await auditCaughtUp(world);
  for (const post of world.discord.channelMessages(CHANNEL_ID).filter((message) => message.createdAt >= since)) showMessage('everyone', post);
  showBinance(world, since);
  await showLog(world, since);
  showAudit(world, since);
}

async function main(): Promise<void> {
  const { args } = startCommand();
  console.log(`Starting the local Discord, the local Binance and the bot (\`node ${args.join(' ')}\`, npm start's command, on the dist/ compiled from this checkout)…`);
  const world = await World.start({ accounts: ACCOUNTS, audit: true, env: { LOG_LEVEL: 'info', AUDIT_LOG_KEY: DEMO_LOG_KEY } });
  try {
    console.log(`Bot ready. Discord API: ${world.discord.apiUrl} · Binance: ${world.binance.url} · database: ${world.dbPath}`);
    console.log(`Commands the bot registered: ${(world.discord.commands.get([...world.discord.commands.keys()][0] ?? '') ?? []).map((command) => `/${String(command.name)}`).join(' ')}`);

    console.log(rule('0. at start-up the bot checked each account\'s key (GET /sapi/v1/account/apiRestrictions and each product\'s account read)'));
    for (const row of (await world.log()).filter((candidate) => candidate.event === 'key-check')) console.log(`  #${row.seq} key-check · ${row.detail ?? ''}`);
    console.log('  (`/futures margin-type` can run only on futures and `/pm repay-debt` only on main, so their `account` option may be left out.)');

    let confirmation: EmulatedMessage | undefined;
    await step(world, '1. desk-admin asks: /futures margin-type symbol:btcusdt margin-type:ISOLATED', async () => {
      const { record, message } = await world.command(admin.id, 'futures margin-type', { symbol: 'btcusdt', 'margin-type': 'ISOLATED' });
      console.log(`  The bot acknowledged in ${(record.callbacks[0]?.at ?? 0) - record.dispatchedAt} ms (Discord allows 3000).`);
      showMessage(admin.username, message);
      confirmation = message;
    });

    await step(world, '2. desk-admin clicks Confirm', async () => {
      if (confirmation === undefined) throw new Error('no confirmation');
      const click = world.discord.clickLabel(admin.id, confirmation.id, 'Confirm');
      const outcome = await world.discord.settled(click, isSettled, 'the outcome');
      console.log(`  First the message said: ${textOf(outcome.versions.at(-2) ?? outcome).split('\n')[0] ?? ''}`);
      showMessage(admin.username, outcome);
    });

    await step(world, '3. desk-admin routes it to the Portfolio Margin account: /futures margin-type … account:main', async () => {
      const { message } = await world.command(admin.id, 'futures margin-type', { symbol: 'ETHUSDT', 'margin-type': 'ISOLATED', account: 'main' });
      showMessage(admin.username, message);
      console.log('  (Refused before Confirm: the key check found that main\'s key lacks the permission, so nothing waits to fail with -2015.)');
    });

    await step(world, '4. desk-admin repays 0.1 BTC on main; Binance executes it, then its gateway answers 503', async () => {
      world.binance.failNext('/papi/v1/margin/repay-debt', { kind: 'server-error', status: 503 });
      const { message } = await world.command(admin.id, 'pm repay-debt', { asset: 'BTC', amount: '0.1' });
      showMessage(admin.username, message);
      const click = world.discord.clickLabel(admin.id, message.id, 'Confirm');
      const outcome = await world.discord.settled(click, isSettled, 'the outcome');
      showMessage(admin.username, outcome);
      console.log('  The outcome is UNKNOWN: the bot never re-sends it. It reads Binance back instead (5 s, 30 s, 2 min, 10 min, then hourly for a day), with main\'s key…');
      const reconciled = await world.discord.waitFor(() => /Reconciled/.test(textOf(world.discord.messages.get(message.id) ?? message)) && world.discord.messages.get(message.id), 'the reconciliation', 20_000);
      showMessage(admin.username, reconciled);
    });

    await step(world, '5. desk-admin asks for the same repay again: the confirmation warns, and Confirm needs "Send anyway"', async () => {
      const { message } = await world.command(admin.id, 'pm repay-debt', { asset: 'BTC', amount: '0.1' });
      showMessage(admin.username, message);
      const click = world.discord.clickLabel(admin.id, message.id, 'Confirm');
      const prompt = await world.discord.settled(click, (m) => buttonsOf(m).some((button) => button.label === 'Send anyway'), 'the Send anyway prompt');
      showMessage(admin.username, prompt);
      const cancel = world.discord.clickLabel(admin.id, message.id, 'Cancel');
      await world.discord.settled(cancel, (m) => /Cancelled/.test(textOf(m)), 'the cancel');
      console.log('  desk-admin clicks Cancel: nothing is sent.');
    });

    await step(world, '6. mallory (no grant) tries: /pm repay-debt asset:BTC amount:1', async () => {
      const { message } = await world.command(mallory.id, 'pm repay-debt', { asset: 'BTC', amount: '1' });
      showMessage(mallory.username, message);
      console.log('  (mallory holds no grant at all: her refusal is counted per user and minute, not logged and not posted, so nobody can flood the log.)');
    });

    await step(world, '7. desk-admin mistypes: /pm repay-debt asset:BTC amount:0,5 (then again, from a Discord client set to 中文)', async () => {
      const { message } = await world.command(admin.id, 'pm repay-debt', { asset: 'BTC', amount: '0,5' });
      showMessage(admin.username, message);
      const { message: chinese } = await world.command(admin.id, 'pm repay-debt', { asset: 'BTC', amount: '0,5' }, { locale: 'zh-CN' });
      showMessage(admin.username, chinese);
    });

    await step(world, '8. desk-admin reads the log: /audit recent limit:8', async () => {
      const { message } = await world.command(admin.id, 'audit recent', { limit: 8 });
      showMessage(admin.username, message);
    });

    await step(world, '9. desk-admin (a root admin) makes alice and bob delegated admins: /access grant action:access.admin', async () => {
      for (const user of [alice, bob]) {
        const { message } = await world.command(admin.id, 'access grant', { user: user.id, action: 'access.admin' });
        showMessage(admin.username, message);
      }
    });

    let proposal: EmulatedMessage | undefined;
    await step(world, '10. alice (a delegated admin) grants mallory futures.margin-type: it is only a proposal', async () => {
      const since = Date.now();
      const { message } = await world.command(alice.id, 'access grant', { user: mallory.id, action: 'futures.margin-type' });
      showMessage(alice.username, message);
      proposal = await channelPost(world, since, /^Access proposal/);
    });

    await step(world, '11. alice clicks Approve on her own proposal; bob, a second admin, approves it', async () => {
      if (proposal === undefined) throw new Error('no proposal');
      const self = world.discord.clickLabel(alice.id, proposal.id, 'Approve');
      showMessage(alice.username, await world.discord.followUp(self));
      const click = world.discord.clickLabel(bob.id, proposal.id, 'Approve');
      showMessage('everyone', await world.discord.settled(click, (m) => /Approved by/.test(textOf(m)), 'the approval'));
    });

    await step(world, '12. bob pulls the emergency stop: /freeze on reason:demo drill; mallory then tries to act', async () => {
      const { message } = await world.command(bob.id, 'freeze on', { reason: 'demo drill' });
      showMessage(bob.username, message);
      const refused = await world.command(mallory.id, 'futures margin-type', { symbol: 'ETHUSDT', 'margin-type': 'CROSSED' });
      showMessage(mallory.username, refused.message);
    });

    await step(world, '13. desk-admin (a root admin) releases it: /freeze off', async () => {
      const { message } = await world.command(admin.id, 'freeze off');
      showMessage(admin.username, message);
    });

    console.log(rule('14. the bot stops; the log is checked against the anchors the audit channel holds'));
    const since = Date.now();
    await world.bot.stop();
    showAudit(world, since);
    // An operator copies the anchor posts out of the channel (the words around them are fine) into a file.
    const anchorsFile = join(world.dir, 'anchors.txt');
    writeFileSync(anchorsFile, world.auditPosts().filter((post) => post.content.startsWith('⚓')).map(textOf).join('\n'));
    console.log(`  ${anchorsFile} holds the channel's anchor posts; then: npm run verify-log -- ${world.dbPath} --anchors ${anchorsFile}`);
    const verify = await runScript('verify-log', [world.dbPath, '--anchors', anchorsFile], { AUDIT_LOG_KEY: DEMO_LOG_KEY });
    console.log(indent(`${verify.stdout}${verify.stderr}`.trim()));
    console.log(`  (exit ${verify.status})`);
  } finally {
    await world.close();
  }
  console.log('\nDone: the bot stopped, the emulators closed, the temporary database removed.');
}

await main();
