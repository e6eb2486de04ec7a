// Runs the bot as `npm start` does (the built dist/ with the start script's
// node command; configuration only from the environment) in one child process, collects its JSON log lines, and stops it
// with a signal (a clean shutdown) or SIGKILL (a crash).
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { spawnScript } from '../support/build.ts';

export interface LogLine {
  readonly level: string;
  readonly message: string;
  readonly [field: string]: unknown;
}

export class BotProcess {
  readonly lines: LogLine[] = [];
  /** Everything written to stdout and stderr, for asserting that no secret appears. */
  output = '';
  /** performance.now() at spawn, and when the "bot ready" line arrived (for the cold-start benchmark). */
  readonly spawnedHr: number;
  readyHr: number | undefined;
  readonly #child: ChildProcess;
  readonly #exited: Promise<number | null>;

  private constructor(child: ChildProcess, spawnedHr: number) {
    this.spawnedHr = spawnedHr;
    this.#child = child;
    this.#exited = once(child, 'exit').then(([code]) => code as number | null);
    let partial = '';
    const read = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      this.output += text;
      partial += text;
      const complete = partial.split('\n');
      partial = complete.pop() ?? '';
      for (const line of complete) {
        try {
          const parsed = JSON.parse(line) as LogLine;
          if (parsed.message === 'bot ready') this.readyHr ??= performance.now();
          this.lines.push(parsed);
        } catch {
          this.lines.push({ level: 'raw', message: line });
        }
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
  }

  /** Starts the bot in `cwd` (an empty folder: no .env is read) and waits for its "bot ready" line (or its exit). */
  static async start(env: Readonly<Record<string, string>>, cwd: string, timeoutMs = 30_000): Promise<BotProcess> {
    const spawnedHr = performance.now();
    const child = spawnScript('start', [], { env: { HOME: process.env.HOME ?? '', ...env }, cwd });
    const bot = new BotProcess(child, spawnedHr);
    await bot.waitForLine((line) => line.message === 'bot ready', timeoutMs);
    return bot;
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  async waitForLine(predicate: (line: LogLine) => boolean, timeoutMs = 10_000): Promise<LogLine> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines.find(predicate);
      if (found !== undefined) return found;
      if (this.#child.exitCode !== null) throw new Error(`the bot exited (${this.#child.exitCode}) first:\n${this.output.slice(-3000)}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for a log line:\n${this.output.slice(-3000)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** SIGTERM (or SIGINT) and wait: the bot drains in-flight work and closes the DB. */
  async stop(signal: 'SIGTERM' | 'SIGINT' = 'SIGTERM'): Promise<number | null> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill(signal);
    return this.#exited;
  }

  /** SIGKILL: a crash, nothing cleaned up. */
  async kill(): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill('SIGKILL');
    await this.#exited;
  }
}
