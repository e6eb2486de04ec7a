// The bot runs compiled (`npm ci` builds dist/ in its `prepare` step and
// `npm start` runs node on it), so tests, the demo and the benchmark build once
// before starting it, then run exactly the command in package.json's scripts.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the bot and the operator scripts run from: this checkout, or PMBOT_APP_DIR, a
 * production install that built its own dist/ (.ci/run points the end-to-end tests at one).
 */
export const ROOT = process.env.PMBOT_APP_DIR ?? fileURLToPath(new URL('../..', import.meta.url));
/** The tsconfig files a process (or vitest's global setup) has already built, comma-separated. */
const BUILT_FLAG = 'PMBOT_DIST_BUILT';

/**
 * Compiles to dist/ (about half a second), once per process tree: by default
 * what a production install builds (src/ and commands/); the benchmark adds its worker.
 */
export function ensureBuilt(project = 'tsconfig.build.json'): void {
  const built = (process.env[BUILT_FLAG] ?? '').split(',');
  if (built.includes(project) || process.env.PMBOT_APP_DIR !== undefined) return;
  const tsc = join(ROOT, 'node_modules', '.bin', 'tsc');
  const result = spawnSync(tsc, ['-p', project], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`the build failed:\n${result.stdout}${result.stderr}`);
  process.env[BUILT_FLAG] = [...built.filter((name) => name !== ''), project].join(',');
}

/**
 * The command an npm script runs: the part after the last `&&`, which must be
 * a `node` command; `node` is replaced by this Node binary.
 */
export function scriptCommand(script: string): { command: string; args: string[] } {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const run = manifest.scripts[script]?.split('&&').at(-1)?.trim().split(/\s+/) ?? [];
  if (run[0] !== 'node') throw new Error(`the ${script} script no longer ends with a node command: ${manifest.scripts[script]}`);
  return { command: process.execPath, args: run.slice(1) };
}

/** The command `npm start` runs. */
export function startCommand(): { command: string; args: string[] } {
  return scriptCommand('start');
}

/**
 * Runs an npm script's node command (e.g. `health`, `backup`) as an operator
 * would, with only this environment. Asynchronous: the local Discord and
 * Binance may live in the calling process and must keep answering.
 */
export async function runScript(
  script: string,
  args: readonly string[],
  env: Readonly<Record<string, string>>,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  ensureBuilt();
  const { command, args: base } = scriptCommand(script);
  const child = spawn(command, [...base, ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const [status] = (await once(child, 'exit')) as [number | null];
  return { status, stdout, stderr };
}
