// `npm run verify-log -- [DATABASE] [--anchors FILE]`: checks the action log
// and names the first row that cannot be trusted. It changes nothing beside
// the file (no migration, no write, no checkpoint; with a -wal beside it, it
// reads a private copy), so it is safe on a live bot's database, on a killed
// one's and on a copy under investigation. With AUDIT_LOG_KEY (environment or
// .env) it checks a keyed chain and the MACs of the bot's anchor posts; with
// anchors (`seq hash` lines, as the audit channel posts them) it also catches
// a cut tail and a chain recomputed after an edit; and it checks the schema.
// Exit codes: 0 intact, 1 broken, 2 usage error, no database, or a keyed
// chain that cannot be checked without its key.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, loadLogCheckConfig, readEnvironment } from './config.ts';
import { loadAnchorsFile, type Anchor } from './store/anchors.ts';
import { checkLogFile, type LogFileCheck, type LogVerdict } from './store/log-checks.ts';

const USAGE = `Usage: npm run verify-log -- [DATABASE] [--anchors FILE]
  DATABASE        the bot's SQLite file (default: DATABASE_PATH, or ./data/bot.sqlite)
  --anchors FILE  anchors to check: "seq hash" lines, or the audit channel's anchor posts copied
AUDIT_LOG_KEY (environment or .env) checks a keyed chain.
Exit codes: 0 intact, 1 broken, 2 usage error, no database, or a keyed chain without its key.
`;

type Exit = 0 | 1 | 2;

function usageError(message: string): Exit {
  process.stderr.write(`${message}\n\n${USAGE}`);
  return 2;
}

async function main(argv: readonly string[]): Promise<Exit> {
  let args: ReturnType<typeof parseArgs<{ options: { anchors: { type: 'string' }; help: { type: 'boolean'; short: 'h' } }; allowPositionals: true }>>;
  try {
    args = parseArgs({ args: [...argv], options: { anchors: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (error) {
    return usageError(error instanceof Error ? error.message : String(error));
  }
  if (args.values.help === true) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (args.positionals.length > 1) return usageError(`Give one database path, not ${args.positionals.length}.`);

  let config: ReturnType<typeof loadLogCheckConfig>;
  try {
    config = loadLogCheckConfig(readEnvironment());
  } catch (error) {
    if (error instanceof ConfigError) return usageError(error.problems.join('\n'));
    throw error;
  }
  const path = args.positionals[0] ?? config.databasePath;
  if (!existsSync(path)) return usageError(`No database at ${path}. Pass its path, or set DATABASE_PATH.`);

  let anchors: Anchor[] | undefined;
  if (args.values.anchors !== undefined) {
    const loaded = loadAnchorsFile(args.values.anchors);
    if ('problem' in loaded) return usageError(loaded.problem);
    anchors = loaded.anchors;
  }

  let checked: LogFileCheck;
  try {
    checked = await checkLogFile(path, { key: config.auditLogKey, anchors });
  } catch (error) {
    return usageError(`Cannot read ${path} read-only: ${error instanceof Error ? error.message : String(error)}.`);
  }
  if (checked.kind === 'no-log') return usageError(`${path} holds no action log: is it the bot's database?`);
  const { verdict } = checked;
  process.stdout.write(report(path, config.auditLogKey !== undefined, verdict));
  return verdict.status === 'intact' ? 0 : verdict.status === 'broken' ? 1 : 2;
}

function report(path: string, keyed: boolean, verdict: LogVerdict): string {
  const lines = [`Action log ${path} (opened read-only${keyed ? ', AUDIT_LOG_KEY given' : ', no AUDIT_LOG_KEY'}):`];
  for (const result of verdict.results) {
    lines.push(`  ${result.name.padEnd(8)} ${result.status.padEnd(10)} ${result.summary}`);
    for (const note of result.notes) lines.push(`  ${''.padEnd(8)} ${''.padEnd(10)} note: ${note}`);
  }
  switch (verdict.status) {
    case 'intact':
      lines.push('Action log intact: every check passed.');
      break;
    case 'broken':
      lines.push(
        verdict.firstBadSeq !== undefined
          ? `Action log BROKEN: the first row that cannot be trusted is row ${verdict.firstBadSeq}.`
          : verdict.results.some((result) => result.name === 'schema' && result.status === 'broken')
            ? "Action log BROKEN: the database's schema is not what the migrations made (a trigger, table or index was added, changed or removed); see above."
            : 'Action log BROKEN: the tables of who may do what (grants, policies, the freeze) are not what the log explains; see above.',
      );
      break;
    case 'incomplete':
      lines.push('Action log NOT fully checked: see the notes above.');
      break;
    default: {
      const unreachable: never = verdict.status;
      throw new Error(`unknown verdict ${String(unreachable)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

process.exitCode = await main(process.argv.slice(2));
