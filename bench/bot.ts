// The bot's own cost, measured from outside: the bot runs as `npm start` runs
// it (its own process), the local Discord and the local Binance run in this
// process, and every time is taken here with performance.now():
//   - acknowledgement: INTERACTION_CREATE written to the gateway socket → the
//     bot's first callback arriving at the emulator's REST server;
//   - click-to-send: the Confirm click written to the socket → the signed
//     request arriving at the local Binance.
// Both include the loopback hops (WebSocket in, HTTP out), so they are upper
// bounds of the bot's own time.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureBuilt, ROOT } from '../test/support/build.ts';
import { textOf, type InteractionRecord } from '../test/emulators/discord/index.ts';
import { actionIdOf, isSettled } from '../test/e2e/support.ts';
import { USERS, World } from '../test/e2e/world.ts';
import { figure, formatSection, summarise, type Section } from './report.ts';

const ACTIONS = Number(process.env.BENCH_ACTIONS ?? 1_000);
const WARM_UP = 100;
const BURST = 200;
const COLD_STARTS = 3;
const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'BNBUSDT', 'SOLUSDT', 'XRPUSDT'];
const { admin } = USERS;

/** Resident set size of a process, from /proc (Linux). */
function rssMb(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match === null ? Number.NaN : Number(match[1]) / 1024;
  } catch {
    return Number.NaN;
  }
}

const ackMs = (record: InteractionRecord): number => (record.callbacks[0]?.hr ?? Number.NaN) - record.dispatchedHr;

/** One whole action: the command, its confirmation, the Confirm click, Binance's answer, the outcome shown. */
async function oneAction(world: World, index: number): Promise<{ commandAck: number; clickAck: number; clickToSend: number; withState: boolean }> {
  const symbol = SYMBOLS[index % SYMBOLS.length] ?? 'BTCUSDT';
  const marginType = Math.floor(index / SYMBOLS.length) % 2 === 0 ? 'ISOLATED' : 'CROSSED';
  const { record, message } = await world.command(admin.id, 'futures margin-type', { symbol, 'margin-type': marginType });
  const actionId = actionIdOf(message);
  const before = world.binance.requests.length;
  const click = world.discord.clickLabel(admin.id, message.id, 'Confirm');
  const sent = await world.discord.waitFor(() => world.binance.requests.slice(before).find((request) => request.method === 'POST'), `the request of action ${actionId}`);
  await world.discord.settled(click, isSettled, 'the outcome');
  // The live state is shown while the reads' share of fapi's budget lasts (about 35 actions a minute at 16 weight each).
  const withState = message.versions.some((version) => textOf(version).includes('📡 On Binance now: •'));
  return { commandAck: ackMs(record), clickAck: ackMs(click), clickToSend: sent.hr - click.dispatchedHr, withState };
}

async function coldStarts(): Promise<{ startMs: number[]; idleRssMb: number[] }> {
  const startMs: number[] = [];
  const idleRssMb: number[] = [];
  for (let run = 0; run < COLD_STARTS; run += 1) {
    const world = await World.start({ env: { LOG_LEVEL: 'info' } });
    try {
      startMs.push((world.bot.readyHr ?? Number.NaN) - world.bot.spawnedHr);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      idleRssMb.push(rssMb(world.bot.pid));
    } finally {
      await world.close();
    }
  }
  return { startMs, idleRssMb };
}

/** How long the build that `npm ci` runs in its `prepare` step (tsc to dist/) takes; `npm start` no longer builds. */
function buildMs(): number {
  const started = performance.now();
  const result = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`the build failed:\n${result.stdout}${result.stderr}`);
  return performance.now() - started;
}

export async function run(): Promise<Section[]> {
  const build = buildMs();
  ensureBuilt();
  const cold = await coldStarts();

  const world = await World.start({ env: { LOG_LEVEL: 'info' } });
  try {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const idle = rssMb(world.bot.pid);
    for (let index = 0; index < WARM_UP; index += 1) await oneAction(world, index);
    const warm = rssMb(world.bot.pid);

    const commandAcks: number[] = [];
    const clickAcks: number[] = [];
    const clickToSend: number[] = [];
    let withState = 0;
    const started = performance.now();
    for (let index = 0; index < ACTIONS; index += 1) {
      const sample = await oneAction(world, WARM_UP + index);
      commandAcks.push(sample.commandAck);
      clickAcks.push(sample.clickAck);
      clickToSend.push(sample.clickToSend);
      if (sample.withState) withState += 1;
      if (index % 100 === 99) world.discord.reset();
    }
    const elapsedS = (performance.now() - started) / 1000;
    const after = rssMb(world.bot.pid);

    // The burst: 200 slash commands written to the gateway at once.
    world.discord.reset();
    const burst = Array.from({ length: BURST }, (_, index) =>
      world.discord.slash(admin.id, 'futures margin-type', { symbol: SYMBOLS[index % SYMBOLS.length] ?? 'BTCUSDT', 'margin-type': 'ISOLATED' }),
    );
    await Promise.all(burst.map((record) => world.discord.acknowledged(record, 10_000).catch(() => undefined)));
    const burstAcks = burst.map(ackMs);
    const burstSlowest = Math.max(...burstAcks.map((value) => (Number.isNaN(value) ? Infinity : value)));
    const refused = burst.filter((record) => record.callbacks.length === 0).length;

    const acks = summarise([...commandAcks, ...clickAcks]);
    const sends = summarise(clickToSend);
    const command = summarise(commandAcks);
    const growth = ((after - idle) / idle) * 100;
    const growthWarm = ((after - warm) / warm) * 100;
    const coldSorted = [...cold.startMs].sort((a, b) => a - b);

    return [
      {
        title: `Interaction overhead (${ACTIONS} actions after ${WARM_UP} warm-up; ${acks.count} acknowledgements)`,
        figures: [
          figure('acknowledgement p50', acks.p50, 'ms'),
          figure('acknowledgement p99', acks.p99, 'ms', { text: '< 50 ms', met: acks.p99 < 50 }),
          figure('acknowledgement max', acks.max, 'ms'),
          figure('  of which slash commands p99', command.p99, 'ms'),
          figure('click-to-send p50', sends.p50, 'ms'),
          figure('click-to-send p99', sends.p99, 'ms', { text: '< 20 ms', met: sends.p99 < 20 }),
          figure('click-to-send max', sends.max, 'ms'),
          figure('whole actions per second (sequential)', ACTIONS / elapsedS, '/s'),
          figure('confirmations that showed the live state', withState, `of ${ACTIONS}`),
        ],
        notes: [
          'times are taken in the benchmark process: INTERACTION_CREATE written to the gateway socket → first callback at the local REST server; Confirm click written → signed request at the local Binance',
          'the click-to-send path includes the atomic claim and the fsynced "sent" log row (synchronous=FULL) that precede every request',
          "whole actions per second is paced by discord.js's own global limiter (50 REST requests a second, which it also applies to interaction webhook edits): each action makes three such edits (the deferred confirmation, Sending, the outcome)",
          "each action's confirmation reads the live state and its success is read back (16 fapi weight); at this pace the reads' share (a quarter of 2400 a minute) runs out within each minute, after which confirmations say the state is unavailable: the money-moving calls keep their budget",
        ],
        details: { commandAcks: command, clickAcks: summarise(clickAcks), clickToSend: sends },
      },
      {
        title: `Burst: ${BURST} slash commands at once`,
        figures: [
          figure('slowest acknowledgement', burstSlowest, 'ms', { text: '< 3000 ms', met: burstSlowest < 3_000 && refused === 0 }),
          figure('p50 acknowledgement', summarise(burstAcks).p50, 'ms'),
          figure('not acknowledged', refused, ''),
        ],
      },
      {
        title: 'Cold start and memory (the bot process, as npm start runs it)',
        figures: [
          figure("the install's build step (prepare: tsc → dist/)", build, 'ms'),
          figure('process start → ready, first run', cold.startMs[0] ?? Number.NaN, 'ms', { text: '< 1500 ms', met: (cold.startMs[0] ?? Infinity) < 1_500 }),
          figure(`process start → ready, median of ${COLD_STARTS}`, coldSorted[Math.floor(COLD_STARTS / 2)] ?? Number.NaN, 'ms', {
            text: '< 1500 ms',
            met: (coldSorted[Math.floor(COLD_STARTS / 2)] ?? Infinity) < 1_500,
          }),
          figure('RSS idle (1 s after ready)', idle, 'MB', { text: '< 120 MB', met: idle < 120 }),
          figure(`RSS after ${WARM_UP} warm-up actions`, warm, 'MB'),
          figure(`RSS after ${WARM_UP + ACTIONS} actions`, after, 'MB', { text: '< 120 MB', met: after < 120 }),
          figure('RSS growth from idle', growth, '%', { text: '< 10 %', met: growth < 10 }),
          figure('RSS growth after warm-up', growthWarm, '%', { text: '< 10 %', met: growthWarm < 10 }),
        ],
        notes: [
          '"ready" is the bot\'s "bot ready" log line: config read, DB migrated, Binance clocks synced, logged in to the gateway, commands synced',
          'the process is the one npm start runs: node --max-semi-space-size=2 dist/src/main.js',
        ],
        details: { coldStartsMs: cold.startMs, idleRssMbPerStart: cold.idleRssMb },
      },
    ];
  } finally {
    await world.close();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const section of await run()) console.log(`${formatSection(section)}\n`);
}
