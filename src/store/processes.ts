// Heartbeats of the bot processes sharing the database: how one process tells
// whether the owner of a claimed action is still running.
import type { Database } from './database.ts';

export class Processes {
  constructor(private readonly db: Database) {}

  async beat(instanceId: string, now: number): Promise<void> {
    await this.db.run(
      `INSERT INTO bot_processes (instance_id, started_at, heartbeat_at) VALUES (?, ?, ?)
       ON CONFLICT (instance_id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at`,
      [instanceId, now, now],
    );
  }

  /** A clean stop: nothing of this process is in flight any more. */
  async end(instanceId: string): Promise<void> {
    await this.db.run('DELETE FROM bot_processes WHERE instance_id = ?', [instanceId]);
  }

  async lastBeat(instanceId: string): Promise<number | undefined> {
    const row = await this.db.get<{ heartbeat_at: number }>('SELECT heartbeat_at FROM bot_processes WHERE instance_id = ?', [instanceId]);
    return row?.heartbeat_at;
  }
}
