// A wrapper for values that must never be printed: tokens and API secrets.
// Logging, JSON-encoding or inspecting it shows a placeholder; only reveal()
// hands out the value, so every use of a secret is easy to find.
import { inspect } from 'node:util';

export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return '[redacted]';
  }

  toJSON(): string {
    return '[redacted]';
  }

  [inspect.custom](): string {
    return 'Secret([redacted])';
  }
}
