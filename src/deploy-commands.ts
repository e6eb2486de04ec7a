// `npm run deploy-commands`: only the slash-command sync, without starting the bot.
// It reads no Binance key, so every configured account counts as able to run
// every command; the bot's own sync at start-up narrows the `account` options
// to what each key check found.
import { REST } from 'discord.js';
import { ENDPOINTS } from '../commands/index.ts';
import { ConfigError, loadConfig } from './config.ts';
import { syncCommands } from './discord/command-sync.ts';
import { slashCommands } from './discord/slash-commands.ts';

try {
  const config = loadConfig();
  const rest = new REST({ api: config.discord.apiUrl }).setToken(config.discord.token.reveal());
  const target = { applicationId: config.discord.clientId, guildId: config.discord.guildId };
  const names = config.binance.accounts.map((account) => account.name);
  const result = await syncCommands(rest, target, slashCommands(ENDPOINTS, { names, runnable: () => names }));
  const scope = target.guildId === undefined ? 'global (may take up to an hour to show)' : `guild ${target.guildId}`;
  process.stdout.write(`Slash commands ${result === 'updated' ? 'updated' : 'already up to date'}: ${scope}.\n`);
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError ? error.message : `Command sync failed: ${error instanceof Error ? error.message : String(error)}`}\n`);
  process.exitCode = error instanceof ConfigError ? 2 : 1;
}
