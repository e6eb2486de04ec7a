// The state each confirmation showed (as its endpoint's read-back parsed it),
// kept so that the read-back after a success and the reconciliation of an
// UNKNOWN outcome can say "before → after", in any process. Text in, text out:
// the store does not read it.
import type { Database } from './database.ts';

export interface StoredPreview {
  readonly stateJson: string;
  /** Local epoch ms when it was read. */
  readonly readAt: number;
}

export class Previews {
  constructor(private readonly db: Database) {}

  async save(actionId: string, stateJson: string, readAt: number): Promise<void> {
    await this.db.run(
      `INSERT INTO action_previews (action_id, state_json, read_at) VALUES (?, ?, ?)
       ON CONFLICT (action_id) DO UPDATE SET state_json = excluded.state_json, read_at = excluded.read_at`,
      [actionId, stateJson, readAt],
    );
  }

  async get(actionId: string): Promise<StoredPreview | undefined> {
    const row = await this.db.get<{ state_json: string; read_at: number }>('SELECT state_json, read_at FROM action_previews WHERE action_id = ?', [actionId]);
    return row === undefined ? undefined : { stateJson: row.state_json, readAt: row.read_at };
  }
}
