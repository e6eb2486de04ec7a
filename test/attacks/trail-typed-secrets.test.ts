// Review of issue 12. "Secrets stay secret: the token, API
// secret, private key (and its passphrase), AUDIT_LOG_KEY and signatures never
// reach logs, the database, Discord or error texts" (README). The logger
// scrubs them from stdout (src/main.ts loggerFor), but nothing scrubs what a
// person TYPES: a desk member who pastes the wrong clipboard into an option
// (the API secret, the audit key) gets it stored in the action log — quoted in
// the `invalid` row's detail (src/actions/explain.ts:75, 60 characters) and whole in its params_json (service.ts:248) — and,
// with an audit channel, posted there. A leaked AUDIT_LOG_KEY is the end of the
// keyed chain's guarantee; a row of the log can never be deleted to undo it.
// Now every option is screened first (src/actions/secret-input.ts): text that
// holds a configured secret, or 24 characters of one, is refused by the
// option's name only and stored nowhere.
import { describe, expect, it } from 'vitest';
import type { OperatorError } from '../../src/actions/errors.ts';
import { messages } from '../../src/i18n/index.ts';
import { ADMIN_ID, TEST_SECRET, type Harness } from '../support/harness.ts';
import { KEY, useKeyedHarness } from './trail-support.ts';

let h: Harness;
useKeyedHarness((harness) => {
  h = harness;
});

describe('a configured secret pasted into an option by a grant holder', () => {
  it.each([
    ['AUDIT_LOG_KEY', KEY],
    ['BINANCE_API_SECRET', TEST_SECRET],
  ])('%s typed as the amount is not stored in the action log (which the audit channel mirrors)', async (_name, secret) => {
    await h.service.request(h.actor(ADMIN_ID, 'admin'), h.endpoint('pm.repay-debt'), { asset: 'BTC', amount: secret }).catch(() => undefined);
    const stored = JSON.stringify(await h.store.db.all('SELECT * FROM action_log'));
    expect(stored).not.toContain(secret.slice(0, 40));
  });

  it('refuses a 30-character piece of the API secret, saying which option and never the text', async () => {
    const piece = TEST_SECRET.slice(10, 40);
    const error = await h.service.request(h.actor(ADMIN_ID, 'admin'), h.endpoint('pm.repay-debt'), { asset: 'BTC', amount: `0.1 ${piece}` }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toMatchObject({ kind: 'invalid', message: expect.stringMatching(/^Nothing was sent: `amount` holds text that matches one of the bot's own secrets/) });
    expect(String((error as Error).message)).not.toContain(piece.slice(0, 12));
    // A zh-CN reader is told the same in Chinese, naming the option only.
    const zh = (error as OperatorError).text(messages('zh-CN'));
    expect(zh).toMatch(/^未发送任何请求：`amount` 中的文本与机器人自身的某个密钥相符/);
    expect(zh).not.toContain(piece.slice(0, 12));
    const rows = await h.store.db.all<{ event: string; params_json: string; detail: string }>('SELECT event, params_json, detail FROM action_log');
    expect(rows).toEqual([{ event: 'invalid', params_json: '{"asset":"BTC","amount":"[withheld: holds a configured secret]"}', detail: 'amount: [withheld: holds a configured secret]' }]);
  });

  it('still freezes on a reason that holds AUDIT_LOG_KEY, without keeping the reason', async () => {
    const engaged = await h.freeze.engage(h.actor(ADMIN_ID, 'admin'), `oops ${KEY}`);
    expect(engaged.freeze.reason).toBe('[withheld: holds a configured secret]');
    expect(JSON.stringify(await h.store.db.all('SELECT * FROM action_log'))).not.toContain(KEY.slice(0, 24));
    expect(JSON.stringify(await h.store.db.all('SELECT * FROM freeze'))).not.toContain(KEY.slice(0, 24));
  });
});
