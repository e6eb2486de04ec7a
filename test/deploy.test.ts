// The deployment files say the same as the code they run: the image's CMD and
// HEALTHCHECK are the npm scripts' node commands, the build stage copies what
// the production build compiles (and .dockerignore lets exactly that through),
// and every stop timeout outlasts the shutdown drain. Docker cannot run here;
// .ci/run installs what the Dockerfile's stages copy and runs the bot from it.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AUDIT_DRAIN_MS, BINANCE_CLOSE_MS, DRAIN_MS } from '../src/main.ts';

const CHECKOUT = fileURLToPath(new URL('..', import.meta.url));
const read = (file: string) => readFileSync(join(CHECKOUT, file), 'utf8');
const manifest = JSON.parse(read('package.json')) as { scripts: Record<string, string>; dependencies: Record<string, string> };
const dockerfile = read('Dockerfile');
const compose = read('compose.yaml');
const unit = read('deploy/binance-pm-bot.service');
/** The shutdown's longest path, in seconds, before Discord and the database close. */
const drainSeconds = (DRAIN_MS + BINANCE_CLOSE_MS + AUDIT_DRAIN_MS) / 1000;

/** Instructions with their continuation lines joined, comments dropped. */
function instructions(): string[] {
  return dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

function stages(): string[][] {
  const result: string[][] = [];
  for (const line of instructions()) {
    if (line.startsWith('FROM ')) result.push([]);
    result.at(-1)?.push(line);
  }
  return result;
}

const execForm = (line: string | undefined) => JSON.parse(line?.replace(/^.*?(\[.*\])$/, '$1') ?? 'null') as string[];
const nodeCommand = (script: string) => (manifest.scripts[script] ?? '').split(/\s+/);

describe('Dockerfile', () => {
  it('builds and runs on the same Debian-slim Node 20 base, in two stages', () => {
    const base = /^ARG NODE_IMAGE=(\S+)$/m.exec(dockerfile)?.[1];
    expect(base).toMatch(/^node:20-(bookworm|bullseye|trixie)-slim(@sha256:[0-9a-f]{64})?$/);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the Dockerfile's own build argument, not a template
    expect(instructions().filter((line) => line.startsWith('FROM '))).toEqual(['FROM ${NODE_IMAGE} AS build', 'FROM ${NODE_IMAGE}']);
  });

  it('runs `npm start`’s node command under tini as the node user, and `npm run health` as its HEALTHCHECK', () => {
    const runtime = stages()[1] ?? [];
    expect(execForm(runtime.find((line) => line.startsWith('CMD ')))).toEqual(nodeCommand('start'));
    expect(execForm(runtime.find((line) => line.startsWith('HEALTHCHECK ')))).toEqual(nodeCommand('health'));
    expect(execForm(runtime.find((line) => line.startsWith('ENTRYPOINT ')))).toEqual(['/usr/bin/tini', '--']);
    expect(runtime).toContain('USER node');
    expect(runtime).toContain('VOLUME ["/data"]');
    expect(runtime.join('\n')).toMatch(/DATABASE_PATH=\/data\/bot\.sqlite/);
  });

  it('installs with the production install that .ci/run checks, from exactly the files .dockerignore lets through', () => {
    const build = stages()[0] ?? [];
    expect(build.filter((line) => line.startsWith('RUN npm'))).toEqual(['RUN npm ci --omit=dev']);
    const copied = build.filter((line) => line.startsWith('COPY ')).flatMap((line) => line.split(/\s+/).slice(1, -1));
    const allowed = read('.dockerignore')
      .split('\n')
      .filter((line) => line.startsWith('!'))
      .map((line) => line.slice(1));
    expect(copied.sort()).toEqual(allowed.sort());
    // Everything the production build compiles is copied.
    const buildConfig = JSON.parse(read('tsconfig.build.json')) as { include: string[] };
    for (const input of [...buildConfig.include.map((path) => `${path}/`), 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'])
      expect(copied).toContain(input);
    expect(manifest.scripts.prepare).toBe('tsc -p tsconfig.build.json');
    expect(Object.keys(manifest.dependencies)).toEqual(expect.arrayContaining(['typescript', '@types/node']));
  });
});

describe('compose.yaml', () => {
  it('keeps the database on a volume, reads the env file, restarts unless stopped, and waits out the drain', () => {
    expect(compose).toMatch(/^ {4}env_file: \.env$/m);
    expect(compose).toMatch(/^ {6}- bot-data:\/data$/m);
    expect(compose).toMatch(/^ {4}restart: unless-stopped$/m);
    const grace = Number(/^ {4}stop_grace_period: (\d+)s$/m.exec(compose)?.[1]);
    expect(grace).toBeGreaterThanOrEqual(drainSeconds + 10);
  });
});

describe('deploy/binance-pm-bot.service', () => {
  const settings = unit.split('\n').filter((line) => /^[A-Z]\w+=/.test(line));
  const value = (key: string) => settings.filter((line) => line.startsWith(`${key}=`)).map((line) => line.slice(key.length + 1));

  it('runs `npm start`’s node command as a dedicated user, restarting on failure but not on a configuration error', () => {
    expect(value('ExecStart')).toEqual([['/usr/bin/node', ...nodeCommand('start').slice(1)].join(' ')]);
    expect(value('User')).toEqual(['pmbot']);
    expect(value('Restart')).toEqual(['on-failure']);
    expect(value('RestartPreventExitStatus')).toEqual(['2']);
  });

  it('has the hardening Node runs under, the database folder writable, and no MemoryDenyWriteExecute', () => {
    for (const setting of ['NoNewPrivileges=yes', 'ProtectSystem=strict', 'PrivateTmp=yes', 'ProtectHome=yes']) expect(settings).toContain(setting);
    const databaseFolder = value('Environment')
      .find((line) => line.startsWith('DATABASE_PATH='))
      ?.replace(/^DATABASE_PATH=(.*)\/[^/]+$/, '$1');
    expect(value('ReadWritePaths')).toEqual([databaseFolder]);
    expect(settings.filter((line) => line.startsWith('MemoryDenyWriteExecute'))).toEqual([]);
  });

  it('gives the shutdown drain (DRAIN_MS + BINANCE_CLOSE_MS + AUDIT_DRAIN_MS) time before SIGKILL', () => {
    expect(Number(value('TimeoutStopSec')[0])).toBeGreaterThanOrEqual(drainSeconds + 10);
  });

  const analyze = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
  it.skipIf(analyze.status !== 0)('passes systemd-analyze verify', () => {
    const verify = spawnSync('systemd-analyze', ['verify', join(CHECKOUT, 'deploy', 'binance-pm-bot.service')], { encoding: 'utf8' });
    expect(verify.stderr).toBe('');
    expect(verify.status).toBe(0);
  });
});
