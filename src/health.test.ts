// `npm run health`'s verdicts, from heartbeats written by the store exactly as a
// bot process writes them, in a real SQLite file.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HEARTBEAT_STALE_MS } from './actions/service.ts';
import { checkHealth } from './health.ts';
import { Database, migrate, openStore, type Store } from './store/index.ts';
import { MIGRATIONS } from './store/migrations.ts';

const NOW = 1_800_000_000_000;
const connected = { state: 'connected', detail: 'Ready, ping 12 ms' } as const;
let dir: string;
let path: string;
let store: Store;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'health-test-'));
  path = join(dir, 'bot.sqlite');
  store = await openStore(path);
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('npm run health', () => {
  it('is healthy when a process beat within the window and its gateway is connected', async () => {
    await store.processes.beat('host:1:aa', NOW - 60_000, { state: 'disconnected', detail: 'logging in' });
    await store.processes.beat('host:1:aa', NOW - 30_000, connected);
    await store.processes.beat('host:1:aa', NOW - 1_500, connected);
    const verdict = await checkHealth(path, NOW);
    expect(verdict).toEqual({ healthy: true, line: 'healthy: host:1:aa beat 1.5 s ago; Discord gateway connected for 30.0 s (Ready, ping 12 ms).' });
  });

  it('is unhealthy when the audit channel’s anchors stopped: a row waited for one longer than the hourly anchor allows', async () => {
    await store.processes.beat('host:1:aa', NOW - 30_000, connected);
    await store.processes.beat('host:1:aa', NOW - 1_500, connected);
    const mirrored = await openStore(path, { auditMirror: true, now: () => NOW - 2 * 3_600_000 });
    try {
      await mirrored.log.append({ event: 'startup', detail: 'two hours ago' });
      const overdue = await checkHealth(path, NOW);
      expect(overdue.healthy).toBe(false);
      expect(overdue.line).toMatch(/^unhealthy: host:1:aa is running and connected, but no anchor has been posted yet, and rows written since .* are not anchored: the hourly anchor is overdue/);
      // Anchored and posted: healthy again.
      await mirrored.outbox.anchorHead('hour');
      for (let entry = await mirrored.outbox.next(); entry !== undefined; entry = await mirrored.outbox.next()) await mirrored.outbox.markPosted(entry.id, `m${entry.id}`);
      expect((await checkHealth(path, NOW)).healthy).toBe(true);
    } finally {
      await mirrored.close();
    }
  });

  it('is unhealthy once the last beat is older than the heartbeat window (a killed process)', async () => {
    await store.processes.beat('host:2:bb', NOW - HEARTBEAT_STALE_MS - 1, connected);
    const verdict = await checkHealth(path, NOW);
    expect(verdict.healthy).toBe(false);
    expect(verdict.line).toBe(
      'unhealthy: no bot process has beaten in the last 10.0 s on ' +
        `${path}; the latest beat, 10.0 s ago, was from host:2:bb, which stopped without a clean shutdown (crashed, killed or hung).`,
    );
    // At the edge of the window it still counts.
    expect((await checkHealth(path, NOW - 1)).healthy).toBe(true);
  });

  it('is unhealthy when the running process reports its gateway disconnected, saying since when', async () => {
    await store.processes.beat('host:3:cc', NOW - 20_000, connected);
    await store.processes.beat('host:3:cc', NOW - 12_000, { state: 'disconnected', detail: 'Connecting' });
    await store.processes.beat('host:3:cc', NOW - 1_000, { state: 'disconnected', detail: 'Resuming' });
    const verdict = await checkHealth(path, NOW);
    expect(verdict).toEqual({
      healthy: false,
      line: 'unhealthy: host:3:cc is running (beat 1.0 s ago) but its Discord gateway is disconnected (Resuming) for 12.0 s.',
    });
  });

  it('is unhealthy while a process has beaten but not yet reported its gateway (starting up)', async () => {
    await store.processes.beat('host:4:dd', NOW - 500);
    expect((await checkHealth(path, NOW)).line).toBe(
      'unhealthy: host:4:dd is running (beat 0.5 s ago) but has not reported a Discord gateway connection yet (starting up).',
    );
  });

  it('counts any live, connected process; a stale one does not make it healthy', async () => {
    await store.processes.beat('old:1:aa', NOW - 60_000, connected);
    await store.processes.beat('new:2:bb', NOW - 1_000, { state: 'disconnected', detail: 'Identifying' });
    expect((await checkHealth(path, NOW)).healthy).toBe(false);
    await store.processes.beat('new:3:cc', NOW - 1_000, connected);
    expect((await checkHealth(path, NOW)).line).toMatch(/^healthy: new:3:cc/);
  });

  it('says no process runs when none has a heartbeat (a clean stop removes it)', async () => {
    await store.processes.beat('host:5:ee', NOW - 1_000, connected);
    await store.processes.end('host:5:ee');
    expect(await checkHealth(path, NOW)).toEqual({
      healthy: false,
      line: `unhealthy: no bot process is running on ${path} (no heartbeat; a bot that stopped cleanly leaves none).`,
    });
  });

  it('names a missing database, and a database whose schema predates the gateway state', async () => {
    expect((await checkHealth(join(dir, 'nope.sqlite'), NOW)).line).toBe(
      `unhealthy: no database at ${join(dir, 'nope.sqlite')}; pass the bot's database path, or set DATABASE_PATH as the bot has it.`,
    );
    const oldPath = join(dir, 'old.sqlite');
    const old = await Database.open(oldPath);
    await migrate(
      old,
      MIGRATIONS.filter((migration) => migration.version <= 5),
    );
    await old.close();
    expect((await checkHealth(oldPath, NOW)).line).toBe(
      `unhealthy: the database at ${oldPath} has no gateway state in its heartbeats: start this version of the bot on it.`,
    );
  });

  it('opens the database read-only: a stopped bot’s file is left byte for byte, with no -wal or -shm created', async () => {
    await store.processes.beat('host:6:ff', NOW - 1_000, connected);
    await store.close();
    const before = readFileSync(path);
    expect(readdirSync(dir)).toEqual(['bot.sqlite']);
    expect((await checkHealth(path, NOW)).healthy).toBe(true);
    expect(readdirSync(dir)).toEqual(['bot.sqlite']);
    expect(readFileSync(path).equals(before)).toBe(true);
    store = await openStore(path);
  });
});
