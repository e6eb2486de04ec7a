// `npm run demo` must keep working: it is a newcomer's first look at the bot.
import { spawnSync } from 'node:child_process';
import { expect, test } from 'vitest';

test('npm run demo plays its session and cleans up', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'test/demo.ts'], { encoding: 'utf8', timeout: 60_000 });
  expect(run.status, run.stderr).toBe(0);
  const out = run.stdout;
  // It says how the bot runs, truly: npm start's command on the compiled dist/, no TypeScript loader.
  expect(out).toMatch(/the bot \(`node [^`]*dist\/src\/main\.js`, npm start's command, on the dist\/ compiled from this checkout\)/);
  expect(out).not.toContain('tsx');
  expect(out).toContain('Binance received: POST /fapi/v1/marginType');
  expect(out).toMatch(/signature: valid · answered HTTP 200/);
  expect(out).toContain('✅ Done: /futures margin-type');
  // The confirmation shows the live state it changes, and the success is read back.
  expect(out).toContain('📡 On Binance now: • BTCUSDT is CROSSED, no open orders, no position → ISOLATED');
  expect(out).toContain('🔎 Read back: BTCUSDT is CROSSED → BTCUSDT is ISOLATED');
  // A repay whose answer was lost (503) is reconciled from its repay record, never re-sent; asking again needs Send anyway.
  expect(out).toContain('⚠️ Outcome UNKNOWN: /pm repay-debt');
  expect(out).toMatch(/✅ Reconciled: EXECUTED — \/pm repay-debt/);
  expect(out).toMatch(/Requested by desk-admin · account main · ref \S{8}/);
  // Two accounts: each key checked at start-up; a command routed to the account whose key cannot run it is refused before Confirm.
  expect(out).toMatch(/#\d+ key-check · futures \(Futures desk\): USDⓈ-M futures; can run futures\.margin-type/);
  expect(out).toContain('Refused: the API key of account main lacks "Enable Futures" (enableFutures)');
  // The mistake, answered in Chinese to a Discord client set to 中文.
  expect(out).toContain('未发送任何请求：命令的选项无效。');
  expect(out).toMatch(/🛑 \*\*Careful: an identical request \(ref \S+ by desk-admin\) was executed less than a minute ago/);
  expect(out).toContain('└ buttons: [Send anyway] [Cancel]');
  expect(out).toMatch(/Refused: you have not been granted `pm.repay-debt`/);
  expect(out).toMatch(/`amount` must be a positive decimal/);
  expect(out).toContain('attachment audit.csv');
  // A delegated admin's change is a proposal; its maker cannot approve it; a second admin does.
  expect(out).toMatch(/Proposed: grant `futures.margin-type` to <@\d+> as requester/);
  expect(out).toContain('└ buttons: [Approve] [Reject]');
  expect(out).toContain('You proposed this change, so you cannot approve it');
  expect(out).toContain('✅ Approved by bob and applied.');
  // The audit channel shows every row as it happens: the applied change names both people.
  expect(out).toContain('The audit channel got');
  expect(out).toMatch(/\*\*#\d+\*\* 🔐 \*\*access: grant\*\* · `futures.margin-type` · by <@\d+> \(bob\).* ⏎ grant `futures.margin-type` to <@\d+> as requester \(no caps\) ⏎ proposal \S+: proposed by alice/);
  expect(out).toContain('her refusal is counted per user and minute, not logged');
  // The emergency stop and its release, in the audit channel.
  expect(out).toMatch(/🧊 \*\*FROZEN\*\* · by <@\d+> \(bob\) ⏎ every money-moving command is stopped: demo drill/);
  expect(out).toMatch(/Refused: the bot is frozen by bob: demo drill/);
  expect(out).toContain('🟢 **freeze released**');
  expect(out).toMatch(/#\d+ unfreeze +desk-admin/);
  // The bot stops, anchoring its head; verify-log checks the log against the anchors from the channel.
  expect(out).toMatch(/⚓ Log anchor \(at shutdown\): `\d+ [0-9a-f]{64}`/);
  expect(out).toMatch(/chain +ok +\d+ rows \(1 to \d+\): \d+ HMAC-SHA256, checked with AUDIT_LOG_KEY/);
  expect(out).toMatch(/anchors +ok +(\d+) given, \1 matched/);
  expect(out).toContain('Action log intact: every check passed.');
  expect(out).toContain('(exit 0)');
  expect(out).toContain('Done: the bot stopped');
}, 90_000);
