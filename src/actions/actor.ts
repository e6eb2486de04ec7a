// Who is acting, and where: the one shape every layer below Discord uses for
// a person, and the log columns it fills.
import type { LogEntry, PendingAction } from '../store/index.ts';

export interface Actor {
  readonly id: string;
  readonly tag: string;
  readonly guildId: string | null;
  readonly channelId: string | null;
}

/** The log row's columns about who acted, and where. */
export function who(actor: Actor): Pick<LogEntry, 'userId' | 'userTag' | 'guildId' | 'channelId'> {
  return { userId: actor.id, userTag: actor.tag, guildId: actor.guildId, channelId: actor.channelId };
}

/** A log row about `action` under its requester's name, where they asked for it (the bot acting on their request). */
export function onRequest(action: PendingAction): Pick<LogEntry, 'actionId' | 'actionKey' | 'userId' | 'userTag' | 'guildId' | 'channelId'> {
  return { actionId: action.id, actionKey: action.actionKey, userId: action.requesterId, userTag: action.requesterTag, guildId: action.guildId, channelId: action.channelId };
}
