// `npm run verify-log [database path]`: walks the action log's hash chain and
// names the first row that was edited or deleted. Exit code 0 when intact, 1
// when broken. Reads DATABASE_PATH (or the argument) only; needs no other setting.
import { existsSync } from 'node:fs';
import { readEnvironment } from './config.ts';
import { openStore } from './store/index.ts';

const path = process.argv[2] ?? readEnvironment().DATABASE_PATH ?? './data/bot.sqlite';
if (!existsSync(path)) {
  process.stderr.write(`No database at ${path}. Pass its path, or set DATABASE_PATH.\n`);
  process.exit(2);
}
const store = await openStore(path);
try {
  const verdict = await store.log.verify();
  if (verdict.ok) {
    process.stdout.write(`Action log intact: ${verdict.rows} rows, chain verified up to row ${verdict.lastSeq}.\n`);
  } else {
    process.stdout.write(`Action log BROKEN at row ${verdict.seq}: ${verdict.reason}. ${verdict.rows} rows before it verified.\n`);
    process.exitCode = 1;
  }
} finally {
  await store.close();
}
