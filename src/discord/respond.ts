// Answering a slash command within Discord's 3 seconds. The answer is usually
// ready in milliseconds; if it is not ready after 2 s (a busy database), the
// bot defers (Discord shows "thinking…") and edits the answer in when it comes.
// An answer only its reader sees is in the reader's language (readerOf).
import { MessageFlags, type ChatInputCommandInteraction, type Client, type InteractionEditReplyOptions, type RepliableInteraction } from 'discord.js';
import { OperatorError } from '../actions/errors.ts';
import { localeOf, messages, type Messages } from '../i18n/index.ts';
import type { Logger } from '../log.ts';
import { noticeMessage, type MessageBody } from './render.ts';

const DEFER_AFTER_MS = 2_000;

export interface ReplyOptions {
  readonly ephemeral?: boolean;
  readonly files?: ReadonlyArray<{ readonly attachment: Buffer; readonly name: string }>;
}

export type ReplyBody = MessageBody & { files?: Array<{ attachment: Buffer; name: string }> };

/** The catalog of the person who caused `interaction`: Chinese for a zh-CN Discord client, English for any other. */
export function readerOf(interaction: { readonly locale: string }): Messages {
  return messages(localeOf(interaction.locale));
}

/**
 * Replies with what `produce` returns (ephemeral by default), in the reader's
 * language. An OperatorError becomes its message; any other error propagates
 * to the router.
 */
export async function replyInTime(
  interaction: ChatInputCommandInteraction,
  produce: (t: Messages) => Promise<ReplyBody>,
  options: ReplyOptions = {},
): Promise<void> {
  const t = readerOf(interaction);
  const flags = options.ephemeral === false ? undefined : MessageFlags.Ephemeral;
  let deferral: Promise<unknown> | undefined;
  const timer = setTimeout(() => {
    deferral = interaction.deferReply(flags === undefined ? {} : { flags });
  }, DEFER_AFTER_MS);
  let body: ReplyBody;
  try {
    body = await produce(t);
  } catch (error) {
    if (!(error instanceof OperatorError)) {
      clearTimeout(timer);
      await deferral;
      throw error;
    }
    body = noticeMessage(error.text(t));
  } finally {
    clearTimeout(timer);
  }
  if (deferral !== undefined) {
    await deferral;
    await interaction.editReply(body as InteractionEditReplyOptions);
  } else {
    await interaction.reply(flags === undefined ? body : { ...body, flags });
  }
}

/** Where a message meant for the whole channel ended up. */
export type Posted = { readonly kind: 'channel'; readonly channelId: string; readonly messageId: string } | { readonly kind: 'follow-up'; readonly messageId: string };

/**
 * Posts `body` for everyone in the interaction's channel. Without the Send
 * Messages permission there, it goes out as a follow-up of the interaction
 * (which must already be answered or deferred): it still reaches the channel,
 * but only that interaction's token can edit it afterwards.
 */
export async function postInChannel(interaction: RepliableInteraction, body: MessageBody, log: Logger, what: string): Promise<Posted> {
  try {
    const channel = interaction.channel;
    if (channel === null || !channel.isSendable()) throw new Error('the channel is not available to the bot');
    const message = await channel.send(body);
    return { kind: 'channel', channelId: message.channelId, messageId: message.id };
  } catch (error) {
    log.warn(`could not post ${what} as a channel message; using a follow-up`, { error });
    const message = await interaction.followUp(body);
    return { kind: 'follow-up', messageId: message.id };
  }
}

/** Edits a channel message the bot posted earlier (any process can: it needs only the ids). */
export async function editChannelMessage(client: Client, channelId: string, messageId: string, body: MessageBody): Promise<void> {
  const channel = await client.channels.fetch(channelId);
  if (channel === null || !channel.isTextBased()) return;
  await channel.messages.edit(messageId, body);
}

/** Where to find a message posted with postInChannel again. */
export interface PostedRef {
  /** Posted as a follow-up: only the interaction that posted it can edit it (this process, 15 minutes). */
  readonly followUp: { readonly interaction: RepliableInteraction; readonly messageId: string } | undefined;
  /** Posted in the channel: any process can edit it by these ids. */
  readonly channelId: string | null;
  readonly messageId: string | null;
}

/** Edits a message posted for the channel, wherever it ended up; a failure is only reported. */
export async function editPosted(client: Client, where: PostedRef, body: MessageBody, onError: (error: unknown) => void): Promise<void> {
  if (where.followUp !== undefined) {
    await where.followUp.interaction.editReply({ ...body, message: where.followUp.messageId } as InteractionEditReplyOptions).catch(onError);
  } else if (where.channelId !== null && where.messageId !== null) {
    await editChannelMessage(client, where.channelId, where.messageId, body).catch(onError);
  }
}
