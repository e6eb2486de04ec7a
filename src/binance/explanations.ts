// What an outcome means, in words: Binance's error codes per family
// (errors.ts) and the bot's own explanations of what it cannot know (a timeout, a 5xx, a call it
// held back). Each is a Said, so the reader's language is chosen where it is
// shown; the English text is what the outcome's `explanation` and the log keep.
import type { Messages, Said } from '../i18n/index.ts';
import { codeMeaning } from './errors.ts';
import type { Family } from './families.ts';
import type { BinanceOutcome, OutcomeWhy } from './outcome.ts';

/** Why, in words, for `family`'s call. */
export function explainWhy(why: OutcomeWhy, family: Family): Said {
  switch (why.kind) {
    case 'unreadable-answer':
      return (t) => t.binance.unreadable({ status: why.status });
    case 'in-flight-code': {
      const meaning = codeMeaning(family, why.code);
      return (t) => t.binance.inFlight({ code: why.code, message: why.message, status: why.status, meaning: meaning(t) });
    }
    case 'server-error': {
      const { code } = why;
      return (t) =>
        code === undefined ? t.binance.serverError({ status: why.status }) : t.binance.serverErrorCode({ status: why.status, code, message: why.message });
    }
    case 'unexpected-status':
      return (t) => t.binance.unexpected({ status: why.status });
    case 'timeout':
      return (t) => t.binance.timeout({ timeoutMs: why.timeoutMs });
    case 'connection-lost':
      return (t) => t.binance.connectionLost({ code: why.code ?? t.binance.connectionError });
    case 'not-connected':
      return (t) => t.binance.notConnected({ code: String(why.code), variable: `BINANCE_${family.toUpperCase()}_URL` });
    case 'bot-error':
      return (t) => t.binance.botError;
    case 'banned':
      return (t) => t.binance.banned;
    case 'too-many-requests':
      return (t) => t.binance.tooManyRequests;
    case 'held':
      return (t) => t.binance.notSent({ detail: heldDetail(why, t) });
    default: {
      const unreachable: never = why;
      return unreachable;
    }
  }
}

function heldDetail(why: Extract<OutcomeWhy, { kind: 'held' }>, t: Messages): string {
  if (why.hold === 'banned') return t.binance.held.banned;
  if (why.hold === 'retry-after' || why.counter === undefined) return t.binance.held.retryAfter;
  return why.counter.shared === true ? t.binance.held.shared(why.counter) : t.binance.held.limit(why.counter);
}

/** A rejection, by its code on `family`'s page, or by its HTTP status when Binance gave no code. */
export function explainRejection(family: Family, code: number | undefined, status: number): Said {
  if (code !== undefined) return codeMeaning(family, code);
  return (t) => (status === 403 ? t.binance.waf : t.binance.httpRefused({ status }));
}

/** What an outcome that is not a success means, in the reader's words. */
export function explainOutcome(outcome: Exclude<BinanceOutcome, { kind: 'success' | 'dry-run' }>): Said {
  if (outcome.kind === 'rejected') return explainRejection(outcome.request.family, outcome.code, outcome.status);
  return explainWhy(outcome.why, outcome.request.family);
}
