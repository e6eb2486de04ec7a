// Several accounts in the environment: main from the unprefixed variables,
// each name in BINANCE_ACCOUNTS from its own, and one start-up message naming
// every bad variable (never a value) when any of it is wrong.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';
import { listedAccountNames } from './config-accounts.ts';
import { SecretScreen } from './actions/secret-input.ts';
import { configuredSecrets, loggerFor } from './main.ts';

const dir = mkdtempSync(join(tmpdir(), 'config-accounts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MAIN_SECRET = 'main-hmac-secret-for-tests-000000000000000000000001';
const FUTURES_SECRET = 'futures-hmac-secret-for-tests-0000000000000000001';
const PASSPHRASE = 'sub-account passphrase 0001';
const base = {
  DISCORD_TOKEN: 'MTAwMDAwMDAwMDAwMDAwMDAx.Gabcde.fake-token-for-tests-only-000000',
  DISCORD_CLIENT_ID: '100000000000000001',
  BOT_ADMIN_IDS: '100000000000000002',
  BINANCE_API_KEY: 'MainApiKeyForTests0000000001',
  BINANCE_API_SECRET: MAIN_SECRET,
};
const edPath = join(dir, 'sub.pem');
writeFileSync(edPath, generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: PASSPHRASE }));
const twoAccounts = {
  ...base,
  BINANCE_LABEL: 'PM desk',
  BINANCE_ACCOUNTS: ' futures , sub_2 ',
  BINANCE_FUTURES_API_KEY: 'FuturesApiKeyForTests00000001',
  BINANCE_FUTURES_API_SECRET: FUTURES_SECRET,
  BINANCE_FUTURES_LABEL: 'Futures desk',
  BINANCE_SUB_2_API_KEY: 'SubTwoApiKeyForTests000000001',
  BINANCE_SUB_2_PRIVATE_KEY_PATH: edPath,
  BINANCE_SUB_2_PRIVATE_KEY_PASSPHRASE: PASSPHRASE,
};

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return [...(error as ConfigError).problems];
  }
  throw new Error('expected the configuration to be refused');
}

describe('accounts in the configuration', () => {
  it('makes main from the unprefixed variables and each listed account from its own, in order', () => {
    const config = loadConfig(twoAccounts);
    expect(config.binance.accounts.map((account) => [account.name, account.label, account.apiKey, account.signingKey.kind])).toEqual([
      ['main', 'PM desk', base.BINANCE_API_KEY, 'hmac'],
      ['futures', 'Futures desk', twoAccounts.BINANCE_FUTURES_API_KEY, 'hmac'],
      ['sub_2', undefined, twoAccounts.BINANCE_SUB_2_API_KEY, 'ed25519'],
    ]);
    // main is still config.binance.apiKey / signingKey, as before accounts.
    expect(config.binance.apiKey).toBe(base.BINANCE_API_KEY);
    expect(config.binance.signingKey).toBe(config.binance.accounts[0]?.signingKey);
    // No secret of any account in what a log line or a debugger would print.
    const printed = `${inspect(config, { depth: 10 })} ${JSON.stringify(config)}`;
    for (const secret of [MAIN_SECRET, FUTURES_SECRET, PASSPHRASE]) expect(printed).not.toContain(secret);
  });

  it('scrubs every account’s secret and passphrase from the log', () => {
    const lines: string[] = [];
    const log = loggerFor(loadConfig(twoAccounts), (line) => lines.push(line));
    log.error('oops', { leaked: [MAIN_SECRET, FUTURES_SECRET, PASSPHRASE] });
    expect(lines.join('\n')).not.toMatch(new RegExp([MAIN_SECRET, FUTURES_SECRET, PASSPHRASE].join('|')));
    expect(lines.join('\n').match(/\[redacted\]/g)).toHaveLength(3);
  });

  it('screens what people type for every account’s secret and passphrase, not only main’s', () => {
    const screen = new SecretScreen(configuredSecrets(loadConfig(twoAccounts)));
    for (const secret of [MAIN_SECRET, FUTURES_SECRET, PASSPHRASE]) expect(screen.screen({ amount: `0.1 ${secret}` }).names).toEqual(['amount']);
    expect(screen.screen({ amount: '0.1', asset: 'BTC' }).names).toEqual([]);
  });

  it('is the one-account bot without BINANCE_ACCOUNTS', () => {
    expect(loadConfig(base).binance.accounts.map((account) => account.name)).toEqual(['main']);
    expect(loadConfig({ ...base, BINANCE_ACCOUNTS: ' , ' }).binance.accounts).toHaveLength(1);
  });

  it('names every bad account variable in one message, and never prints a value', () => {
    const env = {
      ...base,
      BINANCE_ACCOUNTS: 'futures,Sub One,futures,main,private_key,api,sapi,dry,a_very_long_account_name_x,sub',
      BINANCE_FUTURES_API_KEY: 'has spaces !!',
      BINANCE_FUTURES_API_SECRET: FUTURES_SECRET,
      BINANCE_FUTURES_LABEL: '<@&1234> ping everyone',
      BINANCE_SUB_PRIVATE_KEY_PATH: edPath,
    };
    const problems = problemsOf(env);
    expect(problems).toEqual(
      expect.arrayContaining([
        'BINANCE_ACCOUNTS: name 2 of 10 must be lower-case letters, digits and _ (1 to 20 characters)',
        'BINANCE_ACCOUNTS: names 1 and 3 are the same account; list each once',
        'BINANCE_ACCOUNTS: must not list main: the unprefixed BINANCE_API_KEY and its secret or key file are the account main',
        expect.stringMatching(
          /^BINANCE_ACCOUNTS: name 5 of 10 would read its key from BINANCE_PRIVATE_KEY_\*, where the bot's own BINANCE_PRIVATE_KEY_PATH and BINANCE_PRIVATE_KEY_PASSPHRASE live/,
        ),
        expect.stringMatching(
          /^BINANCE_ACCOUNTS: name 6 of 10 would read its key from BINANCE_API_\*, where the bot's own BINANCE_API_KEY and BINANCE_API_SECRET live/,
        ),
        expect.stringMatching(/^BINANCE_ACCOUNTS: name 7 of 10 .*BINANCE_SAPI_URL lives/),
        expect.stringMatching(/^BINANCE_ACCOUNTS: name 8 of 10 .*BINANCE_DRY_RUN lives/),
        'BINANCE_ACCOUNTS: name 9 of 10 must be lower-case letters, digits and _ (1 to 20 characters)',
        'BINANCE_FUTURES_API_KEY: must be the Binance API key of account futures (16 to 128 letters and digits)',
        'BINANCE_FUTURES_LABEL: must be 1 to 40 characters without line breaks, backticks, @, < or >',
        'BINANCE_SUB_API_KEY: is required: the API key of account sub (listed in BINANCE_ACCOUNTS)',
        'BINANCE_SUB_PRIVATE_KEY_PASSPHRASE: the private key is encrypted; set its passphrase',
      ]),
    );
    expect(problems).toHaveLength(12);
    const message = problems.join('\n');
    for (const value of ['Sub One', 'has spaces', FUTURES_SECRET, '<@&1234>', 'a_very_long', edPath]) expect(message).not.toContain(value);
  });

  it('refuses one account’s key given to another: two names for one Binance account', () => {
    expect(problemsOf({ ...twoAccounts, BINANCE_FUTURES_API_KEY: base.BINANCE_API_KEY })).toEqual([
      'BINANCE_FUTURES_API_KEY: is the same key as BINANCE_API_KEY; each account needs its own key',
    ]);
  });

  it('asks an account for exactly one of a secret or a key file, as main', () => {
    expect(problemsOf({ ...twoAccounts, BINANCE_FUTURES_API_SECRET: '' })).toEqual([
      'BINANCE_FUTURES_API_SECRET / BINANCE_FUTURES_PRIVATE_KEY_PATH: one is required: the HMAC secret, or the path of a PEM Ed25519 or RSA private key',
    ]);
    expect(problemsOf({ ...twoAccounts, BINANCE_FUTURES_PRIVATE_KEY_PATH: edPath })).toEqual([
      'BINANCE_FUTURES_API_SECRET / BINANCE_FUTURES_PRIVATE_KEY_PATH: set only one of them (HMAC secret or private-key file), not both',
    ]);
  });

  it('caps the list so that /access can offer every account and * as Discord choices (25 at most)', () => {
    const names = Array.from({ length: 24 }, (_, i) => `desk${i}`);
    expect(listedAccountNames(names.slice(0, 23).join(',')).problems).toEqual([]);
    expect(listedAccountNames(names.join(',')).problems).toEqual([expect.stringMatching(/^BINANCE_ACCOUNTS: lists 24 names; at most 23/)]);
  });
});
