// What a confirmation is bound to, and the check that holds every click and
// every send to it. Someone who can write the database file (a host user, a
// restored backup, a shared volume) can rewrite a pending action's row: its
// request, its options, its approvals rule, its expiry. So the row is never
// trusted by itself:
//
// - At the request, the `requested` log row records the request and everything
//   its send and its guard rails depend on (BoundRecord): the family, method,
//   path and parameters, the target host and dry-run setting, the account, the
//   approvals rule, the capped amount and the expiry; its action key, requester
//   and validated options are columns of the same row. The row's hash covers
//   them all: an HMAC under AUDIT_LOG_KEY, which a database writer does not hold.
// - At each click (Confirm, Approve) and again in the transaction that writes
//   the `sent` row, checkBinding re-reads the stored action, checks the hash of
//   every log row about it, rebuilds the request from the endpoint declaration
//   and the stored options re-validated by its schema, and compares the stored
//   row, the logged row and the rebuilt request field by field. The action's
//   story in the log must also allow the step (no second Confirm, an approval
//   before a two-person send). What is sent is the REBUILT request, never the
//   stored one.
//
// Before that, the store's trail (trail.ts) checks the database as a whole, and
// the action's rows are checked against their neighbours in the chain and
// against the rows this process saw about it when it checked them: a row
// rewritten with its own plain hash recomputed no longer links, and a `sent`
// row deleted afterwards is missed. Without AUDIT_LOG_KEY a writer who
// recomputes the whole chain after the request, while no bot process runs,
// is caught only by the digest in the button (click-digest.ts) and by anchors.
import { z } from 'zod';
import { encodeParams, FAMILIES, type BinanceRequest } from '../binance/index.ts';
import { inEnglish, type Said } from '../i18n/index.ts';
import type { LogRow, PendingAction, Queries, Store } from '../store/index.ts';
import type { Accounts } from './accounts.ts';
import type { Actor } from './actor.ts';
import { refusalError, type ClickRules, type Refusal } from './click-rules.ts';
import type { EndpointDeclaration } from './endpoint.ts';
import { actionDigest, UNCHECKABLE_BUTTON, type ClickDigest } from './click-digest.ts';
import { OperatorError } from './errors.ts';
import { closeTampered, TamperedError } from './tamper.ts';
import { targetChange, type Target } from './target.ts';
import { parseJsonText } from '../json-text.ts';

/** What the `requested` row records in its request column. */
export const boundRecord = z.object({
  family: z.enum(FAMILIES),
  method: z.literal('POST'),
  path: z.string(),
  /** The parameters as encoded on the wire (before timestamp and signature). */
  params: z.string(),
  target: z.object({ baseUrl: z.string(), dryRun: z.boolean() }),
  account: z.string(),
  approvalsRequired: z.union([z.literal(0), z.literal(1)]),
  expiresAt: z.number().int(),
  amount: z.object({ asset: z.string(), amount: z.string().nullable() }).nullable(),
});
export type BoundRecord = z.infer<typeof boundRecord>;

/** The params of the `confirmed` row of a request handed to a second person: when the approval window ends. */
export const awaitingApprovalParams = z.object({ expiresAt: z.number().int() });

/** The request as stored with a pending action (what the confirmation showed), with its target. */
const storedRequest = z.object({
  family: z.enum(FAMILIES),
  method: z.literal('POST'),
  path: z.string(),
  params: z.array(z.tuple([z.string(), z.string()])),
  target: z.object({ baseUrl: z.string(), dryRun: z.boolean() }).optional(),
});

/** The request an endpoint's validated options make, as its declaration says: the only request the bot sends. */
export function buildRequest(endpoint: EndpointDeclaration, options: z.output<z.ZodObject>): BinanceRequest {
  return {
    family: endpoint.binance.family,
    method: endpoint.binance.method,
    path: endpoint.binance.path,
    params: endpoint.toParams(options),
    weight: endpoint.binance.weight,
    security: 'signed',
  };
}

/** The `requested` row's record of `request` and the fields bound with it. */
export function recordOf(
  request: BinanceRequest,
  target: Target,
  bound: { account: string; approvalsRequired: 0 | 1; expiresAt: number; amount: { asset: string; amount: string | null } | null },
): BoundRecord {
  return { family: request.family, method: 'POST', path: request.path, params: encodeParams(request.params), target, ...bound };
}

/** The digest a button of the action carries (click-digest.ts): the logged record, with the expiry of the step it is for. */
export function recordDigest(actionKey: string, requesterId: string, record: BoundRecord, expiresAt: number): string {
  return actionDigest({ actionKey, requesterId, ...record, expiresAt });
}

/** The step being checked: the requester's Confirm, a second person's Approve, or the send itself. */
export type BindingStage = 'confirm' | 'approve' | 'send';

export type BindingVerdict =
  | {
      readonly kind: 'bound';
      readonly endpoint: EndpointDeclaration;
      readonly options: z.output<z.ZodObject>;
      /** Rebuilt from the declaration: what is sent. */
      readonly request: BinanceRequest;
      readonly record: BoundRecord;
    }
  /** The stored action, or the log about it, was altered: nothing may be sent. */
  | { readonly kind: 'tampered'; readonly actionKey: string; readonly findings: readonly string[] }
  /** Genuine, but it can no longer run as shown (another host or dry-run setting, an older version's request). */
  | { readonly kind: 'cannot-run'; readonly detail: Said };

export interface BindingContext {
  readonly store: Store;
  /** The configured accounts: the one a record names must still be there, with the same key. */
  readonly accounts: Accounts;
  readonly endpoints: ReadonlyMap<string, EndpointDeclaration>;
  readonly now: () => number;
}

/** Events after which a step may not happen any more. */
const CLOSING_EVENTS = new Set(['sent', 'outcome', 'rejected', 'cancelled', 'expired', 'tamper']);

/**
 * Checks `action` (as read in `q`) against the log for `stage`. `sending`, in
 * the send stage, is the request about to leave: it must be the one rebuilt now.
 */
export async function checkBinding(context: BindingContext, q: Queries, action: PendingAction, stage: BindingStage, sending?: BinanceRequest): Promise<BindingVerdict> {
  // At the send, the database as a whole first: its schema, the log since the last look, who may do what
  // (store/trail.ts). A click's claim checks it in its own transaction (claim.ts), which follows at once.
  const altered = stage === 'send' ? await context.store.trail.check(q) : [];
  const verdict = await checkAction(context, q, action, stage, sending);
  if (altered.length === 0) return verdict;
  return { kind: 'tampered', actionKey: verdict.kind === 'tampered' ? verdict.actionKey : action.actionKey, findings: [...altered, ...(verdict.kind === 'tampered' ? verdict.findings : [])] };
}

/** The action itself against its log rows and its declaration. */
async function checkAction(context: BindingContext, q: Queries, action: PendingAction, stage: BindingStage, sending: BinanceRequest | undefined): Promise<BindingVerdict> {
  const tampered = (findings: readonly string[], actionKey = action.actionKey): BindingVerdict => ({ kind: 'tampered', actionKey, findings });
  const checked = await context.store.log.checkedRowsOf(q, action.id);
  if (!checked.ok) return tampered([`log row ${checked.seq} about this action fails its hash check: ${checked.reason}`]);
  const rows = checked.rows;
  // A row this process checked earlier must still be there, unchanged: a sent action whose rows were deleted is not unsent.
  const gone = (context.store.trail.rowsSeen(action.id) ?? []).filter((seen) => !rows.some((row) => row.seq === seen.seq && row.hash === seen.hash));
  if (gone.length > 0) return tampered([`the log rows ${gone.map((row) => `${row.seq} (${row.event})`).join(', ')} about this action, checked earlier by this bot process, are gone or changed`]);
  const requestedRows = rows.filter((row) => row.event === 'requested');
  const [requested] = requestedRows;
  if (requested === undefined || requestedRows.length > 1) {
    return tampered([requested === undefined ? 'no "requested" row in the log for this action' : `${requestedRows.length} "requested" rows in the log for this action`]);
  }
  const logged = boundRecord.safeParse(parseJsonText(requested.request_json));
  if (!logged.success) {
    // A genuine row (its hash checked) in the older shape: requested before this version, so nothing binds it.
    return { kind: 'cannot-run', detail: (t) => t.pipeline.binding.tooOld };
  }
  const record = logged.data;
  const actionKey = requested.action_key ?? action.actionKey;

  const findings = [
    ...differences(action, requested, record),
    ...expiryFindings(action, rows, record, stage),
    ...lifecycleFindings(rows, requested, record, stage),
  ];
  const endpoint = context.endpoints.get(actionKey);
  if (endpoint === undefined) return findings.length > 0 ? tampered(findings, actionKey) : { kind: 'cannot-run', detail: (t) => t.pipeline.binding.unknownAction({ actionKey }) };
  const options = endpoint.options.safeParse(parseJsonText(action.optionsJson));
  if (!options.success) return tampered([...findings, 'options: the stored options no longer pass the command’s own validation'], actionKey);
  if (JSON.stringify(options.data) !== requested.params_json) findings.push(`options: stored ${clipStored(JSON.stringify(options.data))}, logged ${clipStored(requested.params_json ?? '')}`);
  const request = buildRequest(endpoint, options.data);
  const rebuilt = describe(request.method, request.path, encodeParams(request.params));
  if (rebuilt !== describe(record.method, record.path, record.params) || request.family !== record.family) {
    findings.push(`request: rebuilt from the declaration ${clipStored(rebuilt)}, logged ${clipStored(describe(record.method, record.path, record.params))}`);
  }
  const stored = storedRequest.safeParse(parseJsonText(action.requestJson));
  if (!stored.success) findings.push('request: the stored request is unreadable');
  else {
    const shown = describe(stored.data.method, stored.data.path, encodeParams(stored.data.params));
    if (shown !== rebuilt || stored.data.family !== request.family) findings.push(`request: stored ${clipStored(shown)}, logged and rebuilt ${clipStored(rebuilt)}`);
    if (JSON.stringify(stored.data.target) !== JSON.stringify(record.target)) findings.push('target: the stored host or dry-run setting is not the one logged');
  }
  if (sending !== undefined && describe(sending.method, sending.path, encodeParams(sending.params)) !== rebuilt) {
    findings.push(`request: about to send ${clipStored(describe(sending.method, sending.path, encodeParams(sending.params)))}, rebuilt now ${clipStored(rebuilt)}`);
  }
  if (findings.length > 0) return tampered(findings, actionKey);

  const moved = targetChange(context.accounts, record.account, record.family, record.target);
  if (moved !== undefined) return { kind: 'cannot-run', detail: moved };
  // A key check since the request may have found that the account's key cannot run it: the click sends
  // nothing to meet a -2015. (Not re-read at the send, moments after the click: a check finishing in
  // between is not a stored action that changed, which is what a refusal there would record.)
  const eligibility = stage === 'send' ? undefined : context.accounts.eligibility(endpoint, record.account);
  if (eligibility?.kind === 'ineligible') return { kind: 'cannot-run', detail: eligibility.reason };
  return { kind: 'bound', endpoint, options: options.data, request, record };
}

/**
 * A Confirm or an Approve: the stored action checked against its log, and
 * against the digest its button carries (when the click came with one; the
 * Discord layer always passes it). Bound, it returns what the click will
 * send; tampered, the action is closed with a `tamper` row and a
 * TamperedError thrown; no longer able to run as shown (another host or
 * dry-run setting), it is closed as refused. Nothing is sent.
 */
export async function bindClick(
  context: BindingContext,
  rules: ClickRules,
  actor: Actor,
  action: PendingAction,
  stage: 'confirm' | 'approve',
  digest: ClickDigest,
): Promise<Extract<BindingVerdict, { kind: 'bound' }>> {
  const { store, now } = context;
  if (digest === null) throw new OperatorError('refused', UNCHECKABLE_BUTTON);
  const checked = await checkBinding(context, store.db, action, stage);
  const verdict: BindingVerdict =
    checked.kind === 'bound' && typeof digest === 'string' && digest !== recordDigest(checked.endpoint.actionKey, action.requesterId, checked.record, action.expiresAt)
      ? {
          kind: 'tampered',
          actionKey: checked.endpoint.actionKey,
          findings: ['the button clicked was posted for another request than the one stored and logged now (its digest differs): the stored request and its log row were rewritten together'],
        }
      : checked;
  switch (verdict.kind) {
    case 'bound':
      return verdict;
    case 'tampered':
      await store.db.transaction((tx) => closeTampered(store, tx, action, actor, verdict, now(), 'click'));
      throw new TamperedError(action.id, verdict.actionKey, verdict.findings);
    case 'cannot-run': {
      const { detail } = verdict;
      const refusal: Refusal = { detail: inEnglish(detail), message: (t) => t.pipeline.binding.cannotRun({ reason: detail(t) }), closes: true, by: actor };
      await store.db.transaction((tx) => rules.record(tx, action, refusal));
      throw refusalError(refusal);
    }
    default: {
      const unreachable: never = verdict;
      return unreachable;
    }
  }
}

/** Every stored field that must equal what the `requested` row recorded. */
function differences(action: PendingAction, requested: LogRow, record: BoundRecord): string[] {
  const pairs: ReadonlyArray<readonly [string, unknown, unknown]> = [
    ['action_key', action.actionKey, requested.action_key],
    ['requester', action.requesterId, requested.user_id],
    ['requester_tag', action.requesterTag, requested.user_tag],
    ['guild_id', action.guildId, requested.guild_id],
    ['channel_id', action.channelId, requested.channel_id],
    ['account', action.account, record.account],
    ['approvals_required', action.approvalsRequired, record.approvalsRequired],
    ['amount', amountOf(action), record.amount === null ? null : `${record.amount.amount ?? 'all'} ${record.amount.asset}`],
  ];
  return pairs.filter(([, stored, logged]) => stored !== logged).map(([field, stored, logged]) => `${field}: stored ${clipStored(String(stored))}, logged ${clipStored(String(logged))}`);
}

/**
 * The expiry must be the one the log gave it: the request's until the requester
 * confirms, then the approval window the `confirmed` row recorded.
 */
function expiryFindings(action: PendingAction, rows: readonly LogRow[], record: BoundRecord, stage: BindingStage): string[] {
  const window = approvalWindow(rows);
  const expected = stage === 'confirm' || (stage === 'send' && window === undefined) ? record.expiresAt : window;
  if (expected === undefined) return [];
  return action.expiresAt === expected ? [] : [`expires_at: stored ${iso(action.expiresAt)}, logged ${iso(expected)}`];
}

/** The step must be the next one in the action's logged story. */
function lifecycleFindings(rows: readonly LogRow[], requested: LogRow, record: BoundRecord, stage: BindingStage): string[] {
  const closing = rows.find((row) => CLOSING_EVENTS.has(row.event));
  if (closing !== undefined) return [`the log already closed this action (row ${closing.seq}: ${closing.event})`];
  const confirmed = rows.filter((row) => row.event === 'confirmed');
  const approved = rows.filter((row) => row.event === 'approved');
  const findings: string[] = [];
  if (stage === 'confirm') {
    if (confirmed.length > 0 || approved.length > 0) findings.push(`the log already holds a ${confirmed.length > 0 ? 'Confirm' : 'approval'} of this action`);
    return findings;
  }
  const [confirm] = confirmed;
  if (confirm === undefined || confirmed.length > 1 || confirm.user_id !== requested.user_id) {
    findings.push(confirm === undefined ? 'the log holds no Confirm by the requester' : 'the log’s Confirm is not the requester’s, or not the only one');
  }
  const awaiting = approvalWindow(rows) !== undefined;
  if (record.approvalsRequired === 1 && !awaiting) findings.push('approvals_required: the request needed a second person, and the log never handed it to one');
  if (stage === 'approve') {
    if (!awaiting) findings.push('the log never handed this action to a second person');
    if (approved.length > 0) findings.push('the log already holds an approval of this action');
  }
  if (stage === 'send' && awaiting) {
    const [approval] = approved;
    if (approval === undefined || approved.length > 1 || approval.user_id === requested.user_id) findings.push('the log holds no approval by a second person');
  }
  return findings;
}

/** The approval window the `confirmed` row recorded, when the requester's Confirm handed the action to a second person. */
function approvalWindow(rows: readonly LogRow[]): number | undefined {
  const confirm = rows.find((row) => row.event === 'confirmed');
  const params = awaitingApprovalParams.safeParse(parseJsonText(confirm?.params_json));
  return params.success ? params.data.expiresAt : undefined;
}

function amountOf(action: PendingAction): string | null {
  return action.amountAsset === null ? null : `${action.amount ?? 'all'} ${action.amountAsset}`;
}

function describe(method: string, path: string, params: string): string {
  return `${method} ${path}${params === '' ? '' : ` ${params}`}`;
}


function iso(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms);
}

/** A stored value quoted in a finding: an attacker wrote it, so it is cut short. */
export function clipStored(text: string): string {
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}
