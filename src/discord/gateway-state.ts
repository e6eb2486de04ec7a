// Whether the bot is connected to Discord's gateway, as each heartbeat records
// it for `npm run health`. Read from discord.js's per-shard status rather than
// from events: a sample every beat cannot miss a transition.
import { type Client, Status } from 'discord.js';
import type { GatewayReport } from '../store/index.ts';

export function gatewayReport(client: Client): GatewayReport {
  if (!client.isReady()) return { state: 'disconnected', detail: 'logging in' };
  const shards = [...client.ws.shards.values()];
  // The client stays "ready" through a reconnect; its shards say whether events can arrive now.
  const down = shards.find((shard) => shard.status !== Status.Ready);
  if (shards.length === 0) return { state: 'disconnected', detail: 'no gateway shard' };
  if (down !== undefined) return { state: 'disconnected', detail: Status[down.status] ?? `status ${down.status}` };
  return { state: 'connected', detail: `Ready, ping ${client.ws.ping} ms` };
}
