// Input that holds one of the bot's own secrets. The logger scrubs configured
// secrets from stdout, but what a person TYPES goes into the action log (an
// `invalid` row quotes it, its params keep it) and from there to the audit
// channel, where no row can ever be taken back: the wrong clipboard pasted
// into `amount` (the API secret, AUDIT_LOG_KEY) would be published for good.
// So every option is screened first: text that holds a configured secret, or
// any SPAN characters of one, is refused as invalid input, named by the
// option only, and stored nowhere; the log row says an option was withheld.
import type { Said } from '../i18n/index.ts';
import type { Secret } from '../secret.ts';

/** How many consecutive characters of a secret count as the secret. A shorter secret must appear whole. */
const SPAN = 24;
/** Secrets shorter than this are not screened for: too short to tell from ordinary input. */
const SHORTEST = 8;

/** What replaces a withheld option's value in the log. */
export const WITHHELD = '[withheld: holds a configured secret]';

export class SecretScreen {
  /** Every SPAN-long stretch of every secret (the whole of a shorter one). */
  readonly #pieces: readonly string[];

  constructor(secrets: readonly (Secret | undefined)[]) {
    const pieces = new Set<string>();
    for (const secret of secrets) {
      const text = secret?.reveal() ?? '';
      if (text.length < SHORTEST) continue;
      if (text.length <= SPAN) pieces.add(text);
      else for (let at = 0; at + SPAN <= text.length; at++) pieces.add(text.slice(at, at + SPAN));
    }
    this.#pieces = [...pieces];
  }

  /** Whether `text` holds a configured secret (or SPAN characters of one). */
  holdsSecret(text: string): boolean {
    return text.length >= Math.min(SPAN, SHORTEST) && this.#pieces.some((piece) => text.includes(piece));
  }

  /** The options whose text holds a secret, and the options with those values withheld (what may be logged). */
  screen(raw: Readonly<Record<string, unknown>>): { readonly names: readonly string[]; readonly withheld: Readonly<Record<string, unknown>> } {
    const names = Object.entries(raw)
      .filter(([, value]) => typeof value === 'string' && this.holdsSecret(value))
      .map(([name]) => name);
    return { names, withheld: Object.fromEntries(Object.entries(raw).map(([name, value]) => [name, names.includes(name) ? WITHHELD : value])) };
  }
}

/** What the person is told: which option, never its text. */
export function secretRefusal(names: readonly string[]): Said {
  const options = names.map((name) => `\`${name}\``).join(', ');
  return (t) => t.pipeline.secretInput({ options });
}
