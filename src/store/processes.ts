// Heartbeats of the bot processes sharing the database: how one process tells
// whether the owner of a claimed action is still running, and what
// `npm run health` reads (with each process's Discord gateway state).
import type { Database } from './database.ts';

/** A process's connection to Discord's gateway, as it last reported it. */
export interface GatewayReport {
  readonly state: 'connected' | 'disconnected';
  /** A word on why (e.g. the client's status: "Reconnecting"); free text, never a secret. */
  readonly detail: string;
}

export interface ProcessBeat {
  readonly instanceId: string;
  readonly startedAt: number;
  readonly heartbeatAt: number;
  /** undefined until the process first reports it. */
  readonly gateway: (GatewayReport & { readonly since: number }) | undefined;
}

export class Processes {
  constructor(private readonly db: Database) {}

  /** A beat; with a gateway report, also that state (its `since` moves only when the state changes). */
  async beat(instanceId: string, now: number, gateway?: GatewayReport): Promise<void> {
    await this.db.run(
      `INSERT INTO bot_processes (instance_id, started_at, heartbeat_at, gateway, gateway_detail, gateway_since) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (instance_id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at,
         gateway_since = CASE WHEN excluded.gateway IS NULL OR excluded.gateway IS gateway THEN gateway_since ELSE excluded.gateway_since END,
         gateway = COALESCE(excluded.gateway, gateway),
         gateway_detail = COALESCE(excluded.gateway_detail, gateway_detail)`,
      [instanceId, now, now, gateway?.state ?? null, gateway?.detail ?? null, gateway === undefined ? null : now],
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

  /** Every process's last beat, the latest first. */
  async list(): Promise<ProcessBeat[]> {
    const rows = await this.db.all<{
      instance_id: string;
      started_at: number;
      heartbeat_at: number;
      gateway: GatewayReport['state'] | null;
      gateway_detail: string | null;
      gateway_since: number | null;
    }>('SELECT instance_id, started_at, heartbeat_at, gateway, gateway_detail, gateway_since FROM bot_processes ORDER BY heartbeat_at DESC');
    return rows.map((row) => ({
      instanceId: row.instance_id,
      startedAt: row.started_at,
      heartbeatAt: row.heartbeat_at,
      gateway: row.gateway === null ? undefined : { state: row.gateway, detail: row.gateway_detail ?? '', since: row.gateway_since ?? row.heartbeat_at },
    }));
  }
}
