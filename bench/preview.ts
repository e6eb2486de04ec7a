// What the live-state preview costs. The bot runs as `npm start` runs it; each
// slash command is acknowledged at once (deferred) and then answered with the
// confirmation, once the bot has read the state it would change from the
// local Binance. Measured here, in the benchmark process:
//   - acknowledgement: INTERACTION_CREATE written to the gateway socket → the
//     bot's first callback at the local REST server (performance.now());
//   - confirmation with state: INTERACTION_CREATE dispatched → the edit that
//     shows the live state arriving at the local REST server (the emulator's
//     millisecond clock);
// for /futures margin-type on a symbol of its own each time (three reads:
// symbolConfig, openOrders, positionRisk, 11 weight), so no answer comes from
// the bot's 3-second cache, within one minute's read share of fapi (600).
import { pathToFileURL } from 'node:url';
import { textOf } from '../test/emulators/discord/index.ts';
import { USERS, World } from '../test/e2e/world.ts';
import { ensureBuilt } from '../test/support/build.ts';
import { figure, formatSection, summarise, type Section } from './report.ts';

const COMMANDS = Number(process.env.BENCH_PREVIEWS ?? 50);
const { admin } = USERS;

export async function run(): Promise<Section> {
  ensureBuilt();
  const world = await World.start({ env: { LOG_LEVEL: 'info' } });
  try {
    const symbols = Array.from({ length: COMMANDS }, (_, index) => `BENCH${String(index).padStart(3, '0')}USDT`);
    for (const symbol of symbols) world.binance.symbols.add(symbol);
    // A fresh minute: the reads' share of the window is all there.
    const left = 60_000 - (world.binance.serverNow() % 60_000);
    await new Promise((resolve) => setTimeout(resolve, left + 200));

    const acks: number[] = [];
    const shown: number[] = [];
    let unavailable = 0;
    for (const symbol of symbols) {
      const { record, message } = await world.command(admin.id, 'futures margin-type', { symbol, 'margin-type': 'ISOLATED' });
      acks.push((record.callbacks[0]?.hr ?? Number.NaN) - record.dispatchedHr);
      const version = message.versions.find((candidate) => candidate.embeds.length > 0);
      if (version === undefined || !textOf(version).includes('📡 On Binance now: •')) unavailable += 1;
      else shown.push(version.at - record.dispatchedAt);
    }
    const ack = summarise(acks);
    const state = summarise(shown);
    return {
      title: `Live state on the confirmation (${COMMANDS} /futures margin-type commands, each on a symbol of its own)`,
      figures: [
        figure('acknowledgement p50', ack.p50, 'ms'),
        figure('acknowledgement p99', ack.p99, 'ms', { text: '< 50 ms', met: ack.p99 < 50 }),
        figure('command → confirmation with state p50', state.p50, 'ms'),
        figure('command → confirmation with state p99', state.p99, 'ms', { text: '< 3000 ms', met: state.p99 < 3_000 && unavailable === 0 }),
        figure('command → confirmation with state max', state.max, 'ms'),
        figure('confirmations without the state', unavailable, ''),
      ],
      notes: [
        'the acknowledgement is a deferred reply sent before any database or Binance work; the confirmation follows once the request is stored and its three reads are answered (one after another, each within the reads\' share of the weight budget)',
        'the confirmation-with-state time is in whole milliseconds (the local Discord\'s clock), loopback hops included',
      ],
      details: { acks: ack, confirmationWithState: state },
    };
  } finally {
    await world.close();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) console.log(formatSection(await run()));
