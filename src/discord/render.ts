// Messages the bot shows: confirmations, outcomes and closures, as Discord
// embeds and buttons, in the language of `t` (the reader's for an ephemeral
// answer, BOT_LOCALE for a message the channel sees). Amounts, ids and
// Binance's own words are shown as they are; <t:…> timestamps localize
// themselves. Every text is cut to Discord's limits here, so nothing a long
// Binance message contains can make Discord refuse the message. The button
// labels Confirm, Cancel, Approve and Reject are the contract's, in English.
import {
  ButtonStyle,
  ComponentType,
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIEmbed,
  type APIEmbedField,
} from 'discord.js';
import type { DailyStanding } from '../actions/caps.ts';
import type { ConfirmationView } from '../actions/service.ts';
import { subtractDecimalsFloor } from '../decimal.ts';
import type { EndpointDeclaration, Shown, ShownField } from '../actions/endpoint.ts';
import { explainOutcome, type BinanceOutcome, type BinanceRequest, type Family } from '../binance/index.ts';
import { english, type Messages, type Said } from '../i18n/index.ts';
import type { PendingAction } from '../store/index.ts';

export const COLOURS = {
  pending: 0x5865f2,
  irreversible: 0xed4245,
  success: 0x57f287,
  rejected: 0xed4245,
  rateLimited: 0xe67e22,
  unknown: 0xfee75c,
  notSent: 0x95a5a6,
  dryRun: 0x3498db,
  closed: 0x99aab5,
  tamper: 0x9b59b6,
} as const;

export const LIMITS = { title: 256, description: 4096, fields: 25, fieldName: 256, fieldValue: 1024, footer: 2048, content: 2000, total: 6000 } as const;

/** `send-anyway`: the second, explicit click a Confirm needs while an identical request is UNKNOWN or just executed. */
export type ButtonVerb = 'confirm' | 'cancel' | 'approve' | 'reject' | 'send-anyway';
const CUSTOM_ID_PREFIX = 'pmbot';

/** Which pair of buttons a message carries: the requester's, or the approver's. */
export type ButtonPair = 'confirm' | 'approve';

const PAIRS: Readonly<Record<ButtonPair, ReadonlyArray<{ verb: ButtonVerb; label: string; style: ButtonStyle.Danger | ButtonStyle.Secondary }>>> = {
  confirm: [
    { verb: 'confirm', label: 'Confirm', style: ButtonStyle.Danger },
    { verb: 'cancel', label: 'Cancel', style: ButtonStyle.Secondary },
  ],
  approve: [
    { verb: 'approve', label: 'Approve', style: ButtonStyle.Danger },
    { verb: 'reject', label: 'Reject', style: ButtonStyle.Secondary },
  ],
};

/**
 * The custom_id of a button: a verb, the pending action's random id and the
 * digest of the request it was posted for (click-digest.ts), nothing else.
 * Discord keeps it as posted, so a click brings the digest back from outside
 * the database. A greyed-out button carries none (it cannot be clicked).
 */
export function customId(verb: ButtonVerb, actionId: string, digest: string | undefined): string {
  return `${CUSTOM_ID_PREFIX}:${verb}:${actionId}${digest === undefined ? '' : `:${digest}`}`;
}

/** A button of the bot's; `digest` is undefined on a button posted before buttons carried one (or greyed out). */
export function parseCustomId(id: string): { verb: ButtonVerb; actionId: string; digest: string | undefined } | undefined {
  const match = /^pmbot:(confirm|cancel|approve|reject|send-anyway):([A-Za-z0-9_-]{16,64})(?::([A-Za-z0-9_-]{22}))?$/.exec(id);
  return match === null ? undefined : { verb: match[1] as ButtonVerb, actionId: match[2] as string, digest: match[3] };
}

export interface MessageBody {
  content?: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponent>[];
}

export interface RenderContext {
  readonly baseUrls: Readonly<Record<Family, string>>;
  readonly recvWindowMs: number;
  /** BINANCE_DRY_RUN: every confirmation says nothing will be sent. */
  readonly dryRun?: boolean;
  /** BOT_LOCALE's catalog: the language of what many people see (the approval request, its outcome). */
  readonly publicText: Messages;
}

/** A Discord timestamp: shown in each reader's own time zone. */
export function discordTime(ms: number, style: 'F' | 'R' | 'T' | 'f' = 'F'): string {
  return `<t:${Math.floor(ms / 1000)}:${style}>`;
}

export function confirmationMessage(view: ConfirmationView, context: RenderContext, t: Messages): MessageBody {
  const { endpoint, action, request } = view;
  const lines = [`**${endpoint.summary(view.options)(t)}${t.render.sentenceEnd}**`, ...(endpoint.notes?.(view.options) ?? []).map((note) => `• ${note(t)}`)];
  if (endpoint.risk.irreversible) lines.push('', t.render.irreversible);
  if (view.dailyCap !== undefined) lines.push('', dailyCapLine(view.dailyCap, action.amount, t));
  if (view.approvalsRequired === 1) lines.push('', t.render.confirm.needsApproval);
  if (context.dryRun === true) lines.push('', t.render.confirm.dryRun);
  lines.push(...uncheckedLine(view.account, t));
  return {
    embeds: [
      embed({
        title: t.render.confirm.title({ command: commandOf(endpoint) }),
        description: lines.join('\n'),
        color: endpoint.risk.irreversible ? COLOURS.irreversible : COLOURS.pending,
        fields: [
          { name: t.render.exactRequest, value: requestBlock(request, context, t) },
          { name: t.render.confirm.weight, value: weightLine(endpoint, t), inline: true },
          { name: t.render.expires, value: `${discordTime(action.expiresAt, 'R')}`, inline: true },
          accountField(view.account.shown, t),
          { name: t.render.confirm.docs, value: endpoint.docUrl },
        ],
        footer: { text: t.render.confirm.footer({ tag: action.requesterTag, ref: refOf(action) }) },
      }),
    ],
    components: [
      buttons([
        { verb: 'confirm', label: view.approvalsRequired === 1 ? t.render.confirm.confirmThenApproval : 'Confirm', style: ButtonStyle.Danger },
        { verb: 'cancel', label: 'Cancel', style: ButtonStyle.Secondary },
      ], action.id, view.digest),
    ],
  };
}

/** The Binance account an action runs on: its key signs the request. */
function accountField(shown: string, t: Messages): APIEmbedField {
  return { name: t.render.account, value: `**${shown}**`, inline: true };
}

/** Said when the account's key could not be checked: the bot allows the command without knowing. */
function uncheckedLine(account: ConfirmationView['account'], t: Messages): string[] {
  return account.eligibility.kind === 'unchecked' ? ['', t.render.unchecked({ reason: account.eligibility.reason(t) })] : [];
}

/** What is left of the requester's daily cap, before and after this request. */
function dailyCapLine(cap: DailyStanding, amount: string | null, t: Messages): string {
  const figures = { dailyMax: cap.dailyMax, asset: cap.asset, spent: cap.spent, left: cap.left };
  return amount === null ? t.render.confirm.dailyCap(figures) : t.render.confirm.dailyCapAfter({ ...figures, after: subtractDecimalsFloor(cap.left, amount) });
}

/** While the request is in flight (the flow greys its buttons out). */
export function sendingMessage(endpoint: EndpointDeclaration, action: PendingAction, by: string, t: Messages): MessageBody {
  return {
    embeds: [
      embed({
        title: t.render.sending.title({ command: commandOf(endpoint) }),
        description: t.render.sending.description({ by }),
        color: COLOURS.pending,
        footer: { text: t.render.ref({ ref: refOf(action) }) },
      }),
    ],
    components: [],
  };
}

/** The requester's view once a four-eyes action waits for approval. */
export function awaitingApprovalMessage(endpoint: EndpointDeclaration, action: PendingAction, t: Messages): MessageBody {
  return {
    embeds: [
      embed({
        title: t.render.awaiting.title({ command: commandOf(endpoint) }),
        description: t.render.awaiting.description({
          actionKey: endpoint.actionKey,
          time: discordTime(action.expiresAt, 'T'),
          relative: discordTime(action.expiresAt, 'R'),
        }),
        color: COLOURS.pending,
        footer: { text: t.render.ref({ ref: refOf(action) }) },
      }),
    ],
    components: [],
  };
}

/** The channel message asking a second person to approve. */
export function approvalRequestMessage(
  view: Pick<ConfirmationView, 'endpoint' | 'options' | 'request' | 'account' | 'digest'>,
  action: PendingAction,
  context: RenderContext,
  t: Messages,
): MessageBody {
  const { endpoint } = view;
  const summary = endpoint.summary(view.options)(t);
  const lines = [t.render.approval.asks({ requester: action.requesterId, summary }), ...(endpoint.notes?.(view.options) ?? []).map((note) => `• ${note(t)}`)];
  if (endpoint.risk.irreversible) lines.push('', t.render.irreversible);
  lines.push(...uncheckedLine(view.account, t));
  return {
    embeds: [
      embed({
        title: t.render.approval.title({ command: commandOf(endpoint) }),
        description: lines.join('\n'),
        color: endpoint.risk.irreversible ? COLOURS.irreversible : COLOURS.pending,
        fields: [
          { name: t.render.exactRequest, value: requestBlock(view.request, context, t) },
          { name: t.render.approval.who, value: t.render.approval.whoValue({ tag: action.requesterTag, actionKey: endpoint.actionKey }), inline: true },
          { name: t.render.expires, value: discordTime(action.expiresAt, 'R'), inline: true },
          accountField(view.account.shown, t),
        ],
        footer: { text: t.render.ref({ ref: refOf(action) }) },
      }),
    ],
    components: [
      buttons(PAIRS.approve, action.id, view.digest),
    ],
  };
}

export function closedMessage(
  endpoint: EndpointDeclaration | undefined,
  action: PendingAction,
  how: 'cancelled' | 'expired' | 'rejected' | 'refused' | 'frozen',
  detail: Said | undefined,
  t: Messages,
): MessageBody {
  const what = endpoint === undefined ? action.actionKey : `/${commandOf(endpoint)}`;
  const { closed } = t.render;
  const { approverTag } = action;
  const text = {
    cancelled: () => closed.cancelled,
    expired: () => closed.expired,
    rejected: () => (approverTag === null ? closed.rejected : closed.rejectedBy({ by: approverTag })),
    refused: () => (detail === undefined ? closed.refused : closed.refusedBecause({ reason: detail(t) })),
    frozen: () => closed.frozen({ reason: detail === undefined ? closed.frozenDefault : detail(t) }),
  }[how]();
  return {
    embeds: [embed({ title: closed.title[how]({ what }), description: text, color: COLOURS.closed, footer: { text: t.render.ref({ ref: refOf(action) }) } })],
    components: [],
  };
}

/** The result of a sent (or refused, or dry-run) request, in plain words; `account` as shown ("futures (Futures desk)"). */
export function outcomeMessage(endpoint: EndpointDeclaration, action: PendingAction, outcome: BinanceOutcome, by: string, t: Messages = english, account?: string): MessageBody {
  const title = `/${commandOf(endpoint)}`;
  const { outcome: o } = t;
  const footerText = o.footer({ by, requester: action.requesterTag, ref: refOf(action) });
  const footer = { text: account === undefined ? footerText : o.footerOnAccount({ account, footer: footerText }) };
  const latency = (ms: number) => ({ name: o.roundTrip, value: `${ms} ms`, inline: true });
  switch (outcome.kind) {
    case 'success':
      return single(
        embed({
          title: o.done({ title }),
          description: o.executed({ status: outcome.status }),
          color: COLOURS.success,
          fields: [...endpoint.renderSuccess(outcome.body).map((field) => shownField(field, t)), latency(outcome.latencyMs)],
          footer,
        }),
      );
    case 'rejected': {
      const fields: APIEmbedField[] = [
        { name: o.binanceSaid, value: `\`${outcome.code ?? `HTTP ${outcome.status}`}\` ${outcome.message}` },
        { name: o.whatItMeans, value: explainOutcome(outcome)(t) },
      ];
      if (outcome.clockResync !== undefined) {
        fields.push({
          name: o.clock,
          value: outcome.clockResync.ok ? o.resynced({ offset: outcome.clockResync.offsetMs }) : o.resyncFailed({ reason: outcome.clockResync.reason }),
        });
      }
      return single(embed({ title: o.refusedTitle({ title }), description: o.nothingExecuted, color: COLOURS.rejected, fields, footer }));
    }
    case 'rate-limited':
      return single(
        embed({
          title: outcome.banned ? o.bannedTitle({ title }) : o.rateLimitedTitle({ title }),
          description: explainOutcome(outcome)(t),
          color: outcome.banned ? COLOURS.rejected : COLOURS.rateLimited,
          fields: [
            { name: o.executedQuestion, value: o.no },
            { name: o.tryAgainAfter, value: `${discordTime(outcome.retryAt, 'T')} (${discordTime(outcome.retryAt, 'R')})` },
          ],
          footer,
        }),
      );
    case 'unknown':
      return single(
        embed({
          title: o.unknownTitle({ title }),
          description: explainOutcome(outcome)(t),
          color: COLOURS.unknown,
          fields: [
            { name: o.beforeTryingAgain, value: o.checkFirst({ time: discordTime(action.finishedAt ?? Date.now(), 'T') }) },
            { name: o.requestSent, value: codeBlock(`${outcome.request.method} ${outcome.request.path}\n${outcome.request.params}`) },
          ],
          footer,
        }),
      );
    case 'not-sent':
      return single(embed({ title: o.notSentTitle({ title }), description: explainOutcome(outcome)(t), color: COLOURS.notSent, footer }));
    case 'dry-run':
      return single(
        embed({
          title: o.dryRunTitle({ title }),
          description: o.dryRun,
          color: COLOURS.dryRun,
          fields: [{ name: o.wouldHaveSent, value: codeBlock(`${outcome.request.method} ${outcome.request.path}\n${outcome.request.params}&signature=…`) }],
          footer,
        }),
      );
    default: {
      const unreachable: never = outcome;
      return unreachable;
    }
  }
}

/** A short ephemeral answer: an error, a refusal, a notice. */
export function noticeMessage(text: string, color: number = COLOURS.closed): MessageBody {
  return { embeds: [embed({ description: text, color })], components: [] };
}

function single(one: APIEmbed): MessageBody {
  return { embeds: [one], components: [] };
}

function shownField(field: ShownField, t: Messages): APIEmbedField {
  return { name: field.label(t), value: shownValue(field.value), inline: true };
}

function shownValue(value: Shown): string {
  if (typeof value === 'string') return value === '' ? '—' : value;
  if ('time' in value) return `${discordTime(value.time, 'F')} (${discordTime(value.time, 'R')})`;
  return `\`${value.exact}\``;
}

function requestBlock(request: BinanceRequest, context: RenderContext, t: Messages): string {
  const params = request.params.map(([name, value]) => `${name}=${value}`);
  return codeBlock(
    [
      `${request.method} ${context.baseUrls[request.family]}${request.path}`,
      ...(params.length === 0 ? [t.render.noParameters] : params),
      t.render.signedTail({ recvWindow: context.recvWindowMs }),
    ].join('\n'),
  );
}

function weightLine(endpoint: EndpointDeclaration, t: Messages): string {
  const { weight, family } = endpoint.binance;
  return t.render.confirm.weightValue({ amount: weight.amount, kind: weight.kind.toUpperCase(), family });
}

/** "pm repay-debt": the command as typed, after its slash. */
function commandOf(endpoint: EndpointDeclaration): string {
  return `${endpoint.group.name} ${endpoint.subcommand}`;
}

/** A pending action's short reference, as every footer shows it. */
function refOf(action: PendingAction): string {
  return action.id.slice(0, 8);
}

function codeBlock(text: string): string {
  const body = text.replace(/```/g, "'''");
  return `\`\`\`\n${truncate(body, LIMITS.fieldValue - 8)}\n\`\`\``;
}

/**
 * A closed message keeps its buttons, greyed out, so the reader sees they were there and can no longer be used.
 * Its content is always set: an edit without one keeps the old, and a warning shown earlier must not linger.
 */
export function withButtonsDisabled(body: MessageBody, actionId: string, pair: ButtonPair): MessageBody {
  const row = buttons(PAIRS[pair], actionId, undefined);
  return { ...body, content: body.content ?? '', components: [{ ...row, components: row.components.map((button) => ({ ...button, disabled: true })) }] };
}

function buttons(
  specs: ReadonlyArray<{ verb: ButtonVerb; label: string; style: ButtonStyle.Danger | ButtonStyle.Secondary | ButtonStyle.Primary | ButtonStyle.Success }>,
  actionId: string,
  digest: string | undefined,
): APIActionRowComponent<APIButtonComponent> {
  return buttonRow(specs.map((spec) => ({ customId: customId(spec.verb, actionId, digest), label: spec.label, style: spec.style })));
}

export interface ButtonSpec {
  readonly customId: string;
  readonly label: string;
  readonly style: ButtonStyle.Danger | ButtonStyle.Secondary | ButtonStyle.Primary | ButtonStyle.Success;
  readonly disabled?: boolean;
}

/** One row of buttons (greyed out with `disabled`). */
export function buttonRow(specs: readonly ButtonSpec[]): APIActionRowComponent<APIButtonComponent> {
  return {
    type: ComponentType.ActionRow,
    components: specs.map((spec) => ({
      type: ComponentType.Button,
      custom_id: spec.customId,
      label: spec.label,
      style: spec.style,
      ...(spec.disabled === true ? { disabled: true } : {}),
    })),
  };
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** An embed cut to every Discord limit: per field, field count and the 6000 total. */
export function embed(input: APIEmbed): APIEmbed {
  const result: APIEmbed = { ...input };
  if (result.title !== undefined) result.title = truncate(result.title, LIMITS.title);
  if (result.description !== undefined) result.description = truncate(result.description, LIMITS.description);
  if (result.footer !== undefined) result.footer = { ...result.footer, text: truncate(result.footer.text, LIMITS.footer) };
  if (result.fields !== undefined) {
    result.fields = result.fields.slice(0, LIMITS.fields).map((field) => ({
      ...field,
      name: truncate(field.name, LIMITS.fieldName),
      value: field.value.length <= LIMITS.fieldValue ? field.value : truncateKeepingCodeBlock(field.value),
    }));
  }
  let total = embedLength(result);
  while (total > LIMITS.total && result.fields !== undefined && result.fields.length > 0) {
    result.fields = result.fields.slice(0, -1);
    total = embedLength(result);
  }
  if (total > LIMITS.total && result.description !== undefined) {
    result.description = truncate(result.description, Math.max(1, result.description.length - (total - LIMITS.total)));
  }
  return result;
}

function truncateKeepingCodeBlock(value: string): string {
  return value.startsWith('```') ? `${truncate(value.slice(0, -3), LIMITS.fieldValue - 4)}\n\`\`\`` : truncate(value, LIMITS.fieldValue);
}

export function embedLength(value: APIEmbed): number {
  return (
    (value.title?.length ?? 0) +
    (value.description?.length ?? 0) +
    (value.footer?.text.length ?? 0) +
    (value.author?.name.length ?? 0) +
    (value.fields ?? []).reduce((sum, field) => sum + field.name.length + field.value.length, 0)
  );
}
