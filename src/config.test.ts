import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, loadDatabasePath, loadLogCheckConfig, readEnvironment } from './config.ts';

const dir = mkdtempSync(join(tmpdir(), 'config-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TOKEN = 'MTAwMDAwMDAwMDAwMDAwMDAx.Gabcde.fake-token-for-tests-only-000000';
const SECRET = 'test-only-hmac-secret-0000000000000000000000000000000000000000';
const valid = {
  DISCORD_TOKEN: TOKEN,
  DISCORD_CLIENT_ID: '100000000000000001',
  BOT_ADMIN_IDS: '100000000000000002, 100000000000000003',
  BINANCE_API_KEY: 'TestOnlyApiKey000000000000000001',
  BINANCE_API_SECRET: SECRET,
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

describe('loadConfig', () => {
  it('fills every default from a minimal valid environment', () => {
    const config = loadConfig(valid);
    expect(config.discord).toMatchObject({ clientId: '100000000000000001', guildId: undefined, apiUrl: 'https://discord.com/api' });
    expect([...config.discord.adminIds]).toEqual(['100000000000000002', '100000000000000003']);
    expect(config.binance).toMatchObject({
      baseUrls: { sapi: 'https://api.binance.com', papi: 'https://papi.binance.com', fapi: 'https://fapi.binance.com' },
      recvWindowMs: 5000,
      timeoutMs: 10000,
      dryRun: false,
    });
    expect(config.databasePath).toBe('./data/bot.sqlite');
    expect(config.confirmTimeoutSeconds).toBe(60);
  });

  it('names every missing variable at once, each with what it must hold', () => {
    const problems = problemsOf({});
    for (const name of ['DISCORD_TOKEN', 'DISCORD_CLIENT_ID', 'BOT_ADMIN_IDS', 'BINANCE_API_KEY', 'BINANCE_API_SECRET / BINANCE_PRIVATE_KEY_PATH']) {
      expect(problems.some((line) => line.startsWith(`${name}: `) && line.includes('required'))).toBe(true);
    }
    expect(problems).toHaveLength(5);
  });

  it('treats an empty variable as unset', () => {
    expect(problemsOf({ ...valid, DISCORD_TOKEN: '' })).toEqual([expect.stringMatching(/^DISCORD_TOKEN: is required/)]);
    expect(loadConfig({ ...valid, BINANCE_RECV_WINDOW: '' }).binance.recvWindowMs).toBe(5000);
  });

  it.each([
    ['DISCORD_CLIENT_ID', 'abc', /snowflake/],
    ['DISCORD_GUILD_ID', '12', /guild id/],
    ['DISCORD_API_URL', 'localhost:3000', /https:\/\/ URL/],
    ['BOT_ADMIN_IDS', ' , ', /at least one/],
    ['BOT_ADMIN_IDS', '100000000000000002,bob', /comma list of Discord user ids/],
    ['BINANCE_API_KEY', 'has spaces in it !!', /letters and digits/],
    ['BINANCE_PAPI_URL', 'papi.binance.com', /URL/],
    ['BINANCE_RECV_WINDOW', '60001', /at most 60000/],
    ['BINANCE_RECV_WINDOW', '0', /at least 1/],
    ['BINANCE_RECV_WINDOW', '5s', /whole number of milliseconds from 1 to 60000/],
    ['BINANCE_TIMEOUT_MS', '-1', /whole number/],
    ['BINANCE_DRY_RUN', 'maybe', /true or false/],
    ['CONFIRM_TIMEOUT_SECONDS', '3600', /at most 840 seconds/],
  ])('refuses %s=%j and says what is expected', (name, value, expected) => {
    const problems = problemsOf({ ...valid, [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${name}: `));
    expect(problems[0]).toMatch(expected);
  });

  it.each(['DISCORD_API_URL', 'BINANCE_SAPI_URL', 'BINANCE_PAPI_URL', 'BINANCE_FAPI_URL'])(
    'refuses a plain http:// %s to any host but the loopback, naming the variable',
    (name) => {
      for (const url of ['http://api.binance.com', 'http://10.0.0.5:8080', 'http://127.0.0.2:9000', 'http://localhost.evil.example', 'http://[::2]:80/api']) {
        const problems = problemsOf({ ...valid, [name]: url });
        expect(problems).toHaveLength(1);
        expect(problems[0]).toMatch(new RegExp(`^${name}: must be an https:// URL: http:// is accepted only for 127\\.0\\.0\\.1, ::1 or localhost`));
        expect(problems[0]).not.toContain(url);
      }
      for (const url of ['http://127.0.0.1:9000', 'http://[::1]:9000/api', 'http://localhost:3000', 'https://example.com/api', 'HTTP://LOCALHOST:3000']) {
        expect(() => loadConfig({ ...valid, [name]: url })).not.toThrow();
      }
    },
  );

  it('takes AUDIT_CHANNEL_ID as an optional channel snowflake, and names it when malformed', () => {
    expect(loadConfig(valid).audit.channelId).toBeUndefined();
    expect(loadConfig({ ...valid, AUDIT_CHANNEL_ID: '' }).audit.channelId).toBeUndefined();
    expect(loadConfig({ ...valid, AUDIT_CHANNEL_ID: ' 300000000000000009 ' }).audit.channelId).toBe('300000000000000009');
    expect(problemsOf({ ...valid, AUDIT_CHANNEL_ID: '#audit' })).toEqual([expect.stringMatching(/^AUDIT_CHANNEL_ID: must be the audit channel’s id \(a Discord snowflake/)]);
  });

  it('takes AUDIT_LOG_KEY_ADOPT as the head a key is adopted on (seq:hash), and refuses anything else', () => {
    const hash = 'a'.repeat(64);
    expect(loadConfig({ ...valid, AUDIT_LOG_KEY_ADOPT: `12:${hash}` }).audit.adoptKeyAt).toEqual({ seq: 12, hash });
    expect(loadConfig(valid).audit.adoptKeyAt).toBeUndefined();
    expect(problemsOf({ ...valid, AUDIT_LOG_KEY_ADOPT: '12' })).toEqual([expect.stringMatching(/^AUDIT_LOG_KEY_ADOPT: must be the log's head as "seq:hash"/)]);
  });

  it('takes AUDIT_LOG_KEY as a secret of at least 32 characters, and refuses a short one without printing it', () => {
    expect(loadConfig(valid).audit.logKey).toBeUndefined();
    const key = `${'k'.repeat(31)}Z`;
    const config = loadConfig({ ...valid, AUDIT_LOG_KEY: key });
    expect(config.audit.logKey?.reveal()).toBe(key);
    expect(`${inspect(config, { depth: 10 })} ${JSON.stringify(config)}`).not.toContain(key);
    for (const bad of ['short-key-0123456789', `${'x'.repeat(20)} ${'y'.repeat(20)}`]) {
      const problems = problemsOf({ ...valid, AUDIT_LOG_KEY: bad });
      expect(problems).toEqual([expect.stringMatching(/^AUDIT_LOG_KEY: must be at least 32 characters without spaces .*or unset for a plain SHA-256 chain$/)]);
      expect(problems.join('\n')).not.toContain(bad);
    }
  });

  it('gives verify-log the database path and the chain key only, from the same rules', () => {
    expect(loadLogCheckConfig({})).toEqual({ databasePath: './data/bot.sqlite', auditLogKey: undefined });
    const key = 'verify-log-key-000000000000000000000001';
    const loaded = loadLogCheckConfig({ DATABASE_PATH: '/tmp/x.sqlite', AUDIT_LOG_KEY: key });
    expect([loaded.databasePath, loaded.auditLogKey?.reveal()]).toEqual(['/tmp/x.sqlite', key]);
    expect(() => loadLogCheckConfig({ AUDIT_LOG_KEY: 'too-short' })).toThrow(/AUDIT_LOG_KEY: must be at least 32 characters/);
  });

  it('gives npm run health the database path with the bot’s own default, and ignores every other setting', () => {
    expect(loadDatabasePath({})).toBe('./data/bot.sqlite');
    expect(loadDatabasePath({ DATABASE_PATH: '' })).toBe('./data/bot.sqlite');
    expect(loadDatabasePath({ DATABASE_PATH: '/var/lib/bot.sqlite', AUDIT_LOG_KEY: 'malformed' })).toBe('/var/lib/bot.sqlite');
    expect(loadDatabasePath({})).toBe(loadConfig(valid).databasePath);
  });

  it('never prints a value: not the token, not the secret', () => {
    const badSecret = 'short secret with spaces';
    let message = '';
    try {
      loadConfig({ ...valid, DISCORD_TOKEN: 'bad token with spaces in it 0000', BINANCE_API_SECRET: badSecret, BINANCE_RECV_WINDOW: 'zzz' });
    } catch (error) {
      message = `${String(error)} ${inspect(error)}`;
    }
    expect(message).toMatch(/DISCORD_TOKEN/);
    expect(message).toMatch(/BINANCE_API_SECRET/);
    expect(message).not.toMatch(/bad token/);
    expect(message).not.toMatch(/short secret/);
    expect(message).not.toMatch(/zzz/);
  });

  it('keeps the token and secret out of inspection and JSON of the config', () => {
    const config = loadConfig(valid);
    const shown = `${inspect(config, { depth: 10 })} ${JSON.stringify(config)}`;
    expect(shown).not.toContain(TOKEN);
    expect(shown).not.toContain(SECRET);
    expect(config.discord.token.reveal()).toBe(TOKEN);
  });

  it('reads an Ed25519 or RSA private key from a PEM file, encrypted or not', () => {
    const ed = generateKeyPairSync('ed25519');
    const edPath = join(dir, 'ed25519.pem');
    writeFileSync(edPath, ed.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const { BINANCE_API_SECRET: _, ...withoutSecret } = valid;
    expect(loadConfig({ ...withoutSecret, BINANCE_PRIVATE_KEY_PATH: edPath }).binance.signingKey.kind).toBe('ed25519');

    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const rsaPath = join(dir, 'rsa.pem');
    writeFileSync(rsaPath, rsa.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'correct horse' }));
    expect(loadConfig({ ...withoutSecret, BINANCE_PRIVATE_KEY_PATH: rsaPath, BINANCE_PRIVATE_KEY_PASSPHRASE: 'correct horse' }).binance.signingKey.kind).toBe('rsa');
    expect(problemsOf({ ...withoutSecret, BINANCE_PRIVATE_KEY_PATH: rsaPath })).toEqual([expect.stringMatching(/^BINANCE_PRIVATE_KEY_PASSPHRASE: the private key is encrypted/)]);
    expect(problemsOf({ ...withoutSecret, BINANCE_PRIVATE_KEY_PATH: rsaPath, BINANCE_PRIVATE_KEY_PASSPHRASE: 'wrong' })).toEqual([
      expect.stringMatching(/^BINANCE_PRIVATE_KEY_PASSPHRASE: does not decrypt/),
    ]);
  });

  it('refuses a missing key file, a non-key file, an unsupported key type, and both kinds of key at once', () => {
    const { BINANCE_API_SECRET: _, ...withoutSecret } = valid;
    expect(problemsOf({ ...withoutSecret, BINANCE_PRIVATE_KEY_PATH: join(dir, 'nope.pem') })).toEqual([expect.stringMatching(/cannot be read/)]);
    const junk = join(dir, 'junk.pem');
    writeFileSync(junk, 'not a key');
    expect(problemsOf({ ...withoutSecret, BINANCE_PRIVATE_KEY_PATH: junk })).toEqual([expect.stringMatching(/not a PEM private key/)]);
    const ec = join(dir, 'ec.pem');
    writeFileSync(ec, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    expect(problemsOf({ ...withoutSecret, BINANCE_PRIVATE_KEY_PATH: ec })).toEqual([expect.stringMatching(/holds a ec key; Binance accepts Ed25519 or RSA/)]);
    expect(problemsOf({ ...valid, BINANCE_PRIVATE_KEY_PATH: junk })).toEqual([expect.stringMatching(/set only one/)]);
  });
});

describe('readEnvironment', () => {
  it('reads .env when present, and the environment wins over it', () => {
    const envFile = join(dir, '.env');
    writeFileSync(envFile, 'CONFIG_TEST_ONLY_A=from-file\nCONFIG_TEST_ONLY_B=from-file\n');
    process.env.CONFIG_TEST_ONLY_B = 'from-environment';
    try {
      const env = readEnvironment(envFile);
      expect(env.CONFIG_TEST_ONLY_A).toBe('from-file');
      expect(env.CONFIG_TEST_ONLY_B).toBe('from-environment');
      expect(readEnvironment(join(dir, 'absent.env')).CONFIG_TEST_ONLY_A).toBeUndefined();
    } finally {
      delete process.env.CONFIG_TEST_ONLY_B;
    }
  });
});
