// Builds dist/ once for the whole run, before any worker starts a bot process;
// afterwards, fails the run if any bot process outlived its test (and kills it).
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { resolve } from 'node:path';
import { ensureBuilt, ROOT } from './support/build.ts';

export default function setup(): () => void {
  ensureBuilt();
  return () => {
    const leftovers = botProcesses();
    for (const pid of leftovers) process.kill(pid, 'SIGKILL');
    if (leftovers.length > 0) {
      // A teardown's exception is only printed; the exit code is what CI sees.
      console.error(`FAIL: bot processes outlived the tests (killed now): ${leftovers.join(', ')}`);
      process.exitCode = 1;
    }
  };
}

/**
 * Processes running this checkout's dist/src/main.js (Linux /proc; elsewhere none are found): named by
 * its absolute path, or started in it. Not other checkouts' bots: their own runs account for those.
 */
function botProcesses(): number[] {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  return pids
    .filter((pid) => {
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        return cmdline.includes('dist/src/main.js') && (cmdline.includes(ROOT) || resolve(readlinkSync(`/proc/${pid}/cwd`)) === resolve(ROOT));
      } catch {
        return false;
      }
    })
    .map(Number);
}
