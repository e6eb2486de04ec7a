// `npm run demo`: the whole bot at work with no Discord or Binance account.
// Starts the local Discord and the local Binance, starts the bot exactly as
// `npm start` does, plays a short session as a few desk members (a request
// and its confirmation, refusals, the log, a delegated admin's change approved
// by a second person, the emergency stop), and prints what Discord, Binance
// and the action log saw at each step.
import { buttonsOf, textOf, type EmulatedMessage } from './emulators/discord/index.ts';
import { channelPost, channelPosts, isSettled } from './e2e/support.ts';
import { USERS, World } from './e2e/world.ts';
import { startCommand } from './support/build.ts';

const { admin, alice, bob, mallory } = USERS;
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
    console.log(`   │ API key header: ${post.apiKey === undefined ? 'missing' : 'present'} · signature: ${post.signatureValid === true ? 'valid' : 'INVALID'} · answered HTTP ${post.status ?? '?'}`);
  }
}

async function showLog(world: World, since: number): Promise<void> {
  const rows = (await world.log()).filter((row) => row.at_ms >= since);
  console.log('  The action log (SQLite) gained:');
  for (const row of rows) {
    const outcome = row.outcome_kind === null ? '' : ` → ${row.outcome_kind}${row.http_status === null ? '' : ` (HTTP ${row.http_status})`}`;
    console.log(`   │ #${row.seq} ${row.event.padEnd(9)} ${row.user_tag ?? row.user_id ?? ''} ${row.action_key ?? ''}${outcome}${row.detail === null ? '' : ` · ${row.detail.slice(0, 80)}`}`);
  }
}

async function step(world: World, title: string, act: () => Promise<void>): Promise<void> {
  console.log(rule(title));
  const since = Date.now();
  await act();
  // Announcements follow the answer by a moment: let them land before printing.
  await new Promise((resolve) => setTimeout(resolve, 150));
  for (const post of channelPosts(world, since, /./)) showMessage('everyone', post);
  showBinance(world, since);
  await showLog(world, since);
}

async function main(): Promise<void> {
  const { args } = startCommand();
  console.log(`Starting the local Discord, the local Binance and the bot (\`node ${args.join(' ')}\`, npm start's command, on the dist/ compiled from this checkout)…`);
  const world = await World.start({ env: { LOG_LEVEL: 'info' } });
  try {
    console.log(`Bot ready. Discord API: ${world.discord.apiUrl} · Binance: ${world.binance.url} · database: ${world.dbPath}`);
    console.log(`Commands the bot registered: ${(world.discord.commands.get([...world.discord.commands.keys()][0] ?? '') ?? []).map((command) => `/${String(command.name)}`).join(' ')}`);

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

    await step(world, '3. mallory (no grant) tries: /pm repay-debt asset:BTC amount:1', async () => {
      const { message } = await world.command(mallory.id, 'pm repay-debt', { asset: 'BTC', amount: '1' });
      showMessage(mallory.username, message);
    });

    await step(world, '4. desk-admin mistypes: /pm repay-debt asset:BTC amount:0,5', async () => {
      const { message } = await world.command(admin.id, 'pm repay-debt', { asset: 'BTC', amount: '0,5' });
      showMessage(admin.username, message);
    });

    await step(world, '5. desk-admin reads the log: /audit recent limit:8', async () => {
      const { message } = await world.command(admin.id, 'audit recent', { limit: 8 });
      showMessage(admin.username, message);
    });

    await step(world, '6. desk-admin (a root admin) makes alice and bob delegated admins: /access grant action:access.admin', async () => {
      for (const user of [alice, bob]) {
        const { message } = await world.command(admin.id, 'access grant', { user: user.id, action: 'access.admin' });
        showMessage(admin.username, message);
      }
    });

    let proposal: EmulatedMessage | undefined;
    await step(world, '7. alice (a delegated admin) grants mallory futures.margin-type: it is only a proposal', async () => {
      const since = Date.now();
      const { message } = await world.command(alice.id, 'access grant', { user: mallory.id, action: 'futures.margin-type' });
      showMessage(alice.username, message);
      proposal = await channelPost(world, since, /^Access proposal/);
    });

    await step(world, '8. alice clicks Approve on her own proposal; bob, a second admin, approves it', async () => {
      if (proposal === undefined) throw new Error('no proposal');
      const self = world.discord.clickLabel(alice.id, proposal.id, 'Approve');
      showMessage(alice.username, await world.discord.followUp(self));
      const click = world.discord.clickLabel(bob.id, proposal.id, 'Approve');
      showMessage('everyone', await world.discord.settled(click, (m) => /Approved by/.test(textOf(m)), 'the approval'));
    });

    await step(world, '9. bob pulls the emergency stop: /freeze on reason:demo drill; mallory then tries to act', async () => {
      const { message } = await world.command(bob.id, 'freeze on', { reason: 'demo drill' });
      showMessage(bob.username, message);
      const refused = await world.command(mallory.id, 'futures margin-type', { symbol: 'ETHUSDT', 'margin-type': 'CROSSED' });
      showMessage(mallory.username, refused.message);
    });

    await step(world, '10. desk-admin (a root admin) releases it: /freeze off', async () => {
      const { message } = await world.command(admin.id, 'freeze off');
      showMessage(admin.username, message);
    });

    console.log(rule('the hash chain'));
    const verdict = await import('../src/store/index.ts').then(async ({ openStore }) => {
      const store = await openStore(world.dbPath);
      try {
        return await store.log.verify();
      } finally {
        await store.close();
      }
    });
    console.log(verdict.ok ? `  ${verdict.rows} rows, chain intact (what \`npm run verify-log\` checks).` : `  chain BROKEN at row ${verdict.seq}: ${verdict.reason}`);
  } finally {
    await world.close();
  }
  console.log('\nDone: the bot stopped, the emulators closed, the temporary database removed.');
}

await main();
