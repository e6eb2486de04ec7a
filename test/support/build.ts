// The bot runs compiled (`npm ci` builds dist/ in its `prepare` step and
// `npm start` runs node on it), so tests, the demo and the benchmark build once
// before starting it, then run exactly the command in package.json's scripts.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
 * Starts an npm script's node command as an operator would: its entry point by
 * absolute path, in `cwd` — an empty folder of the caller's, so no `.env` of a
 * developer's checkout is read — with only `env` (and PATH). The one way tests,
 * the demo and the benchmark run the bot and the operator scripts.
 */
export function spawnScript(script: string, args: readonly string[], options: { readonly env: Readonly<Record<string, string>>; readonly cwd: string }): ChildProcess {
  ensureBuilt();
  const { command, args: base } = scriptCommand(script);
  const absolute = base.map((arg) => (arg.endsWith('.js') ? join(ROOT, arg) : arg));
  return spawn(command, [...absolute, ...args], { cwd: options.cwd, env: { PATH: process.env.PATH ?? '', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * Runs an npm script's node command (e.g. `health`, `backup`, `verify-log`) to
 * its end, with only this environment, in `cwd` (default: a fresh empty folder,
 * removed afterwards). Asynchronous: the local Discord and Binance may live in
 * the calling process and must keep answering.
 */
export async function runScript(
  script: string,
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  options: { readonly cwd?: string } = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const cwd = options.cwd ?? mkdtempSync(join(tmpdir(), `${script}-`));
  try {
    const child = spawnScript(script, args, { env, cwd });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const [status] = (await once(child, 'exit')) as [number | null];
    return { status, stdout, stderr };
  } finally {
    if (options.cwd === undefined) rmSync(cwd, { recursive: true, force: true });
  }
}
