// The pure pieces of the Discord layer: zod → option JSON, the command set,
// the command-sync comparison, custom ids and the message limits.
import { ApplicationCommandOptionType } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ENDPOINTS } from '../../commands/index.ts';
import type { BinanceOutcome } from '../binance/index.ts';
import { actionDigest, DIGEST_LENGTH, proposalDigest } from '../actions/click-digest.ts';
import type { PendingAction } from '../store/index.ts';
import { sameDefinitions } from './command-sync.ts';
import { pageButtons, pageId, parsePageId, slicePage } from './pages.ts';
import { changeText } from './change-text.ts';
import { parseProposalCustomId, proposalCustomId } from './proposal-flow.ts';
import { customId, embed, embedLength, LIMITS, outcomeMessage, parseCustomId } from './render.ts';
import { sendAnywayPrompt } from './live-state-text.ts';
import { slashCommands } from './slash-commands.ts';
import { DISCORD_USER, optionsFromSchema } from './slash-options.ts';

describe('optionsFromSchema', () => {
  it('maps descriptions, types, lengths, enums, bounds, optionality and autocomplete', () => {
    const schema = z.object({
      note: z.string().max(10).optional().describe('A note'),
      name: z.string().trim().min(2).max(20).describe('A name'),
      side: z.enum(['BUY', 'SELL']).describe('A side'),
      on: z.boolean().describe('On or off'),
      count: z.number().int().min(1).max(5).describe('How many'),
      who: z.string().meta({ ...DISCORD_USER, description: 'Someone' }),
      amount: z.string().max(40).transform((text) => text).optional().describe('An amount'),
    });
    expect(optionsFromSchema(schema, { name: true })).toEqual([
      { name: 'name', description: 'A name', required: true, type: ApplicationCommandOptionType.String, min_length: 2, max_length: 20, autocomplete: true },
      { name: 'side', description: 'A side', required: true, type: ApplicationCommandOptionType.String, choices: [{ name: 'BUY', value: 'BUY' }, { name: 'SELL', value: 'SELL' }] },
      { name: 'on', description: 'On or off', required: true, type: ApplicationCommandOptionType.Boolean },
      { name: 'count', description: 'How many', required: true, type: ApplicationCommandOptionType.Integer, min_value: 1, max_value: 5 },
      { name: 'who', description: 'Someone', required: true, type: ApplicationCommandOptionType.User },
      { name: 'note', description: 'A note', required: false, type: ApplicationCommandOptionType.String, max_length: 10 },
      { name: 'amount', description: 'An amount', required: false, type: ApplicationCommandOptionType.String, max_length: 40 },
    ]);
  });

  it('refuses an option without a description, or of a type Discord cannot show', () => {
    expect(() => optionsFromSchema(z.object({ x: z.string() }))).toThrow(/option x: needs a .describe\(\)/);
    expect(() => optionsFromSchema(z.object({ x: z.array(z.string()).describe('X') }))).toThrow(/has no Discord option type/);
  });
});

describe('slashCommands', () => {
  const commands = slashCommands(ENDPOINTS);

  // The `account` options are there on a one-account bot too (the lead's contract decision): a command written
  // with `account:main` runs on every desk. On one account, `account` is optional and suggests `main`.
  it('declares the contract: /pm, /pm-pro, /futures, /access, /audit, /status, /freeze, guild-only, `account` on every command that takes one', () => {
    expect(commands.map((command) => command.name)).toEqual(['pm', 'pm-pro', 'futures', 'access', 'audit', 'status', 'freeze']);
    for (const command of commands) expect(command.contexts).toEqual([0]);
    const sub = (name: string, subcommand: string) =>
      commands.find((c) => c.name === name)?.options?.find((o) => o.name === subcommand) as { options?: Array<{ name: string; required?: boolean }> } | undefined;
    expect(sub('pm', 'repay-debt')?.options?.map((o) => [o.name, o.required])).toEqual([
      ['asset', true],
      ['amount', false],
      ['specify-repay-assets', false],
      ['account', false],
    ]);
    expect(sub('pm', 'repay-negative-balance')?.options?.map((o) => [o.name, o.required])).toEqual([['account', false]]);
    expect(sub('pm-pro', 'auto-repay-futures')?.options?.map((o) => [o.name, o.required])).toEqual([
      ['enabled', true],
      ['account', false],
    ]);
    expect(sub('pm-pro', 'bankruptcy-repay')?.options?.map((o) => [o.name, o.required])).toEqual([
      ['from', false],
      ['account', false],
    ]);
    expect(sub('futures', 'margin-type')?.options?.map((o) => [o.name, o.required])).toEqual([
      ['symbol', true],
      ['margin-type', true],
      ['account', false],
    ]);
    expect(sub('futures', 'margin-type')?.options?.find((o) => o.name === 'account')).toMatchObject({ autocomplete: true });
    expect(sub('access', 'grant')?.options?.map((o) => o.name)).toEqual(['user', 'action', 'max-amount', 'asset', 'role', 'daily-max', 'account']);
    expect(sub('access', 'revoke')?.options?.map((o) => o.name)).toEqual(['user', 'action', 'account']);
    expect(sub('access', 'list')?.options?.map((o) => o.name)).toEqual(['user']);
    expect(sub('freeze', 'on')?.options?.map((o) => [o.name, o.required])).toEqual([['reason', true]]);
    expect(sub('freeze', 'off')?.options).toEqual([]);
    expect(sub('access', 'policy')?.options?.map((o) => o.name)).toEqual(['action', 'approvals', 'account']);
    for (const subcommand of ['grant', 'revoke', 'policy']) {
      const account = sub('access', subcommand)?.options?.find((o) => o.name === 'account') as { choices?: Array<{ value: string }> } | undefined;
      expect(account?.choices?.map((choice) => choice.value)).toEqual(['*', 'main']);
    }
    expect(sub('audit', 'recent')?.options?.map((o) => o.name)).toEqual(['user', 'action', 'limit', 'account']);
  });

  it('keeps within Discord’s rules: names, descriptions, option counts, required first', () => {
    const check = (options: ReadonlyArray<{ name: string; description: string; required?: boolean; options?: unknown; choices?: unknown[] }> = []) => {
      expect(options.length).toBeLessThanOrEqual(25);
      let optionalSeen = false;
      for (const option of options) {
        expect(option.name).toMatch(/^[-_\p{Ll}\p{N}]{1,32}$/u);
        expect(option.description.length).toBeGreaterThan(0);
        expect(option.description.length).toBeLessThanOrEqual(100);
        if (option.required === true) expect(optionalSeen).toBe(false);
        else optionalSeen = true;
        expect((option.choices ?? []).length).toBeLessThanOrEqual(25);
        check(option.options as typeof options);
      }
    };
    for (const command of commands) check([{ ...command, required: true } as never]);
  });
});

describe('sameDefinitions', () => {
  const ours = slashCommands(ENDPOINTS);
  it('treats Discord’s copy (ids, versions, filled defaults, other order) as the same', () => {
    const fromDiscord = [...ours].reverse().map((command, index) => ({
      ...command,
      id: `90000000000000000${index}`,
      application_id: '1',
      version: '1',
      default_member_permissions: null,
      nsfw: false,
      dm_permission: false,
    }));
    expect(sameDefinitions(fromDiscord, ours)).toBe(true);
  });
  it('notices a changed description, a new option, a missing command', () => {
    const changed = structuredClone(ours);
    changed[0]!.description = 'Something else';
    expect(sameDefinitions(changed, ours)).toBe(false);
    expect(sameDefinitions(ours.slice(1), ours)).toBe(false);
    expect(sameDefinitions([], ours)).toBe(false);
  });
});

describe('proposals in Discord', () => {
  it('carry only a verb, the opaque proposal id and the digest of what was proposed in their buttons, apart from the pipeline’s', () => {
    const id = 'AbCdEfGhIjKlMnOpQrStUv';
    const digest = proposalDigest({ makerId: '100000000000000003', targetUserId: '100000000000000002', change: { kind: 'revoke', user: '100000000000000002', action: 'pm.repay-debt', account: '*' }, needsRoot: false, expiresAt: 1 });
    expect(proposalCustomId('approve', id, digest)).toBe(`pmprop:approve:${id}:${digest}`);
    expect(proposalCustomId('approve', id, digest).length).toBeLessThanOrEqual(100);
    expect(parseProposalCustomId(`pmprop:reject:${id}:${digest}`)).toEqual({ verb: 'reject', proposalId: id, digest });
    expect(parseProposalCustomId(`pmprop:reject:${id}`)).toEqual({ verb: 'reject', proposalId: id, digest: undefined });
    expect(parseProposalCustomId(`pmbot:approve:${id}`)).toBeUndefined();
    expect(parseCustomId(`pmprop:approve:${id}`)).toBeUndefined();
  });

  it('say each change in plain words, with the people mentioned', () => {
    expect(changeText({ kind: 'grant', user: '100000000000000002', action: 'pm.repay-debt', account: '*', role: 'requester', caps: [{ asset: 'BTC', maxAmount: '1', dailyMax: '5' }] })).toBe(
      'grant `pm.repay-debt` to <@100000000000000002> as requester (caps: 1 BTC per request, 5 BTC per 24 h)',
    );
    expect(changeText({ kind: 'revoke', user: '100000000000000002', action: 'audit.read', account: 'sub1' })).toBe('revoke `audit.read` on account sub1 from <@100000000000000002>');
    expect(changeText({ kind: 'policy', action: 'futures.margin-type', account: '*', approvals: 0 })).toMatch(/run on its requester's confirmation alone \(approvals: 0\)/);
    expect(changeText({ kind: 'unfreeze' })).toBe('release the freeze');
  });
});

describe('buttons and limits', () => {
  it('puts only a verb, the opaque id and the digest of the request in a custom_id, within 100 characters, and parses it back', () => {
    const id = 'AbCdEfGhIjKlMnOpQrStUv';
    const digest = actionDigest({
      actionKey: 'pm-pro.auto-repay-futures',
      requesterId: '12345678901234567890',
      account: 'main',
      family: 'papi',
      method: 'POST',
      path: '/papi/v1/margin/repay-debt',
      params: `asset=BTC&amount=${'9'.repeat(40)}`,
      target: { baseUrl: 'https://papi.binance.com', dryRun: false },
      amount: { asset: 'BTC', amount: '9'.repeat(40) },
      approvalsRequired: 1,
      expiresAt: 9_999_999_999_999,
    });
    expect(digest).toHaveLength(DIGEST_LENGTH);
    expect(customId('confirm', id, digest)).toBe(`pmbot:confirm:${id}:${digest}`);
    // Ids are 22 characters (16 random bytes); the longest verb with both fits Discord's 100 with room to spare.
    expect(customId('approve', id, digest).length).toBeLessThanOrEqual(100);
    expect(parseCustomId(`pmbot:approve:${id}:${digest}`)).toEqual({ verb: 'approve', actionId: id, digest });
    // Send anyway is a Confirm clicked a second time on purpose: it carries the same digest (the longest verb, still within 100).
    expect(customId('send-anyway', id, digest).length).toBeLessThanOrEqual(100);
    expect(parseCustomId(customId('send-anyway', id, digest))).toEqual({ verb: 'send-anyway', actionId: id, digest });
    const prompt = sendAnywayPrompt([], id, digest, 'an identical request is UNKNOWN');
    expect(prompt.components.flatMap((row) => row.components.map((button) => ('custom_id' in button ? button.custom_id : undefined)))).toEqual([
      `pmbot:send-anyway:${id}:${digest}`,
      `pmbot:cancel:${id}:${digest}`,
    ]);
    // An older version's button (no digest) parses, so that the router can say why it does nothing.
    expect(parseCustomId(`pmbot:approve:${id}`)).toEqual({ verb: 'approve', actionId: id, digest: undefined });
    expect(parseCustomId(`pmbot:approve:${id}:short`)).toBeUndefined();
    expect(parseCustomId('pmbot:drop:x')).toBeUndefined();
    expect(parseCustomId('other')).toBeUndefined();
  });

  it('cuts any embed to Discord’s limits', () => {
    const huge = embed({
      title: 't'.repeat(400),
      description: 'd'.repeat(5000),
      fields: Array.from({ length: 40 }, (_, i) => ({ name: `n${i}`.repeat(100), value: 'v'.repeat(2000) })),
      footer: { text: 'f'.repeat(3000) },
    });
    expect(huge.title!.length).toBeLessThanOrEqual(LIMITS.title);
    expect(huge.description!.length).toBeLessThanOrEqual(LIMITS.description);
    expect(huge.fields!.length).toBeLessThanOrEqual(LIMITS.fields);
    for (const field of huge.fields!) {
      expect(field.name.length).toBeLessThanOrEqual(LIMITS.fieldName);
      expect(field.value.length).toBeLessThanOrEqual(LIMITS.fieldValue);
    }
    expect(embedLength(huge)).toBeLessThanOrEqual(LIMITS.total);
  });

  it('renders a huge Binance error within limits, and an id above 2^53 exactly', () => {
    const endpoint = ENDPOINTS.find((e) => e.actionKey === 'pm-pro.bankruptcy-repay')!;
    const action = { id: 'AbCdEfGhIjKlMnOpQrStUv', requesterTag: 'alice', finishedAt: 0 } as PendingAction;
    const request = { family: 'sapi', method: 'POST', path: '/sapi/v1/portfolio/repay', params: 'recvWindow=5000&timestamp=1' } as const;
    const rejected: BinanceOutcome = { kind: 'rejected', request, status: 400, code: -1000, message: 'x'.repeat(10_000), explanation: 'y'.repeat(10_000), latencyMs: 1 };
    const body = outcomeMessage(endpoint, action, rejected, 'alice');
    expect(embedLength(body.embeds[0]!)).toBeLessThanOrEqual(LIMITS.total);
    const success: BinanceOutcome = { kind: 'success', request, status: 200, body: { tranId: '58203331886213504' }, latencyMs: 3 };
    expect(JSON.stringify(outcomeMessage(endpoint, action, success, 'alice'))).toContain('`58203331886213504`');
  });
});

describe('pages', () => {
  it('round-trips the widest /audit state within 100 characters', () => {
    const state = { kind: 'audit' as const, page: 33, args: ['9007199254740991', '500', '12345678901234567890', 'pm-pro.auto-repay-futures'] };
    const id = pageId(state);
    expect(id.length).toBeLessThanOrEqual(100);
    expect(parsePageId(id)).toEqual(state);
  });

  it('refuses what cannot travel, and ids that are not its own', () => {
    expect(() => pageId({ kind: 'grants', page: 0, args: ['a:b'] })).toThrow(/cannot travel/);
    expect(parsePageId('pmbot:confirm:abcdefabcdefabcdef')).toBeUndefined();
    expect(parsePageId('pmpage:audit:label')).toBeUndefined();
    expect(parsePageId('pmpage:other:1:x')).toBeUndefined();
  });

  it('draws no buttons for one page, and three unique ones otherwise', () => {
    expect(pageButtons({ kind: 'grants', page: 0, args: ['-'] }, 1)).toEqual([]);
    const [row] = pageButtons({ kind: 'grants', page: 0, args: ['-'] }, 2);
    const ids = row?.components.map((button) => ('custom_id' in button ? button.custom_id : '')) ?? [];
    expect(new Set(ids).size).toBe(3);
    expect(row?.components.map((button) => button.disabled)).toEqual([true, true, false]);
  });

  it('clamps a page past the end to the last one', () => {
    expect(slicePage([1, 2, 3, 4, 5], 9, 2)).toEqual({ items: [5], page: 2, pageCount: 3 });
    expect(slicePage([], 0, 2)).toEqual({ items: [], page: 0, pageCount: 1 });
  });
});
