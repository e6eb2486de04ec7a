// The messages of live state: the confirmation with what Binance shows now
// (or why it cannot be shown), the request Binance would refuse (no Confirm),
// the "Send anyway" warning, the read-back after a success, and the
// reconciler's decision on an UNKNOWN outcome. Built on render.ts's pieces,
// cut to Discord's limits there, in the language of `t` (the requester's, or
// BOT_LOCALE's for what the channel sees); the buttons keep the contract's
// English labels.
import { ButtonStyle, type APIEmbed, type APIEmbedField } from 'discord.js';
import type { Preview, Verification } from '../actions/live-state.ts';
import type { ReconcileDecision } from '../actions/read-back.ts';
import { describeEarlier, type EarlierRequest } from '../actions/send-anyway.ts';
import type { ConfirmationView } from '../actions/service.ts';
import type { EndpointDeclaration } from '../actions/endpoint.ts';
import type { Messages, Said } from '../i18n/index.ts';
import type { PendingAction } from '../store/index.ts';
import { buttonRow, COLOURS, confirmationMessage, customId, discordTime, embed, truncate, type MessageBody, type RenderContext } from './render.ts';

/** The confirmation, with the live state and, when an identical request stands, the Send-anyway warning on top. */
export function liveConfirmation(view: ConfirmationView, context: RenderContext, preview: Preview, earlier: EarlierRequest | undefined, t: Messages): MessageBody {
  if (preview.kind === 'refused') return refusedBeforeConfirm(view, context, preview, t);
  const body = confirmationMessage(view, context, t);
  const field = stateField(preview, t);
  const embeds = body.embeds.map((one, index) => (index === 0 && field !== undefined ? embed({ ...one, fields: [field, ...(one.fields ?? [])] }) : one));
  const warning = earlier === undefined ? undefined : t.liveState.warning({ earlier: describeEarlier(earlier)(t) });
  return { ...body, embeds, ...(warning === undefined ? {} : { content: truncate(warning, 2000) }) };
}

/** Binance would surely refuse the request: say why, show the state, and offer no Confirm (the request is closed). */
function refusedBeforeConfirm(view: ConfirmationView, context: RenderContext, preview: Extract<Preview, { kind: 'refused' }>, t: Messages): MessageBody {
  const [shown] = confirmationMessage(view, context, t).embeds;
  const kept = new Set([t.render.exactRequest, t.render.account]);
  const fields = shown?.fields?.filter((field) => kept.has(field.name)) ?? [];
  const l = t.liveState;
  return {
    embeds: [
      embed({
        title: l.notOffered({ command: `${view.endpoint.group.name} ${view.endpoint.subcommand}` }),
        description: [`**${view.endpoint.summary(view.options)(t)}${t.render.sentenceEnd}**`, '', l.wouldRefuse({ reason: preview.reason(t) }), l.noConfirm].join('\n'),
        color: COLOURS.closed,
        fields: [{ name: l.field, value: lines(preview.lines, t) }, ...fields],
        footer: { text: l.footer({ tag: view.action.requesterTag, ref: view.action.id.slice(0, 8) }) },
      }),
    ],
    components: [],
  };
}

/**
 * The confirmation after a Confirm met an identical earlier request: the same embed, the warning, and
 * Send anyway / Cancel (labels in English, like Confirm and Cancel: the contract's).
 */
export function sendAnywayPrompt(embeds: readonly APIEmbed[], actionId: string, digest: string | undefined, message: string): MessageBody {
  return {
    content: truncate(`🛑 ${message}`, 2000),
    embeds: [...embeds],
    components: [
      buttonRow([
        { customId: customId('send-anyway', actionId, digest), label: 'Send anyway', style: ButtonStyle.Danger },
        { customId: customId('cancel', actionId, digest), label: 'Cancel', style: ButtonStyle.Secondary },
      ]),
    ],
  };
}

/** A success's outcome with what reading it back showed; a contradiction is flagged at the top. */
export function withVerification(body: MessageBody, verification: Verification, t: Messages): MessageBody {
  if (verification.kind === 'none') return body;
  const l = t.liveState;
  const field: APIEmbedField =
    verification.kind === 'unavailable'
      ? { name: l.readBack, value: truncate(l.readBackUnavailable({ why: verification.why(t) }), 1024) }
      : { name: l.readBack, value: truncate(afterCheckText(verification, t), 1024) };
  const contradicted = verification.kind === 'checked' && verification.check.kind === 'contradicted';
  return {
    ...body,
    ...(contradicted ? { content: truncate(l.contradictedTop({ detail: truncate(verification.check.detail(t), 1500) }), 2000) } : {}),
    embeds: body.embeds.map((one, index) => (index === 0 ? embed({ ...one, ...(contradicted ? { color: COLOURS.unknown } : {}), fields: [...(one.fields ?? []), field] }) : one)),
  };
}

/** An UNKNOWN outcome also says how it will be settled. */
export function withReconcileNote(body: MessageBody, t: Messages): MessageBody {
  const field: APIEmbedField = { name: t.liveState.reconciling, value: t.liveState.reconcilingValue };
  return { ...body, embeds: body.embeds.map((one, index) => (index === 0 ? embed({ ...one, fields: [...(one.fields ?? []), field] }) : one)) };
}

/** The reconciler's decision on an UNKNOWN outcome. */
export function reconciledMessage(endpoint: EndpointDeclaration | undefined, action: PendingAction, decision: ReconcileDecision, at: number, t: Messages): MessageBody {
  const what = endpoint === undefined ? action.actionKey : `/${endpoint.group.name} ${endpoint.subcommand}`;
  const ref = action.id.slice(0, 8);
  const r = t.reconcile;
  const head = {
    executed: { title: r.executedTitle({ what }), colour: COLOURS.success, next: r.executedNext },
    'not-executed': { title: r.notExecutedTitle({ what }), colour: COLOURS.notSent, next: r.notExecutedNext },
    unknown: { title: r.unknownTitle({ what }), colour: COLOURS.unknown, next: r.unknownNext({ ref }) },
  }[decision.verdict];
  return {
    content: '',
    embeds: [
      embed({
        title: head.title,
        description: [r.description({ time: discordTime(at, 'T'), evidence: decision.evidence(t) }), '', head.next].join('\n'),
        color: head.colour,
        footer: { text: r.footer({ tag: action.requesterTag, account: action.account, ref }) },
      }),
    ],
    components: [],
  };
}

function stateField(preview: Preview, t: Messages): APIEmbedField | undefined {
  switch (preview.kind) {
    case 'none':
      return undefined;
    case 'unavailable':
      return { name: t.liveState.field, value: truncate(t.liveState.unavailable({ why: preview.why(t) }), 1024) };
    case 'shown':
    case 'refused':
      return { name: t.liveState.field, value: lines(preview.lines, t) };
    default: {
      const unreachable: never = preview;
      return unreachable;
    }
  }
}

function afterCheckText(verification: Extract<Verification, { kind: 'checked' }>, t: Messages): string {
  const l = t.liveState;
  const { before, after, check } = verification;
  const change = before === undefined ? l.now({ after: after(t) }) : l.change({ before: before(t), after: after(t) });
  const detail = check.detail(t);
  switch (check.kind) {
    case 'confirmed':
      return l.confirmed({ change, detail });
    case 'pending':
      return l.pending({ change, detail });
    case 'contradicted':
      return l.contradicted({ change, detail });
    default: {
      const unreachable: never = check;
      return unreachable;
    }
  }
}

function lines(items: readonly Said[], t: Messages): string {
  return truncate(items.map((item) => `• ${item(t)}`).join('\n') || '—', 1024);
}
