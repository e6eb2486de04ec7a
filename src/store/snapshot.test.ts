// The online copy behind `npm run backup`: consistent while another connection
// writes, never a partial or clobbered target, never a write to the source.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ActionLog, Database, openStore, type Store } from './index.ts';
import { SnapshotRefused, snapshot } from './snapshot.ts';

let dir: string;
let source: string;
let store: Store;
const accept = async () => undefined;

async function verified(path: string): Promise<{ ok: boolean; rows: number }> {
  const db = await Database.openReadOnly(path);
  try {
    return await new ActionLog(db).verify();
  } finally {
    await db.close();
  }
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'snapshot-test-'));
  source = join(dir, 'live', 'bot.sqlite');
  store = await openStore(source);
  for (let index = 0; index < 20; index += 1) await store.log.append({ event: 'grant', userId: '1', actionKey: 'pm.repay-debt', detail: `row ${index}` });
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('snapshot (npm run backup)', () => {
  it('copies a database another connection keeps writing to: the copy is one committed state and its chain verifies', async () => {
    let writing = true;
    let written = 20;
    const writer = (async () => {
      while (writing) {
        await store.log.append({ event: 'grant', userId: '2', actionKey: 'pm.repay-debt', detail: `during ${written}` });
        written += 1;
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const before = written;
    const target = join(dir, 'backups', 'copy.sqlite');
    await snapshot(source, target, { check: accept });
    const after = written;
    writing = false;
    await writer;
    const verdict = await verified(target);
    expect(verdict.ok).toBe(true);
    expect(verdict.rows).toBeGreaterThanOrEqual(before);
    expect(verdict.rows).toBeLessThanOrEqual(after + 1);
    expect(statSync(target).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(dir, 'backups'))).toEqual(['copy.sqlite']);
  });

  it('refuses to replace an existing file unless told to, and then replaces it whole', async () => {
    const target = join(dir, 'existing.sqlite');
    writeFileSync(target, 'yesterday');
    await expect(snapshot(source, target, { check: accept })).rejects.toThrow(new SnapshotRefused(`${target} already exists; pass --force to replace it.`));
    expect(readFileSync(target, 'utf8')).toBe('yesterday');
    await snapshot(source, target, { check: accept, overwrite: true });
    expect((await verified(target)).rows).toBe(20);
  });

  it('refuses the live database itself and its -wal as the target, even with overwrite', async () => {
    await expect(snapshot(source, source, { check: accept, overwrite: true })).rejects.toThrow(/is the live database itself/);
    await expect(snapshot(source, `${source}-wal`, { check: accept, overwrite: true })).rejects.toThrow(/belongs to the live database/);
    expect((await verified(source)).rows).toBe(20);
  });

  it('writes nothing at the target when the check fails, and leaves no partial file behind', async () => {
    const target = join(dir, 'checked.sqlite');
    await expect(
      snapshot(source, target, {
        check: async () => {
          throw new Error('chain broken');
        },
      }),
    ).rejects.toThrow('chain broken');
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(['live']);
  });

  it('names a missing source', async () => {
    await expect(snapshot(join(dir, 'none.sqlite'), join(dir, 'x.sqlite'), { check: accept })).rejects.toThrow(
      /no database at .*none\.sqlite; set DATABASE_PATH/,
    );
  });

  it('copies a stopped bot’s database without creating a -wal or -shm beside it, and leaves it byte for byte', async () => {
    await store.close();
    const before = readFileSync(source);
    await snapshot(source, join(dir, 'cold.sqlite'), { check: accept });
    expect(readdirSync(join(dir, 'live'))).toEqual(['bot.sqlite']);
    expect(readFileSync(source).equals(before)).toBe(true);
    expect((await verified(join(dir, 'cold.sqlite'))).rows).toBe(20);
    store = await openStore(source);
  });
});
