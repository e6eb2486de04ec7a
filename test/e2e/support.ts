// Assertions shared by the end-to-end scenarios: each scenario checks what
// Discord received, what Binance received and what the SQLite log holds.
import { expect } from 'vitest';
import type { ReceivedRequest } from '../emulators/binance/index.ts';
import { buttonsOf, textOf, type EmulatedMessage, type InteractionRecord, type MessageVersion } from '../emulators/discord/index.ts';
import type { LogRow } from '../../src/store/index.ts';
import type { World } from './world.ts';

/** The pending action's id, read from the Confirm button's custom_id. */
export function actionIdOf(message: EmulatedMessage): string {
  const button = buttonsOf(message).find((candidate) => /^pmbot:(confirm|approve):/.test(candidate.customId));
  if (button === undefined) throw new Error(`no Confirm/Approve button on:\n${textOf(message)}`);
  return button.customId.split(':')[2] ?? '';
}

/**
 * The confirmation as it was first shown: an endpoint command is deferred
 * ("thinking…") while the live state is read, so its first version is empty.
 */
export function shownConfirmation(message: EmulatedMessage): MessageVersion {
  const shown = message.versions.find((version) => version.embeds.length > 0);
  if (shown === undefined) throw new Error(`message ${message.id} never showed an embed`);
  return shown;
}

/** A message with no button left to click. */
export function expectNoLiveButtons(message: EmulatedMessage): void {
  expect(buttonsOf(message).filter((button) => !button.disabled)).toEqual([]);
}

/** An ephemeral answer seen only by `userId`. */
export function expectEphemeralTo(message: EmulatedMessage, userId: string): void {
  expect(message.visibleTo).toBe(userId);
  expect(message.flags & 64).toBe(64);
}

/** The POSTs Binance received since `since` (time requests excluded). */
export function postsSince(world: World, since: number): ReceivedRequest[] {
  return world.binance.requests.filter((request) => request.method === 'POST' && request.at >= since);
}

export async function eventsOf(world: World, actionId: string): Promise<string[]> {
  return (await world.log()).filter((row) => row.action_id === actionId).map((row) => row.event);
}

export async function rowsOf(world: World, actionId: string): Promise<LogRow[]> {
  return (await world.log()).filter((row) => row.action_id === actionId);
}

/** Waits until the action's log rows satisfy `done` (what the bot writes on its own, e.g. the reconciler), and returns them. */
export async function waitForRows(world: World, actionId: string, done: (rows: LogRow[]) => boolean, timeoutMs = 20_000): Promise<LogRow[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await rowsOf(world, actionId);
    if (done(rows)) return rows;
    if (Date.now() > deadline) throw new Error(`timed out waiting for the log of ${actionId}; it holds: ${rows.map((row) => `${row.event}:${row.outcome_kind ?? ''}`).join(', ')}`);
    await settle(100);
  }
}

/** A message in a final state: no live button, and not "Sending". */
export function isSettled(message: EmulatedMessage): boolean {
  return buttonsOf(message).every((button) => button.disabled) && !textOf(message).startsWith('Sending');
}

/**
 * Runs the command, clicks Confirm, and waits for the outcome to replace the
 * confirmation. `sendAnyway`: the request repeats one still UNKNOWN or just
 * executed, so Confirm asks for the second click, which is given.
 */
export async function requestAndConfirm(
  world: World,
  userId: string,
  command: string,
  options: Readonly<Record<string, string | number | boolean>> = {},
  how: { readonly sendAnyway?: boolean } = {},
): Promise<{ confirmation: EmulatedMessage; actionId: string; click: InteractionRecord; outcome: EmulatedMessage }> {
  const { message: confirmation } = await world.command(userId, command, options);
  const actionId = actionIdOf(confirmation);
  let click = world.discord.clickLabel(userId, confirmation.id, 'Confirm');
  await world.discord.acknowledged(click);
  if (how.sendAnyway === true) {
    await world.discord.waitFor(() => buttonsOf(current(world, confirmation)).some((button) => button.label === 'Send anyway' && !button.disabled), 'the Send anyway button');
    click = world.discord.clickLabel(userId, confirmation.id, 'Send anyway');
    await world.discord.acknowledged(click);
  }
  const outcome = await world.discord.settled(click, isSettled, `the outcome of /${command}`);
  return { confirmation, actionId, click, outcome };
}

/** A short pause, for anything a scenario must show did NOT happen (a retry, a second send). */
export async function settle(ms = 150): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** The message as it is now (after the bot's edits). */
export function current(world: World, message: EmulatedMessage): EmulatedMessage {
  return world.discord.messages.get(message.id) ?? message;
}

/** Waits for a message posted for everyone (not ephemeral) since `since` whose text matches. */
export function channelPost(world: World, since: number, pattern: RegExp, what = `a channel message matching ${pattern}`): Promise<EmulatedMessage> {
  return world.discord.waitFor(
    () => [...world.discord.messages.values()].find((message) => message.visibleTo === undefined && message.createdAt >= since && pattern.test(textOf(message))),
    what,
  );
}

/** Every message posted for everyone since `since` whose text matches (to show something was NOT posted). */
export function channelPosts(world: World, since: number, pattern: RegExp): EmulatedMessage[] {
  return [...world.discord.messages.values()].filter((message) => message.visibleTo === undefined && message.createdAt >= since && pattern.test(textOf(message)));
}

/** Log rows written since `since` (by time), oldest first. */
export async function rowsSince(world: World, since: number): Promise<LogRow[]> {
  return (await world.log()).filter((row) => row.at_ms >= since);
}

/** The #seq of every event post in the audit channel, in the order they arrived. */
export function postedSeqs(posts: readonly EmulatedMessage[]): number[] {
  return posts.flatMap((message) => {
    const match = /^\*\*#(\d+)\*\*/.exec(textOf(message));
    return match === null ? [] : [Number(match[1])];
  });
}

/** Waits until the audit channel has posted every row the log holds. */
export async function auditCaughtUp(world: World, timeoutMs = 15_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const logged = (await world.log()).map((row) => row.seq);
    const posted = postedSeqs(world.auditPosts());
    if (posted.length >= logged.length && logged.every((seq) => posted.includes(seq))) return logged;
    if (Date.now() > deadline) throw new Error(`the audit channel posted ${posted.length} of ${logged.length} rows`);
    await settle(100);
  }
}
