// How the pipeline explains itself: invalid options field by field, why a
// click on a closed action does nothing, and an outcome as log columns.
import type { z } from 'zod';
import type { BinanceOutcome } from '../binance/index.ts';
import type { LogEntry, PendingAction } from '../store/index.ts';

/** A Binance outcome as the columns of its `outcome` log row. */
export function outcomeLogFields(outcome: BinanceOutcome): Partial<LogEntry> {
  switch (outcome.kind) {
    case 'success':
      return { outcomeKind: 'success', httpStatus: outcome.status, response: outcome.body, latencyMs: outcome.latencyMs };
    case 'rejected':
      return {
        outcomeKind: 'rejected',
        httpStatus: outcome.status,
        binanceCode: outcome.code,
        response: { code: outcome.code, msg: outcome.message },
        latencyMs: outcome.latencyMs,
        detail: outcome.explanation,
      };
    case 'rate-limited':
      return { outcomeKind: 'rate-limited', httpStatus: outcome.status, detail: `${outcome.explanation} Retry after ${new Date(outcome.retryAt).toISOString()}.` };
    case 'unknown':
      return { outcomeKind: 'unknown', httpStatus: outcome.status, latencyMs: outcome.latencyMs, detail: outcome.explanation };
    case 'not-sent':
      return { outcomeKind: 'not-sent', detail: outcome.explanation };
    case 'dry-run':
      return { outcomeKind: 'dry-run', dryRun: true, request: outcome.request, detail: 'BINANCE_DRY_RUN: built and signed, not sent' };
    default: {
      const unreachable: never = outcome;
      return unreachable;
    }
  }
}

/** Why a click on a closed action does nothing, in the operator's words. */
export function closedMessage(action: PendingAction): string {
  switch (action.state) {
    case 'executing':
      return 'This action is already being sent; watch this message for the result.';
    case 'completed':
      return `This action was already sent (result: ${action.outcomeKind ?? 'see /audit'}); it runs only once.`;
    case 'cancelled':
      return action.closedReason === null ? 'This action was cancelled; nothing was sent.' : `This action was closed (${action.closedReason}); nothing was sent.`;
    case 'rejected':
      return `This action was rejected${action.approverTag === null ? '' : ` by ${action.approverTag}`}; nothing was sent.`;
    case 'expired':
      return 'This confirmation has expired; nothing was sent. Run the command again if it is still wanted.';
    case 'failed':
      return 'This action could not be sent; see /audit.';
    case 'pending':
      return 'This action still waits for its requester to confirm it.';
    case 'awaiting_approval':
      return 'This action is waiting for a second person to approve it.';
    default: {
      const unreachable: never = action.state;
      return unreachable;
    }
  }
}

/** One line per invalid option: which one, what is wrong, what is allowed, what was sent. */
export function describeIssues(error: z.ZodError, raw: Readonly<Record<string, unknown>>): string {
  const lines = new Map<string, string>();
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? 'options');
    if (lines.has(field)) continue;
    const given = raw[field];
    const message =
      given === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_value')
        ? 'is required'
        : issue.code === 'invalid_value' && 'values' in issue
          ? `must be one of ${issue.values.map(String).join(', ')}`
          : issue.message;
    const shown = given === undefined ? '' : ` (you sent \`${String(given).slice(0, 60).replace(/`/g, "'")}\`)`;
    lines.set(field, `• \`${field}\` ${message}${shown}`);
  }
  return [...lines.values()].join('\n');
}
