// The bot runs compiled (`npm start` builds to dist/ and runs node on it), so
// tests, the demo and the benchmark build once before starting it, then run
// exactly the command in package.json's start script.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Set once a process (or vitest's global setup) has built dist/. */
const BUILT_FLAG = 'PMBOT_DIST_BUILT';

/** Compiles src/ and commands/ to dist/ (about half a second), once per process tree. */
export function ensureBuilt(): void {
  if (process.env[BUILT_FLAG] === '1') return;
  const tsc = join(ROOT, 'node_modules', '.bin', 'tsc');
  const result = spawnSync(tsc, ['-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`the build failed:\n${result.stdout}${result.stderr}`);
  process.env[BUILT_FLAG] = '1';
}

/**
 * The command `npm start` runs after building: the part of the start script
 * after `&&`, with `node` replaced by this Node binary.
 */
export function startCommand(): { command: string; args: string[] } {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const run = manifest.scripts.start?.split('&&').at(-1)?.trim().split(/\s+/) ?? [];
  if (run[0] !== 'node') throw new Error(`the start script no longer ends with a node command: ${manifest.scripts.start}`);
  return { command: process.execPath, args: run.slice(1) };
}
