// `npm run health [database path]`: exit 0 when a bot process on this database
// has beaten within the heartbeat window and reports Discord's gateway
// connected; otherwise exit 1, with one line saying why. For Docker's
// HEALTHCHECK (which reserves exit 2), systemd and monitoring. It opens the
// database read-only, never migrates or writes it, and needs no other setting.
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { HEARTBEAT_STALE_MS } from './actions/service.ts';
import { loadDatabasePath } from './config.ts';
import { anchorOverdue, AuditOutbox, Database, overdueLine, type AnchorStanding, type ProcessBeat, Processes } from './store/index.ts';

export interface HealthVerdict {
  readonly healthy: boolean;
  readonly line: string;
}

export async function checkHealth(path: string, now = Date.now()): Promise<HealthVerdict> {
  const unhealthy = (why: string): HealthVerdict => ({ healthy: false, line: `unhealthy: ${why}` });
  if (!existsSync(path)) return unhealthy(`no database at ${path}; pass the bot's database path, or set DATABASE_PATH as the bot has it.`);
  let beats: ProcessBeat[];
  let anchors: AnchorStanding | undefined;
  try {
    const db = await Database.openReadOnly(path);
    try {
      const gatewayColumn = await db.get("SELECT 1 FROM pragma_table_info('bot_processes') WHERE name = 'gateway'");
      if (gatewayColumn === undefined) {
        return unhealthy(`the database at ${path} has no gateway state in its heartbeats: start this version of the bot on it.`);
      }
      beats = await new Processes(db).list();
      // Only a bot with an audit channel fills the outbox: then its anchors must keep coming.
      if ((await db.get('SELECT 1 FROM audit_outbox LIMIT 1')) !== undefined) anchors = await new AuditOutbox(db).anchorStanding();
    } finally {
      await db.close();
    }
  } catch (error) {
    return unhealthy(`cannot read the database at ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }

  const window = seconds(HEARTBEAT_STALE_MS);
  const live = beats.filter((beat) => now - beat.heartbeatAt <= HEARTBEAT_STALE_MS);
  const latest = beats[0];
  if (latest === undefined) return unhealthy(`no bot process is running on ${path} (no heartbeat; a bot that stopped cleanly leaves none).`);
  if (live.length === 0) {
    return unhealthy(
      `no bot process has beaten in the last ${window} on ${path}; the latest beat, ${seconds(now - latest.heartbeatAt)} ago, ` +
        `was from ${latest.instanceId}, which stopped without a clean shutdown (crashed, killed or hung).`,
    );
  }
  const connected = live.find((beat) => beat.gateway?.state === 'connected');
  if (connected?.gateway !== undefined && anchors !== undefined && anchorOverdue(anchors, now)) {
    return unhealthy(`${connected.instanceId} is running and connected, but ${overdueLine(anchors)}.`);
  }
  if (connected?.gateway !== undefined) {
    return {
      healthy: true,
      line: `healthy: ${connected.instanceId} beat ${seconds(now - connected.heartbeatAt)} ago; Discord gateway connected for ${seconds(now - connected.gateway.since)} (${connected.gateway.detail}).`,
    };
  }
  const [first] = live;
  const running = `${first?.instanceId} is running (beat ${seconds(now - (first?.heartbeatAt ?? now))} ago)`;
  const gateway = first?.gateway;
  if (gateway === undefined) return unhealthy(`${running} but has not reported a Discord gateway connection yet (starting up).`);
  return unhealthy(`${running} but its Discord gateway is disconnected (${gateway.detail}) for ${seconds(now - gateway.since)}.`);
}

function seconds(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)} s`;
}

async function main(): Promise<void> {
  const path = process.argv[2] ?? loadDatabasePath();
  const verdict = await checkHealth(path);
  (verdict.healthy ? process.stdout : process.stderr).write(`${verdict.line}\n`);
  // Exit 1, never 2, for anything that is not healthy: Docker reserves 2.
  process.exitCode = verdict.healthy ? 0 : 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
