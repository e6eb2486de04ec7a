// The one seam through which changes that everyone must see are made public:
// a root admin's access change, an applied proposal, the freeze and its
// release. Each is posted (not ephemeral) in the channel where it happened;
// with no permission to post there, as a follow-up of the interaction that
// caused it. Whoever needs to announce calls announce(); nothing else posts
// these, so moving them elsewhere (an audit channel, an outbox) changes only
// this file.
import type { RepliableInteraction } from 'discord.js';
import type { Logger } from '../log.ts';
import { embed, type MessageBody } from './render.ts';
import { postInChannel } from './respond.ts';

export interface Announcement {
  readonly title: string;
  readonly lines: readonly string[];
  readonly colour: number;
}

export class Announcer {
  constructor(private readonly log: Logger) {}

  /** Posts `announcement` where `origin` happened; `origin` must already be answered or deferred. */
  async announce(origin: RepliableInteraction, announcement: Announcement): Promise<void> {
    const body: MessageBody = {
      embeds: [embed({ title: announcement.title, description: announcement.lines.join('\n'), color: announcement.colour })],
      components: [],
    };
    await postInChannel(origin, body, this.log, 'an announcement').catch((error: unknown) =>
      this.log.error('an announcement could not be posted', { title: announcement.title, error }),
    );
  }
}
