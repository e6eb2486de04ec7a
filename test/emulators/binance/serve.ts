// The local Binance in a process of its own, for the benchmark (so that the
// server's work does not share an event loop with the clients measured).
// Usage: node --import tsx test/emulators/binance/serve.ts <apiKey> <hmacSecret>
//   (or BINANCE_EMULATOR_API_KEY / BINANCE_EMULATOR_SECRET in the environment)
// Prints one JSON line {"url": "..."} once listening. Each line `stats <tag>`
// on stdin is answered with one JSON line: the tag, the time (performance.now()
// ms), this process's CPU time (µs) and the answers given so far per
// "METHOD path status" (the benchmark checks that every call reached the
// server and was accepted, and whether the server was the bottleneck).
// Exits on SIGTERM or when its stdin closes (its parent died).
import { subscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createInterface } from 'node:readline';
import { BinanceEmulator } from './index.ts';

const apiKey = process.argv[2] ?? process.env.BINANCE_EMULATOR_API_KEY;
const secret = process.argv[3] ?? process.env.BINANCE_EMULATOR_SECRET;
if (apiKey === undefined || secret === undefined) {
  process.stderr.write('usage: serve.ts <apiKey> <hmacSecret> (or BINANCE_EMULATOR_API_KEY and BINANCE_EMULATOR_SECRET)\n');
  process.exit(2);
}

// Counted from Node's own HTTP channel: the emulator keeps no per-request record here.
const answers = new Map<string, number>();
subscribe('http.server.response.finish', (message) => {
  const { request, response } = message as { request: IncomingMessage; response: ServerResponse };
  const url = request.url ?? '/';
  const query = url.indexOf('?');
  const key = `${request.method} ${query === -1 ? url : url.slice(0, query)} ${response.statusCode}`;
  answers.set(key, (answers.get(key) ?? 0) + 1);
});

const emulator = await BinanceEmulator.start({ accounts: [{ apiKey, kind: 'hmac', secret }], enforceLimits: false, record: false });
process.stdout.write(`${JSON.stringify({ url: emulator.url })}\n`);

const stop = () => {
  void emulator.close().finally(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
const commands = createInterface({ input: process.stdin });
commands.on('line', (line) => {
  const [command, tag = ''] = line.trim().split(/\s+/, 2);
  if (command !== 'stats') return;
  const { user, system } = process.cpuUsage();
  process.stdout.write(`${JSON.stringify({ tag, atMs: performance.now(), cpuUs: user + system, connections: emulator.connections, answers: Object.fromEntries(answers) })}\n`);
});
commands.on('close', stop);
