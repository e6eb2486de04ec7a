// The catalogs: every English message has its Chinese translation with the
// same placeholders (the compiler checks this too; this test is the second
// line), no Chinese message is left in English by mistake, Binance's error
// codes have a Chinese meaning for exactly the codes the English table
// documents, and stored English texts can be said again in Chinese.
import { describe, expect, it } from 'vitest';
import { CODE_TABLES } from '../binance/error-codes.ts';
import { FAMILIES } from '../binance/families.ts';
import { entriesOf, fill, placeholdersOf, unfill } from './catalog.ts';
import { en } from './en/index.ts';
import { english, inEnglish, localeOf, localized, messages, reread } from './index.ts';
import { ZH_CODE_MEANINGS } from './zh-CN/binance-codes.ts';
import { zhCN } from './zh-CN/index.ts';

const english_ = new Map(entriesOf(en));
const chinese = new Map(entriesOf(zhCN));

/**
 * Messages whose Chinese is meant to read like the English: nothing but
 * placeholders and punctuation (a mention and a count, the contract's role
 * names as choice labels would be, a separator). Adding one here is a decision.
 */
const SAME_IN_BOTH = new Set(['validation.line', 'status.tally', 'audit.scoped', 'binance.codeMeaning', 'autocomplete.accountLabelled', 'keys.check.warning', 'liveState.change']);

describe('the zh-CN catalog', () => {
  it('has exactly the English keys', () => {
    expect([...chinese.keys()].sort()).toEqual([...english_.keys()].sort());
  });

  it('keeps every placeholder of every message, and adds none', () => {
    const differing = [...english_].filter(([key, text]) => {
      const translated = chinese.get(key) ?? '';
      const names = (template: string) => JSON.stringify([...new Set(placeholdersOf(template))].sort());
      return names(text) !== names(translated);
    });
    expect(differing.map(([key]) => key)).toEqual([]);
  });

  it('translates every message: none is left as the English text, except the few that are only placeholders', () => {
    const untranslated = [...english_].filter(([key, text]) => chinese.get(key) === text && !SAME_IN_BOTH.has(key)).map(([key]) => key);
    expect(untranslated).toEqual([]);
    for (const key of SAME_IN_BOTH) expect(chinese.get(key)?.replace(/\{[A-Za-z]+\}/g, '')).not.toMatch(/[A-Za-z]{2,}/);
  });

  it('writes Chinese: every translated message that has words has Chinese characters in it', () => {
    const words = (template: string) => template.replace(/\{[A-Za-z]+\}/g, '');
    const wordy = [...chinese].filter(([key, text]) => /[a-z]{4,}/.test(words(english_.get(key) ?? '')) && !/[\u4e00-\u9fff]/.test(text));
    expect(wordy.map(([key]) => key)).toEqual([]);
  });

  it("uses Binance's own Chinese names for the five endpoints", () => {
    const t = messages('zh-CN');
    expect(t.endpoints.repayDebt.title).toBe('杠杆账户还款');
    expect(t.endpoints.negativeBalance.title).toBe('清还合约负余额');
    expect(t.endpoints.autoRepay.title).toBe('更改自动清还合约负余额模式');
    expect(t.endpoints.bankruptcyRepay.title).toBe('偿还统一账户专业版穿仓负债');
    expect(t.endpoints.marginType.title).toBe('变换逐全仓模式');
    expect(t.endpoints.marginType.choices.isolated).toContain('逐仓');
    expect(t.endpoints.marginType.choices.crossed).toContain('全仓');
  });
});

describe("Binance's error codes in Chinese", () => {
  it.each(FAMILIES)('%s: a meaning and a next step for exactly the codes the English table documents', (family) => {
    const documented = [...CODE_TABLES[family].keys()].sort((a, b) => a - b);
    expect(
      Object.keys(ZH_CODE_MEANINGS[family])
        .map(Number)
        .sort((a, b) => a - b),
    ).toEqual(documented);
    for (const code of documented) {
      const [what, next] = ZH_CODE_MEANINGS[family][code] ?? ['', ''];
      expect(what, `${family} ${code}`).toMatch(/[\u4e00-\u9fff]/);
      expect(next, `${family} ${code}`).toMatch(/[\u4e00-\u9fff]/);
    }
  });
});

describe('templates', () => {
  it('fill placeholders with the values as given (an amount keeps every digit), and read them back from a filled text', () => {
    expect(fill('Repay {amount} {asset}', { amount: '9007199254740993.12345678', asset: 'BTC' })).toBe('Repay 9007199254740993.12345678 BTC');
    expect(unfill('frozen by {by}: {reason}', 'frozen by alice: key leak: rotate it')).toEqual({ by: 'alice', reason: 'key leak: rotate it' });
    expect(unfill('frozen by {by}: {reason}', 'withdrawn by its proposer')).toBeUndefined();
  });

  it('bind a message without placeholders as its text, one with them as a function of exactly those', () => {
    expect(english.pipeline.unknownAction).toBe('This confirmation is unknown to the bot; run the command again.');
    expect(english.pipeline.refused({ reason: 'x' })).toBe('Refused: x. Nothing was sent.');
    expect(messages('zh-CN').pipeline.refused({ reason: 'x' })).toBe('已拒绝：x。未发送任何请求。');
  });
});

describe('languages', () => {
  it('speaks Chinese to a zh-CN client and English to every other', () => {
    expect(localeOf('zh-CN')).toBe('zh-CN');
    for (const other of ['en-US', 'en-GB', 'zh-TW', 'ja', 'de', '', undefined, null]) expect(localeOf(other)).toBe('en-US');
  });

  it('says a message in every language for Discord, en-US included', () => {
    expect(localized((t) => t.commands.freeze.reason)).toEqual({
      'en-US': 'Why: shown to everyone, and kept in the log',
      'zh-CN': '原因：所有人可见，并记入日志',
    });
  });

  it('keeps what is stored in English, and says a stored reason again in the reader’s language', () => {
    const stored = inEnglish((t) => t.freeze.frozenBy({ by: 'alice', reason: 'suspected key leak' }));
    expect(stored).toBe('frozen by alice: suspected key leak');
    const said = reread(stored, ['proposals.withdrawn', 'freeze.frozenBy']);
    expect(said?.(messages('zh-CN'))).toBe('已被 alice 冻结：suspected key leak');
    expect(said?.(english)).toBe(stored);
    expect(reread('something a person typed', ['freeze.frozenBy'])).toBeUndefined();
  });
});
