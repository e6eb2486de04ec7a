// How the pipeline explains itself: invalid options field by field, why a
// click on a closed action does nothing, and an outcome as log columns. The
// operator's texts are Said (put into the reader's language where they are
// shown); the log's columns are English.
import type { z } from 'zod';
import type { BinanceOutcome } from '../binance/index.ts';
import type { EndpointDeclaration } from './endpoint.ts';
import { inEnglish, reread, type Said } from '../i18n/index.ts';
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

/**
 * What a confirmation says about `options`: the options themselves, from
 * which the render says the declaration's summary and notes in the reader's
 * language, and those in English (what the tests and a log reader compare).
 */
export function viewTexts(endpoint: EndpointDeclaration, options: Record<string, unknown>): { options: Record<string, unknown>; summary: string; notes: string[] } {
  return { options, summary: inEnglish(endpoint.summary(options)), notes: (endpoint.notes?.(options) ?? []).map(inEnglish) };
}

/** Why a click on a closed action does nothing, in the operator's words. */
export function closedMessage(action: PendingAction): Said {
  const { outcomeKind, closedReason, approverTag } = action;
  switch (action.state) {
    case 'executing':
      return (t) => t.pipeline.closed.executing;
    case 'completed':
      return (t) => t.pipeline.closed.completed({ result: outcomeKind ?? t.pipeline.closed.seeAudit });
    case 'cancelled':
      return closedReason === null ? (t) => t.pipeline.closed.cancelled : (t) => t.pipeline.closed.closedBecause({ reason: storedReason(closedReason)(t) });
    case 'rejected':
      return approverTag === null ? (t) => t.pipeline.closed.rejected : (t) => t.pipeline.closed.rejectedBy({ by: approverTag });
    case 'expired':
      return (t) => t.pipeline.expired;
    case 'failed':
      return (t) => t.pipeline.closed.failed;
    case 'pending':
      return (t) => t.pipeline.closed.pending;
    case 'awaiting_approval':
      return (t) => t.pipeline.closed.awaitingApproval;
    default: {
      const unreachable: never = action.state;
      return unreachable;
    }
  }
}

/**
 * Why a request or proposal was closed, from the English text stored as its
 * closed_reason: said again in the reader's language when it is one of the
 * bot's own reasons, else shown as stored (a person's freeze reason stays theirs).
 */
export function storedReason(stored: string): Said {
  return reread(stored, STORED_REASONS) ?? (() => stored);
}

/** The messages the bot stores as a closed_reason. */
const STORED_REASONS = [
  'freeze.frozenBy',
  'pipeline.tampered.closedReason',
  'pipeline.click.overDailyCap',
  'proposals.withdrawn',
  'proposals.stale.makerLost',
  'proposals.stale.basisChanged',
  'readBack.log.closedReason',
] as const;

/** One line per invalid option: which one, what is wrong, what is allowed, what was sent. */
export function describeIssues(error: z.ZodError, raw: Readonly<Record<string, unknown>>): Said {
  const lines = new Map<string, Said>();
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? 'options');
    if (lines.has(field)) continue;
    const given = raw[field];
    const message: Said =
      given === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_value')
        ? (t) => t.validation.required
        : issue.code === 'invalid_value' && 'values' in issue
          ? (t) => t.validation.oneOf({ values: issue.values.map(String).join(', ') })
          : issueText(issue);
    const sent = given === undefined ? undefined : String(given).slice(0, 60).replace(/`/g, "'");
    lines.set(field, (t) => {
      const line = t.validation.line({ field, message: message(t) });
      return sent === undefined ? line : `${line}${t.validation.youSent({ sent })}`;
    });
  }
  return (t) => [...lines.values()].map((line) => line(t)).join('\n');
}

/**
 * What a zod issue says, in the reader's language: a rule of ours (its text
 * registered by option-schemas.ts, or carried in a custom issue's params), or
 * zod's own English words inside the reader's frame.
 */
export function issueText(issue: z.core.$ZodIssue): Said {
  const carried = issue.code === 'custom' ? (issue.params as { said?: Said } | undefined)?.said : undefined;
  const said = carried ?? ruleText(issue.message);
  if (said !== undefined) return said;
  const { message } = issue;
  return (t) => t.validation.zodSays({ message });
}

const RULES = new Map<string, Said>();

/** A fixed validation rule: its English text is what zod carries, and how it is said in every language is kept here. */
export function rule(said: Said): string {
  const text = inEnglish(said);
  RULES.set(text, said);
  return text;
}

function ruleText(message: string): Said | undefined {
  return RULES.get(message);
}
