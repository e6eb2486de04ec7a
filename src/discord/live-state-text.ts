// The messages of live state: the confirmation with what Binance shows now
// (or why it cannot be shown), the request Binance would refuse (no Confirm),
// the "Send anyway" warning, the read-back after a success, and the
// reconciler's decision on an UNKNOWN outcome. Built on render.ts's pieces,
// cut to Discord's limits there.
import { ButtonStyle, type APIEmbed, type APIEmbedField } from 'discord.js';
import type { Preview, Verification } from '../actions/live-state.ts';
import type { ReconcileDecision } from '../actions/read-back.ts';
import { describeEarlier, type EarlierRequest } from '../actions/send-anyway.ts';
import type { ConfirmationView } from '../actions/service.ts';
import type { EndpointDeclaration } from '../actions/endpoint.ts';
import type { PendingAction } from '../store/index.ts';
import { buttonRow, COLOURS, confirmationMessage, customId, discordTime, embed, truncate, type MessageBody, type RenderContext } from './render.ts';

const STATE_FIELD = '📡 On Binance now';

/** The confirmation, with the live state and, when an identical request stands, the Send-anyway warning on top. */
export function liveConfirmation(view: ConfirmationView, context: RenderContext, preview: Preview, earlier: EarlierRequest | undefined): MessageBody {
  if (preview.kind === 'refused') return refusedBeforeConfirm(view, context, preview);
  const body = confirmationMessage(view, context);
  const field = stateField(preview);
  const embeds = body.embeds.map((one, index) => (index === 0 && field !== undefined ? embed({ ...one, fields: [field, ...(one.fields ?? [])] }) : one));
  const warning =
    earlier === undefined
      ? undefined
      : `🛑 **Careful: ${describeEarlier(earlier)}.** Confirm will then ask for a second, explicit **Send anyway** click before anything is sent.`;
  return { ...body, embeds, ...(warning === undefined ? {} : { content: truncate(warning, 2000) }) };
}

/** Binance would surely refuse the request: say why, show the state, and offer no Confirm (the request is closed). */
function refusedBeforeConfirm(view: ConfirmationView, context: RenderContext, preview: Extract<Preview, { kind: 'refused' }>): MessageBody {
  const [shown] = confirmationMessage(view, context).embeds;
  const request = shown?.fields?.find((field) => field.name === 'Exact request');
  return {
    embeds: [
      embed({
        title: `Not offered: /${view.endpoint.group.name} ${view.endpoint.subcommand}`,
        description: [`**${view.summary}.**`, '', `⛔ **Binance would refuse this:** ${preview.reason}.`, 'No Confirm is offered and nothing was sent; the request is closed.'].join('\n'),
        color: COLOURS.closed,
        fields: [{ name: STATE_FIELD, value: lines(preview.lines) }, ...(request === undefined ? [] : [request])],
        footer: { text: `Requested by ${view.action.requesterTag} · ref ${view.action.id.slice(0, 8)}` },
      }),
    ],
    components: [],
  };
}

/** The confirmation after a Confirm met an identical earlier request: the same embed, the warning, and Send anyway / Cancel. */
export function sendAnywayPrompt(embeds: readonly APIEmbed[], actionId: string, message: string): MessageBody {
  return {
    content: truncate(`🛑 ${message}`, 2000),
    embeds: [...embeds],
    components: [
      buttonRow([
        { customId: customId('send-anyway', actionId), label: 'Send anyway', style: ButtonStyle.Danger },
        { customId: customId('cancel', actionId), label: 'Cancel', style: ButtonStyle.Secondary },
      ]),
    ],
  };
}

/** A success's outcome with what reading it back showed; a contradiction is flagged at the top. */
export function withVerification(body: MessageBody, verification: Verification): MessageBody {
  if (verification.kind === 'none') return body;
  const field: APIEmbedField =
    verification.kind === 'unavailable'
      ? { name: '🔎 Read back', value: truncate(`The state could not be read back (${verification.why}). Check it in Binance if it matters.`, 1024) }
      : { name: '🔎 Read back', value: truncate(afterCheckText(verification), 1024) };
  const contradicted = verification.kind === 'checked' && verification.check.kind === 'contradicted';
  return {
    ...body,
    ...(contradicted ? { content: `⚠️ **Binance answered success, but reading the state back contradicts it:** ${truncate(verification.check.detail, 1500)}. Check in Binance.` } : {}),
    embeds: body.embeds.map((one, index) => (index === 0 ? embed({ ...one, ...(contradicted ? { color: COLOURS.unknown } : {}), fields: [...(one.fields ?? []), field] }) : one)),
  };
}

/** An UNKNOWN outcome also says how it will be settled. */
export function withReconcileNote(body: MessageBody): MessageBody {
  const field: APIEmbedField = {
    name: '🔁 Reconciling',
    value:
      'The bot reads Binance back 5 s, 30 s, 2 min and 10 min after the send, then hourly for a day, and shows what it finds here (or in the channel). ' +
      'It never sends the request again. Until then /status lists it, and a new identical request needs **Send anyway**; `/audit resolve` closes it by hand.',
  };
  return { ...body, embeds: body.embeds.map((one, index) => (index === 0 ? embed({ ...one, fields: [...(one.fields ?? []), field] }) : one)) };
}

/** The reconciler's decision on an UNKNOWN outcome. */
export function reconciledMessage(endpoint: EndpointDeclaration | undefined, action: PendingAction, decision: ReconcileDecision, at: number): MessageBody {
  const what = endpoint === undefined ? action.actionKey : `/${endpoint.group.name} ${endpoint.subcommand}`;
  const ref = action.id.slice(0, 8);
  const head = {
    executed: { title: `✅ Reconciled: EXECUTED — ${what}`, colour: COLOURS.success, next: 'It happened on Binance: do not send it again.' },
    'not-executed': { title: `↩️ Reconciled: NOT executed — ${what}`, colour: COLOURS.notSent, next: 'Nothing happened on Binance; run the command again if it is still wanted.' },
    unknown: {
      title: `⚠️ Still UNKNOWN — ${what}`,
      colour: COLOURS.unknown,
      next: `Check in Binance, then close it: \`/audit resolve ref:${ref} outcome:executed|not-executed note:…\``,
    },
  }[decision.verdict];
  return {
    content: '',
    embeds: [
      embed({
        title: head.title,
        description: [`The outcome was UNKNOWN. Reading Binance back (${discordTime(at, 'T')}): ${decision.evidence}.`, '', head.next].join('\n'),
        color: head.colour,
        footer: { text: `Requested by ${action.requesterTag} · ref ${ref}` },
      }),
    ],
    components: [],
  };
}

function stateField(preview: Preview): APIEmbedField | undefined {
  switch (preview.kind) {
    case 'none':
      return undefined;
    case 'unavailable':
      return { name: STATE_FIELD, value: truncate(`Current state unavailable (${preview.why}). Binance decides when you confirm.`, 1024) };
    case 'shown':
    case 'refused':
      return { name: STATE_FIELD, value: lines(preview.lines) };
    default: {
      const unreachable: never = preview;
      return unreachable;
    }
  }
}

function afterCheckText(verification: Extract<Verification, { kind: 'checked' }>): string {
  const change = verification.before === undefined ? `now: ${verification.after}` : `${verification.before} → ${verification.after}`;
  const { check } = verification;
  switch (check.kind) {
    case 'confirmed':
      return `${change}\n✅ ${check.detail}`;
    case 'pending':
      return `${change}\n⏳ still settling: ${check.detail}`;
    case 'contradicted':
      return `${change}\n⚠️ CONTRADICTS the answer: ${check.detail}`;
    default: {
      const unreachable: never = check;
      return unreachable;
    }
  }
}

function lines(items: readonly string[]): string {
  return truncate(items.map((item) => `• ${item}`).join('\n') || '—', 1024);
}
