// Messages the bot shows: confirmations, outcomes and closures, as Discord
// embeds and buttons. Every text is cut to Discord's limits here, so nothing a
// long Binance message contains can make Discord refuse the message.
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
import type { BinanceOutcome, BinanceRequest, Family } from '../binance/index.ts';
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

/** The opaque custom_id of a button: a verb and the pending action's random id, nothing else. */
export function customId(verb: ButtonVerb, actionId: string): string {
  return `${CUSTOM_ID_PREFIX}:${verb}:${actionId}`;
}

export function parseCustomId(id: string): { verb: ButtonVerb; actionId: string } | undefined {
  const match = /^pmbot:(confirm|cancel|approve|reject|send-anyway):([A-Za-z0-9_-]{16,64})$/.exec(id);
  return match === null ? undefined : { verb: match[1] as ButtonVerb, actionId: match[2] as string };
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
}

/** A Discord timestamp: shown in each reader's own time zone. */
export function discordTime(ms: number, style: 'F' | 'R' | 'T' | 'f' = 'F'): string {
  return `<t:${Math.floor(ms / 1000)}:${style}>`;
}

export function confirmationMessage(view: ConfirmationView, context: RenderContext): MessageBody {
  const { endpoint, action, request } = view;
  const lines = [`**${view.summary}.**`, ...view.notes.map((note) => `• ${note}`)];
  if (endpoint.risk.irreversible) lines.push('', '⚠️ **This cannot be undone once Binance executes it.**');
  if (view.dailyCap !== undefined) lines.push('', dailyCapLine(view.dailyCap, action.amount));
  if (view.approvalsRequired === 1) lines.push('', '👥 After you confirm, a second person who holds this action must approve it.');
  if (context.dryRun === true) lines.push('', '🧪 **DRY-RUN mode:** the request will be built and signed, and NOT sent to Binance.');
  return {
    embeds: [
      embed({
        title: `Confirm: /${endpoint.group.name} ${endpoint.subcommand}`,
        description: lines.join('\n'),
        color: endpoint.risk.irreversible ? COLOURS.irreversible : COLOURS.pending,
        fields: [
          { name: 'Exact request', value: requestBlock(request, context) },
          { name: 'Weight', value: weightLine(endpoint), inline: true },
          { name: 'Expires', value: `${discordTime(action.expiresAt, 'R')}`, inline: true },
          { name: 'Binance docs', value: endpoint.docUrl },
        ],
        footer: { text: `Requested by ${action.requesterTag} · only they can confirm · ref ${action.id.slice(0, 8)}` },
      }),
    ],
    components: [
      buttons([
        { verb: 'confirm', label: view.approvalsRequired === 1 ? 'Confirm (then needs approval)' : 'Confirm', style: ButtonStyle.Danger },
        { verb: 'cancel', label: 'Cancel', style: ButtonStyle.Secondary },
      ], action.id),
    ],
  };
}

/** What is left of the requester's daily cap, before and after this request. */
function dailyCapLine(cap: DailyStanding, amount: string | null): string {
  const after = amount === null ? '' : `, ${subtractDecimalsFloor(cap.left, amount)} ${cap.asset} after this one`;
  return `📊 Your daily cap: ${cap.dailyMax} ${cap.asset} per rolling 24 hours; spent or in flight: ${cap.spent} ${cap.asset}; left: ${cap.left} ${cap.asset}${after}.`;
}

/** While the request is in flight (the flow greys its buttons out). */
export function sendingMessage(endpoint: EndpointDeclaration, action: PendingAction, by: string): MessageBody {
  return {
    embeds: [
      embed({
        title: `Sending: /${endpoint.group.name} ${endpoint.subcommand}`,
        description: `Confirmed by ${by}. Sending the signed request to Binance…`,
        color: COLOURS.pending,
        footer: { text: `ref ${action.id.slice(0, 8)}` },
      }),
    ],
    components: [],
  };
}

/** The requester's view once a four-eyes action waits for approval. */
export function awaitingApprovalMessage(endpoint: EndpointDeclaration, action: PendingAction): MessageBody {
  return {
    embeds: [
      embed({
        title: `Waiting for approval: /${endpoint.group.name} ${endpoint.subcommand}`,
        description: `You confirmed. A second person who holds \`${endpoint.actionKey}\` must approve in the channel before ${discordTime(action.expiresAt, 'T')} (${discordTime(action.expiresAt, 'R')}). You can withdraw it there with Reject.`,
        color: COLOURS.pending,
        footer: { text: `ref ${action.id.slice(0, 8)}` },
      }),
    ],
    components: [],
  };
}

/** The channel message asking a second person to approve. */
export function approvalRequestMessage(view: Pick<ConfirmationView, 'endpoint' | 'summary' | 'notes' | 'request'>, action: PendingAction, context: RenderContext): MessageBody {
  const { endpoint } = view;
  const lines = [`<@${action.requesterId}> asks for: **${view.summary}.**`, ...view.notes.map((note) => `• ${note}`)];
  if (endpoint.risk.irreversible) lines.push('', '⚠️ **This cannot be undone once Binance executes it.**');
  return {
    embeds: [
      embed({
        title: `Approval needed: /${endpoint.group.name} ${endpoint.subcommand}`,
        description: lines.join('\n'),
        color: endpoint.risk.irreversible ? COLOURS.irreversible : COLOURS.pending,
        fields: [
          { name: 'Exact request', value: requestBlock(view.request, context) },
          { name: 'Who may approve', value: `Anyone but ${action.requesterTag} who holds \`${endpoint.actionKey}\` (as requester or approver)`, inline: true },
          { name: 'Expires', value: discordTime(action.expiresAt, 'R'), inline: true },
        ],
        footer: { text: `ref ${action.id.slice(0, 8)}` },
      }),
    ],
    components: [
      buttons(PAIRS.approve, action.id),
    ],
  };
}

export function closedMessage(
  endpoint: EndpointDeclaration | undefined,
  action: PendingAction,
  how: 'cancelled' | 'expired' | 'rejected' | 'refused' | 'frozen',
  detail?: string,
): MessageBody {
  const what = endpoint === undefined ? action.actionKey : `/${endpoint.group.name} ${endpoint.subcommand}`;
  const text = {
    cancelled: 'Cancelled; nothing was sent.',
    expired: 'This confirmation expired; nothing was sent. Run the command again if it is still wanted.',
    rejected: `Rejected${action.approverTag === null ? '' : ` by ${action.approverTag}`}; nothing was sent.`,
    refused: `Refused${detail === undefined ? '' : `: ${detail}`}. Nothing was sent.`,
    frozen: `🧊 Closed: ${detail ?? 'the bot is frozen'}. Nothing was sent.`,
  }[how];
  return {
    embeds: [embed({ title: `${how[0]?.toUpperCase()}${how.slice(1)}: ${what}`, description: text, color: COLOURS.closed, footer: { text: `ref ${action.id.slice(0, 8)}` } })],
    components: [],
  };
}

/** The result of a sent (or refused, or dry-run) request, in plain words. */
export function outcomeMessage(endpoint: EndpointDeclaration, action: PendingAction, outcome: BinanceOutcome, by: string): MessageBody {
  const title = `/${endpoint.group.name} ${endpoint.subcommand}`;
  const footer = { text: `Confirmed by ${by} · requested by ${action.requesterTag} · ref ${action.id.slice(0, 8)}` };
  const latency = (ms: number) => ({ name: 'Round trip', value: `${ms} ms`, inline: true });
  switch (outcome.kind) {
    case 'success':
      return single(
        embed({
          title: `✅ Done: ${title}`,
          description: `Binance executed it (HTTP ${outcome.status}).`,
          color: COLOURS.success,
          fields: [...endpoint.renderSuccess(outcome.body).map(shownField), latency(outcome.latencyMs)],
          footer,
        }),
      );
    case 'rejected': {
      const fields: APIEmbedField[] = [
        { name: 'Binance said', value: `\`${outcome.code ?? `HTTP ${outcome.status}`}\` ${outcome.message}` },
        { name: 'What it means', value: outcome.explanation },
      ];
      if (outcome.clockResync !== undefined) {
        fields.push({
          name: 'Clock',
          value: outcome.clockResync.ok
            ? `Re-synced with Binance: offset now ${outcome.clockResync.offsetMs} ms. The request was NOT re-sent; confirm a new one if still wanted.`
            : `Re-sync failed (${outcome.clockResync.reason}). The request was NOT re-sent.`,
        });
      }
      return single(embed({ title: `❌ Refused by Binance: ${title}`, description: 'Nothing was executed.', color: COLOURS.rejected, fields, footer }));
    }
    case 'rate-limited':
      return single(
        embed({
          title: outcome.banned ? `🚫 IP BANNED by Binance: ${title}` : `⏳ Rate-limited: ${title}`,
          description: outcome.explanation,
          color: outcome.banned ? COLOURS.rejected : COLOURS.rateLimited,
          fields: [
            { name: 'Executed?', value: 'No.' },
            { name: 'Try again after', value: `${discordTime(outcome.retryAt, 'T')} (${discordTime(outcome.retryAt, 'R')})` },
          ],
          footer,
        }),
      );
    case 'unknown':
      return single(
        embed({
          title: `⚠️ Outcome UNKNOWN: ${title}`,
          description: outcome.explanation,
          color: COLOURS.unknown,
          fields: [
            {
              name: 'Before trying again',
              value: `Check in Binance whether it happened (the account's history for this product around ${discordTime(action.finishedAt ?? Date.now(), 'T')}). The bot did not and will not re-send it; /status lists UNKNOWN outcomes until checked.`,
            },
            { name: 'Request sent', value: codeBlock(`${outcome.request.method} ${outcome.request.path}\n${outcome.request.params}`) },
          ],
          footer,
        }),
      );
    case 'not-sent':
      return single(embed({ title: `Not sent: ${title}`, description: outcome.explanation, color: COLOURS.notSent, footer }));
    case 'dry-run':
      return single(
        embed({
          title: `🧪 DRY-RUN: ${title}`,
          description: 'BINANCE_DRY_RUN is on: the request was built and signed, and NOT sent. Nothing happened on Binance.',
          color: COLOURS.dryRun,
          fields: [{ name: 'Would have sent', value: codeBlock(`${outcome.request.method} ${outcome.request.path}\n${outcome.request.params}&signature=…`) }],
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

function shownField(field: ShownField): APIEmbedField {
  return { name: field.label, value: shownValue(field.value), inline: true };
}

function shownValue(value: Shown): string {
  if (typeof value === 'string') return value === '' ? '—' : value;
  if ('time' in value) return `${discordTime(value.time, 'F')} (${discordTime(value.time, 'R')})`;
  return `\`${value.exact}\``;
}

function requestBlock(request: BinanceRequest, context: RenderContext): string {
  const params = request.params.map(([name, value]) => `${name}=${value}`);
  return codeBlock(
    [
      `${request.method} ${context.baseUrls[request.family]}${request.path}`,
      ...(params.length === 0 ? ['(no parameters)'] : params),
      `+ recvWindow=${context.recvWindowMs}&timestamp=<at send>, then signed`,
    ].join('\n'),
  );
}

function weightLine(endpoint: EndpointDeclaration): string {
  const { weight, family } = endpoint.binance;
  return `${weight.amount} (${weight.kind.toUpperCase()} limit, ${family})`;
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
  const row = buttons(PAIRS[pair], actionId);
  return { ...body, content: body.content ?? '', components: [{ ...row, components: row.components.map((button) => ({ ...button, disabled: true })) }] };
}

function buttons(
  specs: ReadonlyArray<{ verb: ButtonVerb; label: string; style: ButtonStyle.Danger | ButtonStyle.Secondary | ButtonStyle.Primary | ButtonStyle.Success }>,
  actionId: string,
): APIActionRowComponent<APIButtonComponent> {
  return buttonRow(specs.map((spec) => ({ customId: customId(spec.verb, actionId), label: spec.label, style: spec.style })));
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
