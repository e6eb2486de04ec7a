// Answering a slash command within Discord's 3 seconds. The answer is usually
// ready in milliseconds; if it is not ready after 2 s (a busy database), the
// bot defers (Discord shows "thinking…") and edits the answer in when it comes.
import { MessageFlags, type ChatInputCommandInteraction, type InteractionEditReplyOptions } from 'discord.js';
import { OperatorError } from '../actions/errors.ts';
import { noticeMessage, type MessageBody } from './render.ts';

const DEFER_AFTER_MS = 2_000;

export interface ReplyOptions {
  readonly ephemeral?: boolean;
  readonly files?: ReadonlyArray<{ readonly attachment: Buffer; readonly name: string }>;
}

export type ReplyBody = MessageBody & { files?: Array<{ attachment: Buffer; name: string }> };

/**
 * Replies with what `produce` returns (ephemeral by default). An OperatorError
 * becomes its message; any other error propagates to the router.
 */
export async function replyInTime(
  interaction: ChatInputCommandInteraction,
  produce: () => Promise<ReplyBody>,
  options: ReplyOptions = {},
): Promise<void> {
  const flags = options.ephemeral === false ? undefined : MessageFlags.Ephemeral;
  let deferral: Promise<unknown> | undefined;
  const timer = setTimeout(() => {
    deferral = interaction.deferReply(flags === undefined ? {} : { flags });
  }, DEFER_AFTER_MS);
  let body: ReplyBody;
  try {
    body = await produce();
  } catch (error) {
    if (!(error instanceof OperatorError)) {
      clearTimeout(timer);
      await deferral;
      throw error;
    }
    body = noticeMessage(error.message);
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
