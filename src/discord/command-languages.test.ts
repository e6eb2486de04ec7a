// The registered command JSON in both languages: every description and choice
// label carries en-US and zh-CN (en-US equal to the default, so an en-US user
// never falls back to en-GB), names stay the contract's in every language,
// each field keeps Discord's per-field limit and each command its 8,000-
// character budget as Discord counts it (the local Discord's own rules).
import { describe, expect, it } from 'vitest';
import { ENDPOINTS } from '../../commands/index.ts';
import { MAX_LISTED_ACCOUNTS } from '../config-accounts.ts';
import { checkCommands, commandSize, COMMAND_SIZE_LIMIT } from '../../test/emulators/discord/rules.ts';
import { sameDefinitions } from './command-sync.ts';
import { slashCommands } from './slash-commands.ts';

interface Node {
  readonly name: string;
  readonly description?: string;
  readonly name_localizations?: Record<string, string>;
  readonly description_localizations?: Record<string, string>;
  readonly options?: readonly Node[];
  readonly choices?: readonly Node[];
  readonly value?: unknown;
}

const commands = slashCommands(ENDPOINTS) as unknown as Node[];

/** Every command, subcommand, option and choice, with where it is. */
function everyNode(nodes: readonly Node[], path = ''): Array<{ node: Node; path: string; kind: 'described' | 'choice' }> {
  return nodes.flatMap((node) => [
    { node, path: `${path}/${node.name}`, kind: 'described' as const },
    ...(node.choices ?? []).map((choice) => ({ node: choice, path: `${path}/${node.name}=${String(choice.value)}`, kind: 'choice' as const })),
    ...everyNode(node.options ?? [], `${path}/${node.name}`),
  ]);
}

describe('the command JSON in both languages', () => {
  const nodes = everyNode(commands);

  it('gives every description zh-CN and en-US, the en-US one equal to the default, each 1 to 100 characters', () => {
    for (const { node, path } of nodes.filter((entry) => entry.kind === 'described')) {
      expect(Object.keys(node.description_localizations ?? {}).sort(), path).toEqual(['en-US', 'zh-CN']);
      expect(node.description_localizations?.['en-US'], path).toBe(node.description);
      for (const text of Object.values(node.description_localizations ?? {})) expect([...text].length, path).toBeLessThanOrEqual(100);
      expect(node.description_localizations?.['zh-CN'], path).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('labels every choice in zh-CN and en-US (1 to 100 characters) and keeps its value the contract name', () => {
    const choices = nodes.filter((entry) => entry.kind === 'choice');
    expect(choices.length).toBeGreaterThan(20);
    for (const { node, path } of choices) {
      expect(Object.keys(node.name_localizations ?? {}).sort(), path).toEqual(['en-US', 'zh-CN']);
      expect(node.name_localizations?.['en-US'], path).toBe(node.name);
      for (const text of Object.values(node.name_localizations ?? {})) expect([...text].length, path).toBeLessThanOrEqual(100);
      expect(node.name_localizations?.['zh-CN'], path).toContain(String(node.value));
    }
  });

  it('keeps command, subcommand and option names the same in every language', () => {
    for (const { node, path } of nodes.filter((entry) => entry.kind === 'described')) expect(node.name_localizations, path).toBeUndefined();
  });

  it("fits Discord's budget: each command within 8,000 characters with the longest localization of each field counted, and nothing Discord would refuse", () => {
    for (const command of commands) expect(commandSize(command as never), command.name).toBeLessThanOrEqual(COMMAND_SIZE_LIMIT);
    expect(checkCommands(commands)).toEqual([]);
  });

  it("fits Discord's budget with the most accounts the configuration allows: main and 23 more, each name 20 characters, every one able to run every command", () => {
    const names = ['main', ...Array.from({ length: MAX_LISTED_ACCOUNTS }, (_, index) => `account_${String(index).padStart(2, '0')}_xxxxxxxx`)];
    expect(names.every((name) => name.length <= 20)).toBe(true);
    const widest = slashCommands(ENDPOINTS, { names, runnable: () => names }) as unknown as Node[];
    for (const command of widest) expect(commandSize(command as never), command.name).toBeLessThanOrEqual(COMMAND_SIZE_LIMIT);
    expect(checkCommands(widest)).toEqual([]);
    // /access offers `*` and every account: Discord's 25 choices, exactly.
    const grant = widest.find((c) => c.name === 'access')?.options?.find((o) => o.name === 'grant');
    expect(grant?.options?.find((o) => o.name === 'account')?.choices).toHaveLength(25);
  });

  it("says the endpoints in Binance's own Chinese words", () => {
    const zh = (command: string, sub: string) =>
      commands.find((c) => c.name === command)?.options?.find((o) => o.name === sub)?.description_localizations?.['zh-CN'];
    expect(zh('pm', 'repay-debt')).toContain('杠杆账户还款');
    expect(zh('pm', 'repay-negative-balance')).toContain('清还合约负余额');
    expect(zh('pm-pro', 'auto-repay-futures')).toContain('更改自动清还合约负余额模式');
    expect(zh('pm-pro', 'bankruptcy-repay')).toContain('偿还统一账户专业版穿仓负债');
    expect(zh('futures', 'margin-type')).toContain('变换逐全仓模式');
    const marginType = commands.find((c) => c.name === 'futures')?.options?.[0]?.options?.find((o) => o.name === 'margin-type');
    expect(marginType?.choices?.map((choice) => choice.name_localizations?.['zh-CN'])).toEqual(['ISOLATED（逐仓）', 'CROSSED（全仓）']);
  });

  it('syncs a changed translation: the comparison with what Discord holds covers the localizations', () => {
    const changed = structuredClone(commands) as Array<{ description_localizations?: Record<string, string> }>;
    const first = changed[0];
    if (first?.description_localizations !== undefined) first.description_localizations['zh-CN'] = '别的描述';
    expect(sameDefinitions(changed, commands)).toBe(false);
    expect(sameDefinitions(structuredClone(commands), commands)).toBe(true);
  });
});
