// The audit channel's poster: posts the outbox (src/store/outbox.ts) to
// AUDIT_CHANNEL_ID strictly in order, one entry at a time. The log stays the
// source of truth; the channel is the copy that people without access to the
// database hold.
//
// - In order: the oldest entry waiting is the only one ever posted next; when
//   Discord refuses it (50013 Missing Permissions, a 5xx, the network), the
//   poster waits (1 s, 2 s, 4 s … up to 30 s) and tries the same entry again.
// - Never twice: each entry carries a nonce, sent with `enforce_nonce: true`,
//   so a post repeated after a crash between the post and the mark (or by a
//   second process that took over) returns the message already created.
//   Discord remembers a nonce for a few minutes; a crash longer than that
//   between the post and its mark can still show one post twice (its #seq
//   says so).
// - One process at a time: the poster holds a lease in SQLite (leases.ts),
//   renewed before each post; another bot process takes over only once it ran
//   out (or at once, when it runs longer than any lease the bot takes).
// - As the log holds it: each entry is rebuilt from its log row at post time
//   (outbox.ts); one that no longer matches is posted as an alarm. Findings
//   about the database itself are posted straight away (alarm()), not
//   through the outbox that may be what was altered.
// - Anchors: at least every hour with activity, the lease holder anchors the
//   chain head (outbox.ts also anchors every 100 rows, at start-up and at
//   shutdown).
import { setTimeout as sleep } from 'node:timers/promises';
import { DiscordAPIError, HTTPError, Routes, type RESTPostAPIChannelMessageResult } from 'discord.js';
import { english, type Messages } from '../i18n/index.ts';
import type { Logger } from '../log.ts';
import { ANCHOR_MAX_AGE_MS, type OutboxEntry, type Store } from '../store/index.ts';
import { alarmMessage, auditMessage, fallbackMessage } from './audit-posts.ts';

export const AUDIT_LEASE = 'audit-poster';
const LEASE_TTL_MS = 15_000;
const IDLE_MS = 250;
const HOURLY_CHECK_MS = 60_000;
/** Posted entries older than this leave the outbox (the channel and the log keep them). */
const KEEP_POSTED_MS = 30 * 86_400_000;

/** What the poster needs of discord.js's REST client: one POST. */
export interface AuditRest {
  post(route: `/${string}`, options: { body: unknown }): Promise<unknown>;
}

export interface AuditPosterOptions {
  readonly store: Pick<Store, 'outbox' | 'leases'>;
  readonly rest: AuditRest;
  readonly channelId: string;
  /** This process, as the lease's holder. */
  readonly instanceId: string;
  readonly log: Logger;
  readonly now?: () => number;
  readonly backoff?: { readonly firstMs: number; readonly maxMs: number };
  /** BOT_LOCALE's catalog: the language of the posts (English by default). */
  readonly text?: Messages;
}

export class AuditChannelPoster {
  readonly #options: AuditPosterOptions;
  readonly #now: () => number;
  readonly #backoff: { readonly firstMs: number; readonly maxMs: number };
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;
  #failures = 0;
  #retryAt = 0;
  #lastHourly = 0;

  constructor(options: AuditPosterOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#backoff = options.backoff ?? { firstMs: 1_000, maxMs: 30_000 };
  }

  start(): void {
    this.#schedule(0);
  }

  /**
   * Posts what waits, in order, while this process holds the lease and Discord
   * accepts; stops at the first refusal (retried after the backoff). Returns
   * how many entries were posted.
   */
  async pump(): Promise<number> {
    const { store } = this.#options;
    let posted = 0;
    for (;;) {
      if (this.#now() < this.#retryAt) return posted;
      if (!(await this.#hold())) return posted;
      const entry = await store.outbox.next();
      if (entry === undefined || !(await this.#post(entry))) return posted;
      posted++;
    }
  }

  /** Stops the loop, then posts what is left (the shutdown row and its anchor) for up to `drainMs`, and gives the lease up. */
  async stop(drainMs: number): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
    const deadline = this.#now() + drainMs;
    while (this.#now() < deadline) {
      await this.pump().catch((error: unknown) => this.#options.log.warn('could not post to the audit channel at shutdown', { error }));
      if ((await this.#options.store.outbox.next()) === undefined || this.#retryAt > deadline) break;
      if (!(await this.#hold())) break;
      await sleep(Math.max(10, Math.min(this.#retryAt - this.#now(), 100)));
    }
    await this.#options.store.leases.release(AUDIT_LEASE, this.#options.instanceId).catch(() => undefined);
  }

  /**
   * Posts a finding at once, outside the outbox (which may be what was
   * altered). Best effort: a failure is logged, the finding is on stderr and in
   * the log already.
   */
  async alarm(finding: string): Promise<void> {
    const { rest, channelId, log, text } = this.#options;
    await rest.post(Routes.channelMessages(channelId), { body: alarmMessage(finding, text) }).catch((error: unknown) => {
      log.error('could not post a tamper finding to the audit channel', { error: describeFailure(error) });
    });
  }

  /** Takes or renews the lease; an over-long one (planted) is taken over and said. */
  async #hold(): Promise<boolean> {
    const { store, instanceId, log } = this.#options;
    const lease = await store.leases.hold(AUDIT_LEASE, instanceId, LEASE_TTL_MS, this.#now());
    if (lease.overlong !== undefined) {
      const overlong = { holder: lease.overlong.holder, until: new Date(lease.overlong.untilMs).toISOString() };
      log.error('THE DATABASE WAS ALTERED OUTSIDE THE BOT', { finding: english.auditPosts.leaseTakenOver(overlong) });
      if (lease.held) await this.alarm((this.#options.text ?? english).auditPosts.leaseTakenOver(overlong));
    }
    return lease.held;
  }

  async #post(entry: OutboxEntry): Promise<boolean> {
    const { store, rest, channelId, log } = this.#options;
    const route = Routes.channelMessages(channelId);
    if (entry.problem !== undefined) log.error('an audit channel entry does not match the action log; it is posted as an alarm', { entryId: entry.id, problem: entry.problem });
    try {
      const message = (await rest.post(route, { body: auditMessage(entry.body, entry.nonce, this.#options.text, entry.problem) })) as RESTPostAPIChannelMessageResult;
      await store.outbox.markPosted(entry.id, message.id);
      this.#failures = 0;
      this.#retryAt = 0;
      return true;
    } catch (error) {
      // Discord refused this entry's form: a plainer line keeps the order moving (no message was created, so the nonce is unused).
      if (error instanceof DiscordAPIError && (error.code === 50035 || error.code === 50006)) {
        const plain = (await rest.post(route, { body: fallbackMessage(entry.body, entry.nonce, this.#options.text) }).catch(() => undefined)) as RESTPostAPIChannelMessageResult | undefined;
        if (plain !== undefined) {
          log.error('the audit channel refused a post as malformed; posted a plain line instead', { entryId: entry.id, error: describeFailure(error) });
          await store.outbox.markPosted(entry.id, plain.id);
          return true;
        }
      }
      const described = describeFailure(error);
      await store.outbox.recordFailure(entry.id, described);
      this.#failures++;
      const wait = Math.min(this.#backoff.maxMs, this.#backoff.firstMs * 2 ** (this.#failures - 1));
      this.#retryAt = this.#now() + wait;
      log.warn('the audit channel refused a post; it stays first in line and is tried again', { entryId: entry.id, attempt: entry.attempts + 1, error: described, retryInMs: wait });
      return false;
    }
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#running = this.#tick().finally(() => {
        this.#running = undefined;
        this.#schedule(Math.max(IDLE_MS, this.#retryAt - this.#now()));
      });
    }, ms);
    this.#timer.unref();
  }

  async #tick(): Promise<void> {
    const { store, log } = this.#options;
    try {
      await this.pump();
      if (this.#now() - this.#lastHourly >= HOURLY_CHECK_MS) {
        this.#lastHourly = this.#now();
        if (await this.#hold()) {
          await store.outbox.anchorHead('hour', ANCHOR_MAX_AGE_MS);
          await store.outbox.prunePosted(this.#now() - KEEP_POSTED_MS);
        }
      }
    } catch (error) {
      log.error('the audit poster failed a pass; it tries again', { error });
    }
  }
}

/** A refusal in one line, for the outbox and /status: Discord's code and message, an HTTP status, or the network error. */
export function describeFailure(error: unknown): string {
  if (error instanceof DiscordAPIError) return `${error.code} ${error.message} (HTTP ${error.status})`;
  if (error instanceof HTTPError) return `HTTP ${error.status} ${error.message}`;
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 200);
  return String(error).slice(0, 200);
}
