import { redact } from './redact';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export type LogSink = (level: LogLevel, message: string) => void;

/** Every line goes through `redact` before it reaches the sink, whatever the caller passed. */
export function createLogger(sink: LogSink): Logger {
  const emit = (level: LogLevel) => (message: string) => sink(level, redact(message));
  return { trace: emit('trace'), debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

export const silentLogger: Logger = createLogger(() => undefined);

/** Text of an unknown thrown value, redacted; never includes a stack with request data. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return redact(err.message);
  return redact(String(err));
}
