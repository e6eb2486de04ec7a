// The client's call deadlines: BINANCE_TIMEOUT_MS, from one shared timer.
import { EventEmitter } from 'node:events';

/**
 * BINANCE_TIMEOUT_MS for every call in flight, from one interval timer rather than
 * a timer per call (a timer started and stopped per call costs more than the rest
 * of the call's bookkeeping). The timer runs while calls are in flight and stops
 * on the first tick that finds none. A call is aborted within a tick (a tenth of
 * the timeout, at most 100 ms) of its deadline. The signal is an EventEmitter,
 * which undici accepts and which costs far less than an AbortController; undici's
 * own headersTimeout runs on a 1 s tick, too coarse for short timeouts.
 */
export class Deadlines {
  readonly #due = new Map<EventEmitter, number>();
  readonly #tickMs: number;
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly timeoutMs: number) {
    this.#tickMs = Math.max(5, Math.min(100, Math.floor(timeoutMs / 10)));
  }

  watch(): EventEmitter {
    const signal = new EventEmitter();
    this.#due.set(signal, performance.now() + this.timeoutMs);
    this.#timer ??= setInterval(() => this.#tick(), this.#tickMs).unref();
    return signal;
  }

  forget(signal: EventEmitter): void {
    this.#due.delete(signal);
  }

  #tick(): void {
    if (this.#due.size === 0) {
      clearInterval(this.#timer);
      this.#timer = undefined;
      return;
    }
    const now = performance.now();
    for (const [signal, due] of this.#due) {
      if (due > now) continue;
      this.#due.delete(signal);
      signal.emit('abort');
    }
  }
}
