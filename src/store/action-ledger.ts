// What the hash-checked log says each action did, kept in memory by the
// process as it checks the rows (trail.ts): who requested how much of what,
// whether it was confirmed, sent, and with what outcome, and every row seen
// about it. The daily caps are summed from here, not from the columns of
// pending_actions, which anyone who can write the file can lower, mark failed
// or move back in time; and a click compares the rows of its action with the
// ones seen here, so a row deleted after it was checked (a sent action made to
// look unsent) is noticed.
import { z } from 'zod';
import { parseJsonText } from '../json-text.ts';
import type { ChainedRow } from './log-chain.ts';

/** What counts against a daily cap: whose, which action and asset, on which account ('*': all). */
export interface SpendQuery {
  readonly userId: string;
  readonly actionKey: string;
  readonly account: string;
  readonly asset: string;
  /** Sent at or after this time. */
  readonly since: number;
  /** The action being checked itself, when it is already in flight. */
  readonly excludeId?: string | undefined;
}

/** The part of a `requested` row's record (binding.ts) that the caps count. */
const requestedAmount = z.object({
  account: z.string(),
  amount: z.object({ asset: z.string(), amount: z.string().nullable() }).nullable(),
});

/** A row as the ledger reads it (checked by the trail first). */
export type LedgerRow = Pick<ChainedRow, 'seq' | 'at_ms' | 'event' | 'action_id' | 'action_key' | 'user_id' | 'request_json' | 'outcome_kind' | 'hash'>;

/** A row seen about an action: its place in the chain and its hash when it was checked. */
export interface SeenRow {
  readonly seq: number;
  readonly event: string;
  readonly hash: string;
}

interface Story {
  requested?: { readonly userId: string; readonly actionKey: string; readonly account: string; readonly asset: string; readonly amount: string | null };
  confirmed: boolean;
  sentAt?: number;
  readonly outcomes: string[];
  closed: boolean;
  lastAt: number;
  readonly rows: SeenRow[];
}

/** Events that end an action that was not sent. */
const CLOSING = new Set(['rejected', 'cancelled', 'expired', 'tamper']);
/** Outcomes after which the amount may have moved. */
const MAY_HAVE_MOVED = new Set(['success', 'unknown']);
/** How long a finished action is remembered: the daily window, and room for the longest confirmation. */
const REMEMBER_MS = 48 * 3_600_000;

export class ActionLedger {
  readonly #stories = new Map<string, Story>();

  /** Takes in one checked row (rows come in seq order). */
  apply(row: LedgerRow): void {
    if (row.action_id === null) return;
    let story = this.#stories.get(row.action_id);
    if (story === undefined) {
      story = { confirmed: false, outcomes: [], closed: false, lastAt: row.at_ms, rows: [] };
      this.#stories.set(row.action_id, story);
    }
    story.rows.push({ seq: row.seq, event: row.event, hash: row.hash });
    story.lastAt = Math.max(story.lastAt, row.at_ms);
    switch (row.event) {
      case 'requested': {
        const record = requestedAmount.safeParse(parseJsonText(row.request_json));
        if (record.success && record.data.amount !== null && row.user_id !== null && row.action_key !== null) {
          story.requested = { userId: row.user_id, actionKey: row.action_key, account: record.data.account, asset: record.data.amount.asset, amount: record.data.amount.amount };
        }
        break;
      }
      case 'confirmed':
        story.confirmed = true;
        break;
      case 'sent':
        story.sentAt ??= row.at_ms;
        break;
      case 'outcome':
        story.outcomes.push(row.outcome_kind ?? 'unknown');
        break;
      default:
        if (CLOSING.has(row.event)) story.closed = true;
    }
  }

  /**
   * The amounts that count against a daily cap, as the log tells it: actions
   * in flight (confirmed, not closed, no outcome yet) and those sent since
   * `since` whose outcome was a success or UNKNOWN (they may have executed).
   */
  spent(query: SpendQuery): string[] {
    const amounts: string[] = [];
    for (const [id, story] of this.#stories) {
      const requested = story.requested;
      if (requested === undefined || requested.amount === null || id === query.excludeId) continue;
      if (requested.userId !== query.userId || requested.actionKey !== query.actionKey || requested.asset !== query.asset) continue;
      if (query.account !== '*' && requested.account !== query.account) continue;
      if (countsAgainstCap(story, query.since)) amounts.push(requested.amount);
    }
    return amounts;
  }

  /** Every row seen about an action, in order; undefined when none was. */
  rowsOf(actionId: string): readonly SeenRow[] | undefined {
    return this.#stories.get(actionId)?.rows;
  }

  /** Forgets actions that finished long enough before `now` to count against no window any more. */
  prune(now: number): void {
    for (const [id, story] of this.#stories) {
      const finished = story.closed || story.outcomes.length > 0 || story.requested === undefined;
      if (finished && story.lastAt < now - REMEMBER_MS) this.#stories.delete(id);
    }
  }
}

function countsAgainstCap(story: Story, since: number): boolean {
  if (story.sentAt !== undefined) {
    if (story.outcomes.length === 0) return true;
    return story.sentAt >= since && story.outcomes.some((kind) => MAY_HAVE_MOVED.has(kind));
  }
  return story.confirmed && !story.closed && story.outcomes.length === 0;
}
