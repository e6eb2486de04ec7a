// `npm run demo` must keep working: it is a newcomer's first look at the bot.
import { spawnSync } from 'node:child_process';
import { expect, test } from 'vitest';

test('npm run demo plays its session and cleans up', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'test/demo.ts'], { encoding: 'utf8', timeout: 60_000 });
  expect(run.status, run.stderr).toBe(0);
  const out = run.stdout;
  expect(out).toContain('Binance received: POST /fapi/v1/marginType');
  expect(out).toMatch(/signature: valid · answered HTTP 200/);
  expect(out).toContain('✅ Done: /futures margin-type');
  expect(out).toMatch(/Refused: you have not been granted `pm.repay-debt`/);
  expect(out).toMatch(/`amount` must be a positive decimal/);
  expect(out).toContain('attachment audit.csv');
  expect(out).toMatch(/\d+ rows, chain intact/);
  expect(out).toContain('Done: the bot stopped');
}, 90_000);
