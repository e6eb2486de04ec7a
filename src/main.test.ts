// The composition root's logger: every secret in the configuration is scrubbed
// from every line, whatever a caller passes it by mistake.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { loggerFor } from './main.ts';

const dir = mkdtempSync(join(tmpdir(), 'main-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TOKEN = 'MTAwMDAwMDAwMDAwMDAwMDAx.Gabcde.fake-token-for-tests-only-000000';
const SECRET = 'test-only-hmac-secret-0000000000000000000000000000000000000000';
const PASSPHRASE = 'correct horse battery staple';
const AUDIT_KEY = 'audit-log-key-for-tests-only-0000000000000001';
const base = {
  DISCORD_TOKEN: TOKEN,
  DISCORD_CLIENT_ID: '100000000000000001',
  BOT_ADMIN_IDS: '100000000000000002',
  BINANCE_API_KEY: 'TestOnlyApiKey000000000000000001',
  AUDIT_LOG_KEY: AUDIT_KEY,
};

function linesOf(config: ReturnType<typeof loadConfig>, fields: Record<string, unknown>): string {
  const lines: string[] = [];
  const log = loggerFor(config, (line) => lines.push(line));
  log.error('a careless line', fields);
  log.info(`with the values inline: ${Object.values(fields).join(' ')}`);
  return lines.join('\n');
}

describe('loggerFor', () => {
  it('redacts the token, the HMAC secret and AUDIT_LOG_KEY', () => {
    const config = loadConfig({ ...base, BINANCE_API_SECRET: SECRET });
    const out = linesOf(config, { token: TOKEN, secret: SECRET, key: AUDIT_KEY });
    for (const secret of [TOKEN, SECRET, AUDIT_KEY]) expect(out).not.toContain(secret);
    expect(out.match(/\[redacted\]/g)?.length).toBe(6);
  });

  it('redacts BINANCE_PRIVATE_KEY_PASSPHRASE of an encrypted private key', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const keyPath = join(dir, 'rsa.pem');
    writeFileSync(keyPath, rsa.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: PASSPHRASE }));
    const config = loadConfig({ ...base, BINANCE_PRIVATE_KEY_PATH: keyPath, BINANCE_PRIVATE_KEY_PASSPHRASE: PASSPHRASE });
    const out = linesOf(config, { passphrase: PASSPHRASE, key: AUDIT_KEY });
    expect(out).not.toContain(PASSPHRASE);
    expect(out).not.toContain(AUDIT_KEY);
    expect(out).toContain('a careless line');
  });
});
