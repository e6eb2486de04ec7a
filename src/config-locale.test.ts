// BOT_LOCALE: the language of what many people see. en-US unless set; a bad
// value is named in the one message that names every bad variable.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

const valid = {
  DISCORD_TOKEN: 'MTAwMDAwMDAwMDAwMDAwMDAx.Gabcde.fake-token-for-tests-only-000000',
  DISCORD_CLIENT_ID: '100000000000000001',
  BOT_ADMIN_IDS: '100000000000000002',
  BINANCE_API_KEY: 'TestOnlyApiKey000000000000000001',
  BINANCE_API_SECRET: 'test-only-hmac-secret-0000000000000000000000000000000000000000',
};

describe('BOT_LOCALE', () => {
  it('is en-US when unset or empty, and zh-CN when asked', () => {
    expect(loadConfig(valid).locale).toBe('en-US');
    expect(loadConfig({ ...valid, BOT_LOCALE: '' }).locale).toBe('en-US');
    expect(loadConfig({ ...valid, BOT_LOCALE: 'zh-CN' }).locale).toBe('zh-CN');
  });

  it.each(['zh', 'zh_CN', 'zh-TW', 'en', 'fr'])('refuses %s, naming it beside every other bad variable', (value) => {
    let problems: readonly string[] = [];
    try {
      loadConfig({ ...valid, BOT_LOCALE: value, BINANCE_RECV_WINDOW: 'soon' });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      problems = (error as ConfigError).problems;
    }
    expect(problems).toEqual([
      expect.stringMatching(/^BINANCE_RECV_WINDOW: /),
      'BOT_LOCALE: must be en-US or zh-CN (the language of messages many people see)',
    ]);
  });
});
