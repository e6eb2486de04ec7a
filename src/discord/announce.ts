// The one seam through which changes that everyone must see are made public:
// a root admin's access change, an applied proposal, the freeze and its
// release, a tampered action. With an audit channel (AUDIT_CHANNEL_ID), the
// log row each of them wrote is the announcement: the outbox posts it there,
// in order and exactly once (audit-channel.ts), so nothing is posted here and
// nothing is posted twice. Without one, it is posted (not ephemeral) in the
// channel where it happened; with no permission to post there, as a follow-up
// of the interaction that caused it. Announcements are in BOT_LOCALE's
// language (`text`): everyone reads them.
import type { RepliableInteraction } from 'discord.js';
import { english, type Messages } from '../i18n/index.ts';
import type { Logger } from '../log.ts';
import { embed, type MessageBody } from './render.ts';
import { postInChannel } from './respond.ts';

export interface Announcement {
  readonly title: string;
  readonly lines: readonly string[];
  readonly colour: number;
}

export class Announcer {
  constructor(
    private readonly log: Logger,
    /** AUDIT_CHANNEL_ID: announcements go there, as the log rows they announce. */
    private readonly auditChannelId?: string,
    /** BOT_LOCALE's catalog: what announcements are written in. */
    readonly text: Messages = english,
  ) {}

  /** Makes `announcement` public: in the audit channel when there is one, else where `origin` happened (`origin` answered or deferred). */
  async announce(origin: RepliableInteraction, announcement: Announcement): Promise<void> {
    if (this.auditChannelId !== undefined) {
      this.log.debug('announced in the audit channel, through the log row it mirrors', { title: announcement.title });
      return;
    }
    const body: MessageBody = {
      embeds: [embed({ title: announcement.title, description: announcement.lines.join('\n'), color: announcement.colour })],
      components: [],
    };
    await postInChannel(origin, body, this.log, 'an announcement').catch((error: unknown) =>
      this.log.error('an announcement could not be posted', { title: announcement.title, error }),
    );
  }
}
