// The bot's logger: one JSON line per event on stdout (errors on stderr), so
// operators can grep or ship it. Every line passes through a scrubber that
// replaces the known secrets, in case one ever reaches a message by mistake.
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

const RANK: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LoggerOptions {
  readonly level?: LogLevel;
  /** Values that must never be printed (tokens, secrets); each is replaced by [redacted]. */
  readonly secrets?: readonly string[];
  readonly write?: (line: string, level: LogLevel) => void;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const threshold = RANK[options.level ?? 'info'];
  const secrets = (options.secrets ?? []).filter((secret) => secret.length >= 8);
  const write =
    options.write ??
    ((line: string, level: LogLevel) => (level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(`${line}\n`));

  const emit = (level: LogLevel, message: string, fields?: LogFields): void => {
    if (RANK[level] < threshold) return;
    let line = JSON.stringify({ time: new Date().toISOString(), level, message, ...fields }, errorReplacer);
    for (const secret of secrets) line = line.split(secret).join('[redacted]');
    write(line, level);
  };
  return {
    debug: (message, fields) => emit('debug', message, fields),
    info: (message, fields) => emit('info', message, fields),
    warn: (message, fields) => emit('warn', message, fields),
    error: (message, fields) => emit('error', message, fields),
  };
}

/** A logger that drops everything, for tests that don't look at logs. */
export const silentLogger: Logger = createLogger({ write: () => undefined });

// Errors have no enumerable fields; log their name, message and cause chain.
function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    return { name: value.name, message: value.message, ...(value.cause === undefined ? {} : { cause: value.cause }) };
  }
  if (typeof value === 'bigint') return value.toString();
  return value;
}
